"""Taking files in safely: single files, folders (the police.uk archive's ``YYYY-MM/`` layout) and zips.

Sizes are checked before anything is read; zips are opened member by member with limits on the
number of members, the bytes they expand to and their compression ratio (a zip bomb is refused,
not unpacked), and names that would escape the working folder are refused.
"""

from __future__ import annotations

import gzip
import hashlib
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from saferhub.ingest.problems import ImportRefused

ZIP_MAX_MEMBERS = 5000
ZIP_MAX_RATIO = 100  # CSV compresses about 5–15 times; 100 times is a bomb, not data
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_total_bytes: int


@dataclass
class InputFile:
    """One file to read: where it is on disk now, the name to show people, and its fingerprint."""

    path: Path
    name: str
    size: int
    sha256: str
    container: str = ""  # the zip it came out of, if any


def _human(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_size(name: str, size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise ImportRefused(
            f"is {_human(size)}, larger than the {_human(limits.max_file_bytes)} allowed for one file; "
            "split it (for example one file per month) and import the parts",
            where=name,
        )


def expand(
    paths: list[Path], *, work_dir: Path, limits: Limits, suffixes: tuple[str, ...] = (".csv",)
) -> list[InputFile]:
    """The files to read, in a stable order: given files, files in given folders, members of zips.

    Zip members are extracted into ``work_dir`` (which the caller removes afterwards).
    """
    found: list[InputFile] = []
    total = 0
    for given in paths:
        if not given.exists():
            raise ImportRefused("file not found", where=str(given))
        if given.is_dir():
            members = sorted(
                p
                for p in given.rglob("*")
                if p.is_file()
                and not p.name.startswith(".")
                and (p.suffix.lower() in (*suffixes, ".zip") or _is_gzipped(p, suffixes))
            )
            if not members:
                raise ImportRefused(
                    f"is a folder with no {' or '.join(suffixes)} files in it (looked in its sub-folders too)",
                    where=str(given),
                )
            candidates = [(p, str(p.relative_to(given.parent))) for p in members]
        else:
            candidates = [(given, given.name)]
        for path, display in candidates:
            size = path.stat().st_size
            _check_size(display, size, limits)
            if _is_gzipped(path, suffixes):
                item = _gunzip(path, display, work_dir=work_dir, limits=limits)
                total += item.size
                found.append(item)
            elif path.suffix.lower() == ".zip" or (path.suffix.lower() not in suffixes and zipfile.is_zipfile(path)):
                members_out = list(_unzip(path, display, work_dir=work_dir, limits=limits, suffixes=suffixes))
                total += sum(m.size for m in members_out)
                found.extend(members_out)
            else:
                if path.suffix.lower() not in suffixes:
                    raise ImportRefused(
                        f"is a {path.suffix or 'file with no extension'}; expected {' or '.join(suffixes)} "
                        "(or a .zip of them)",
                        where=display,
                    )
                total += size
                found.append(InputFile(path=path, name=display, size=size, sha256=sha256_of(path)))
            if total > limits.max_total_bytes:
                raise ImportRefused(
                    f"the files come to more than {_human(limits.max_total_bytes)}; import them in smaller sets",
                    where=display,
                )
    for item in found:
        if item.size == 0:  # before the duplicate check: two empty files are empty, not the same file
            raise ImportRefused(
                "is empty: expected a header row naming the columns, then one row per record", where=item.name
            )
    seen: dict[str, str] = {}
    for item in found:
        if item.sha256 in seen:
            raise ImportRefused(
                f"is the same file as {seen[item.sha256]} (identical content); give each file once", where=item.name
            )
        seen[item.sha256] = item.name
    return found


def _safe_member_name(info: zipfile.ZipInfo, zip_name: str) -> PurePosixPath:
    name = info.filename.replace("\\", "/")
    pure = PurePosixPath(name)
    if pure.is_absolute() or ".." in pure.parts or (pure.parts and ":" in pure.parts[0]):
        raise ImportRefused(
            f"contains {info.filename!r}, a name that points outside the zip; refused for safety", where=zip_name
        )
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ImportRefused(f"contains {info.filename!r}, a symbolic link; refused for safety", where=zip_name)
    return pure


def _unzip(
    path: Path, display: str, *, work_dir: Path, limits: Limits, suffixes: tuple[str, ...]
) -> Iterator[InputFile]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportRefused(f"is not a readable zip file ({exc})", where=display) from None
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > ZIP_MAX_MEMBERS:
            raise ImportRefused(
                f"holds {len(infos):,} files; at most {ZIP_MAX_MEMBERS:,} are accepted in one zip", where=display
            )
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_total_bytes:
            raise ImportRefused(
                f"would expand to {_human(declared)}, more than the {_human(limits.max_total_bytes)} allowed; "
                "refused without unpacking it",
                where=display,
            )
        seen: set[str] = set()
        for info in infos:
            folded = info.filename.replace("\\", "/").casefold()
            if folded in seen:
                raise ImportRefused(
                    f"holds {info.filename!r} more than once; a zip must name each file once "
                    "(refused without unpacking it)",
                    where=display,
                )
            seen.add(folded)
        wanted = []
        for info in infos:
            pure = _safe_member_name(info, display)
            if pure.name.startswith(".") or pure.parts[0] == "__MACOSX":
                continue
            if info.flag_bits & 0x1:
                raise ImportRefused(f"member {info.filename!r} is encrypted; send it unencrypted", where=display)
            if pure.suffix.lower() == ".zip":
                raise ImportRefused(
                    f"contains another zip ({info.filename!r}); unzip it and import the files inside", where=display
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1_000_000 and ratio > ZIP_MAX_RATIO:
                raise ImportRefused(
                    f"member {info.filename!r} expands {ratio:,.0f} times (to {_human(info.file_size)}); "
                    f"that is a zip bomb, not data, and was not unpacked",
                    where=display,
                )
            if info.file_size > limits.max_file_bytes:
                raise ImportRefused(
                    f"member {info.filename!r} is {_human(info.file_size)}, larger than the "
                    f"{_human(limits.max_file_bytes)} allowed for one file",
                    where=display,
                )
            if pure.suffix.lower() in suffixes:
                wanted.append((info, pure))
        if not wanted:
            raise ImportRefused(f"holds no {' or '.join(suffixes)} files", where=display)
        target_root = work_dir / f"zip-{hashlib.sha256(display.encode()).hexdigest()[:12]}"
        unpacked = 0  # bytes written for this zip so far, whatever the members declare
        for info, pure in sorted(wanted, key=lambda item: str(item[1])):
            target = target_root.joinpath(*pure.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            written = 0
            # Count the bytes really written: a zip's declared sizes can lie.
            try:
                with archive.open(info) as source, target.open("wb") as sink:
                    while chunk := source.read(HASH_CHUNK):
                        written += len(chunk)
                        unpacked += len(chunk)
                        if written > info.file_size or written > limits.max_file_bytes:
                            raise ImportRefused(
                                f"member {info.filename!r} expands beyond the size it declares; refused as unsafe",
                                where=display,
                            )
                        if unpacked > limits.max_total_bytes:
                            raise ImportRefused(
                                f"expands to more than the {_human(limits.max_total_bytes)} allowed; refused as unsafe",
                                where=display,
                            )
                        digest.update(chunk)
                        sink.write(chunk)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                raise ImportRefused(f"member {info.filename!r} cannot be unpacked ({exc})", where=display) from None
            yield InputFile(
                path=target, name=f"{display}/{pure}", size=written, sha256=digest.hexdigest(), container=display
            )


def _is_gzipped(path: Path, suffixes: tuple[str, ...]) -> bool:
    """A gzip'd file of a kind this importer reads: ``2024-01-essex-street.csv.gz``."""
    return path.suffix.lower() == ".gz" and Path(path.stem).suffix.lower() in suffixes


def _gunzip(path: Path, display: str, *, work_dir: Path, limits: Limits) -> InputFile:
    """Unpack a gzip'd file into ``work_dir``, counting the bytes as they come (a gzip's size can lie)."""
    target = work_dir / f"gz-{hashlib.sha256(display.encode()).hexdigest()[:12]}" / path.stem
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    written = 0
    try:
        with gzip.open(path, "rb") as source, target.open("wb") as sink:
            while chunk := source.read(HASH_CHUNK):
                written += len(chunk)
                if written > limits.max_file_bytes:
                    raise ImportRefused(
                        f"expands to more than the {_human(limits.max_file_bytes)} allowed for one file; "
                        "refused part-way and nothing kept",
                        where=display,
                    )
                digest.update(chunk)
                sink.write(chunk)
    except (gzip.BadGzipFile, EOFError, OSError, zlib.error) as exc:
        raise ImportRefused(f"is not a readable gzip file ({exc})", where=display) from None
    return InputFile(
        path=target, name=display[: -len(path.suffix)], size=written, sha256=digest.hexdigest(), container=display
    )
