"""Fetching police.uk's monthly files over HTTP: resumable, verified, and never half-written.

Files are laid out as police.uk's archive lays them out, ``YYYY-MM/YYYY-MM-<force>-<dataset>.csv``,
under a base URL and, on disk, under the fetch folder. A small manifest there
(``fetch-manifest.json``) records each file's size and SHA-256 when it was first fetched, and
whether it has been imported since.

- **Resumes**: a file already on disk whose checksum matches the manifest is not fetched again.
- **Verifies**: the body must be as long as the server's Content-Length, start with a police.uk
  header row, and (when the manifest already knows the file) have the checksum recorded; a
  different checksum means police.uk changed the file, which is refused unless asked for.
- **Never half-written**: a download goes to a temporary name in the same folder and is renamed
  into place only once verified; the manifest is replaced atomically. A failure leaves the folder
  as it was.

Imports no Django (the service in :mod:`saferhub.ingest.services` imports what was fetched).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from saferhub.core.errors import SaferhubError

MANIFEST_NAME = "fetch-manifest.json"
DATASETS = ("street", "outcomes")
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
ATTEMPTS = 3
CHUNK = 1 << 20
MAX_FILE_BYTES = 1 << 30  # police.uk's largest monthly file (the Met's street file) is about 40 MB
_FORCE = re.compile(r"^[a-z][a-z0-9-]{1,60}$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_HEADER_MARKERS = {"month", "falls_within"}  # every police.uk street and outcomes file has these columns


class FetchError(SaferhubError):
    """A download failed or could not be verified; the fetch folder is as it was."""


@dataclass(frozen=True)
class Wanted:
    month: str
    force: str
    dataset: str

    @property
    def relative(self) -> str:
        return f"{self.month}/{self.month}-{self.force}-{self.dataset}.csv"


@dataclass
class FetchResult:
    folder: Path
    downloaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already on disk and verified
    to_import: list[Path] = field(default_factory=list)  # on disk and not yet imported


def parse_month(text: str, *, option: str) -> tuple[int, int]:
    found = _MONTH.match(text.strip())
    if not found:
        raise FetchError(f"{option} {text!r} is not a month: expected YYYY-MM, for example 2024-01")
    return int(found.group(1)), int(found.group(2))


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive, as YYYY-MM."""
    y, m = parse_month(first, option="--from")
    end = parse_month(last, option="--to")
    if (y, m) > end:
        raise FetchError(f"--from {first} is after --to {last}")
    out = []
    while (y, m) <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if len(out) > 120:
        raise FetchError(f"{first} to {last} is {len(out)} months; fetch at most 120 (ten years) at a time")
    return out


def recent_months(count: int, *, today: tuple[int, int]) -> tuple[str, str]:
    """The ``count`` months before ``today`` (police.uk publishes a month about six weeks after it ends)."""
    y, m = today
    months = []
    for _ in range(count):
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
        months.append(f"{y:04d}-{m:02d}")
    return months[-1], months[0]


def plan(forces: list[str], first: str, last: str, datasets: list[str]) -> list[Wanted]:
    bad = [f for f in forces if not _FORCE.match(f)]
    if bad or not forces:
        raise FetchError(
            f"--forces {','.join(bad) or '(none)'}: give police.uk's force names as in its file names, "
            "for example essex,kent,metropolitan"
        )
    unknown = [d for d in datasets if d not in DATASETS]
    if unknown or not datasets:
        raise FetchError(f"--datasets {','.join(unknown) or '(none)'}: expected {' or '.join(DATASETS)}")
    return [Wanted(m, f, d) for m in months_between(first, last) for f in forces for d in datasets]


class FetchFolder:
    """The fetch folder and its manifest."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / MANIFEST_NAME

    def read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError as exc:
            raise FetchError(
                f"{self.path}: the fetch manifest is damaged ({exc}); move it aside to start again"
            ) from None
        return dict(data.get("files") or {})

    def write(self, files: dict[str, dict[str, Any]]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{MANIFEST_NAME}.{os.getpid()}.tmp"
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump({"files": dict(sorted(files.items()))}, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(self.path)

    def mark_imported(self, relatives: list[str], import_id: int | None) -> None:
        files = self.read()
        for relative in relatives:
            if relative in files:
                files[relative]["imported"] = files[relative]["sha256"]
                files[relative]["import_id"] = import_id
        self.write(files)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_header(first: bytes, relative: str) -> None:
    line = first.split(b"\n", 1)[0].removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace").strip()
    names = {re.sub(r"[^0-9a-z]+", "_", cell.strip().lower()).strip("_") for cell in line.split(",")}
    if not names >= _HEADER_MARKERS:
        shown = line[:80] + ("…" if len(line) > 80 else "")
        raise FetchError(
            f"{relative}: the download is not a police.uk file (its first row is {shown!r}; expected the "
            "columns Crime ID, Month, Reported by, Falls within…); the server may have sent an error page. "
            "Nothing was kept"
        )


@contextlib.contextmanager
def _temporary(target: Path) -> Iterator[Path]:
    """A temporary name beside ``target``, removed unless the caller renamed it into place."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


class Fetcher:
    def __init__(
        self,
        base_url: str,
        folder: Path,
        *,
        session: requests.Session | None = None,
        attempts: int = ATTEMPTS,
        backoff: float = 1.0,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
        max_file_bytes: int = MAX_FILE_BYTES,
        accept_changed: bool = False,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise FetchError(f"--base-url {base_url!r}: expected an http:// or https:// address")
        self.base_url = base_url.rstrip("/") + "/"
        self.folder = folder
        self.manifest = FetchFolder(folder)
        self.session = session or requests.Session()
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.timeout = timeout
        self.max_file_bytes = max_file_bytes
        self.accept_changed = accept_changed
        self.progress = progress or (lambda _msg: None)

    def run(self, wanted: list[Wanted], *, refresh: bool = False) -> FetchResult:
        """Fetch every wanted file that is not already here and verified; stop at the first failure.

        Files fetched before a failure stay (each is whole and verified, and recorded in the
        manifest), so running again resumes; nothing is imported after a failure.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / ".lock").open("a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one fetcher at a time per folder
            try:
                return self._run_locked(wanted, refresh=refresh)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _run_locked(self, wanted: list[Wanted], *, refresh: bool) -> FetchResult:
        result = FetchResult(folder=self.folder)
        files = self.manifest.read()
        for item in wanted:
            relative = item.relative
            target = self.folder / relative
            known = files.get(relative)
            if known and not refresh and target.is_file() and sha256_file(target) == known["sha256"]:
                result.skipped.append(relative)
            else:
                fresh = self._download(relative, target, known)
                if known and "imported" in known:  # what was imported last, to compare with what is here now
                    fresh.update(imported=known["imported"], import_id=known.get("import_id"))
                files[relative] = fresh
                self.manifest.write(files)  # after the rename: the manifest never names a missing file
                result.downloaded.append(relative)
            if files[relative].get("imported") != files[relative]["sha256"]:
                result.to_import.append(target)
        return result

    def _download(self, relative: str, target: Path, known: dict[str, Any] | None) -> dict[str, Any]:
        url = self.base_url + relative
        for stale in target.parent.glob(f".{target.name}.*.part"):  # left by a process that was killed
            stale.unlink(missing_ok=True)
        last_problem = ""
        for attempt in range(1, self.attempts + 1):
            self.progress(f"fetching {relative}" + (f" (attempt {attempt})" if attempt > 1 else ""))
            try:
                return self._attempt(relative, url, target, known)
            except _Retry as exc:
                last_problem = str(exc)
                if attempt < self.attempts:
                    time.sleep(self.backoff * attempt)
        raise FetchError(f"{relative}: {last_problem} (tried {self.attempts} times from {url}). Nothing was kept")

    def _attempt(self, relative: str, url: str, target: Path, known: dict[str, Any] | None) -> dict[str, Any]:
        try:
            response = self.session.get(url, stream=True, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise _Retry(f"could not connect ({type(exc).__name__})") from None
        with response:
            if response.status_code == 404:
                raise FetchError(
                    f"{relative}: not found at {url} (HTTP 404); police.uk may not have published that month "
                    "for that force yet. Nothing was kept"
                )
            if response.status_code >= 500 or response.status_code == 429:
                raise _Retry(f"the server answered HTTP {response.status_code}")
            if response.status_code != 200:
                raise FetchError(f"{relative}: the server answered HTTP {response.status_code} for {url}")
            declared = response.headers.get("Content-Length")
            expected = int(declared) if declared and declared.isdigit() else None
            if expected is not None and expected > self.max_file_bytes:
                raise FetchError(f"{relative}: the server says it is {expected:,} bytes, more than the limit")
            target.parent.mkdir(parents=True, exist_ok=True)
            with _temporary(target) as tmp:
                digest = hashlib.sha256()
                size = 0
                first = b""
                try:
                    with tmp.open("wb") as sink:
                        for chunk in response.iter_content(CHUNK):
                            size += len(chunk)
                            if size > self.max_file_bytes:
                                raise FetchError(f"{relative}: the download is larger than the limit; nothing kept")
                            if len(first) < 4096:
                                first += chunk[: 4096 - len(first)]
                            digest.update(chunk)
                            sink.write(chunk)
                        sink.flush()
                        os.fsync(sink.fileno())
                except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                    raise _Retry(f"the connection dropped after {size:,} bytes ({type(exc).__name__})") from None
                if expected is not None and size != expected:
                    raise _Retry(f"the download was cut short: {size:,} of {expected:,} bytes")
                if size == 0:
                    raise FetchError(f"{relative}: the download is empty (0 bytes); nothing was kept")
                _check_header(first, relative)
                sha = digest.hexdigest()
                if known and known["sha256"] != sha and not self.accept_changed:
                    raise FetchError(
                        f"{relative}: police.uk's file has changed since it was fetched "
                        f"(checksum {known['sha256'][:12]}…, now {sha[:12]}…; {known['size']:,} bytes, now {size:,}). "
                        "Nothing was kept or imported; run again with --accept-changed to take the new version"
                    )
                tmp.replace(target)  # atomic: the file is whole and verified, or absent
        return {"sha256": sha, "size": size, "url": url, "fetched": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


class _Retry(Exception):
    """A failure worth another attempt (a dropped connection, a server error, a short body)."""
