"""Where the record store's files live: a local folder, or S3-compatible object storage.

The store names every file by a path relative to its root (``manifest.json``,
``records/…/<token>.parquet``, ``staging/<token>.json``). DuckDB reads and writes local files, so
the store always works in a local folder; these classes make the local copy the stored one
(:class:`LocalFiles`) or keep the stored copy in a bucket (:class:`S3Files`), read and written
through pyarrow's S3 file system (no DuckDB extension needed).

Record files are never rewritten (each has a name nobody else uses), so a local copy of one,
once fetched, stays right for ever: reads fetch each file once into the local folder. The
manifest and staging markers are small objects read fresh every time; replacing the manifest is
one PUT, which S3 makes visible whole or not at all: the commit point, as the rename is locally.

Imports no Django.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs

from saferhub.incidents.layout import RecordStoreError, fsync_dir


class LocalFiles:
    """The store's files are the local folder's files."""

    remote = False

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    def check(self) -> None:
        pass  # the store checks the local folder itself

    def exists(self) -> bool:
        return self.root.exists()

    def read_bytes(self, relative: str) -> bytes | None:
        try:
            return (self.root / relative).read_bytes()
        except FileNotFoundError:
            return None

    def write_bytes(self, relative: str, data: bytes) -> None:
        """Replace a small file atomically (temporary name, fsync, rename)."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
        fsync_dir(path.parent)

    def publish(self, relative: str) -> None:
        """Make a file written in the local folder the stored one (here it already is)."""

    def fetch(self, relative: str, *, fresh: bool = False) -> Path:
        """A local path to read the file from."""
        return self.root / relative

    def delete(self, relative: str) -> None:
        """Remove a file, and its folders up to the root once they are empty."""
        path = self.root / relative
        path.unlink(missing_ok=True)
        folder = path.parent
        while folder != self.root and folder.is_dir():
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent

    def list(self, prefix: str) -> list[str]:
        base = self.root / prefix
        if not base.is_dir():
            return []
        return sorted(
            str(p.relative_to(self.root)) for p in base.rglob("*") if p.is_file() and not p.name.startswith(".")
        )

    def stamp(self, relative: str) -> str:
        try:
            st = (self.root / relative).stat()
        except FileNotFoundError:
            return ""
        return f"{st.st_ino}-{st.st_size}-{st.st_mtime_ns}"


class S3Files:
    """The store's files are objects under ``s3://bucket/prefix``; ``cache`` is the local working copy.

    The URL may carry pyarrow's options, e.g. ``s3://records/essex?endpoint_override=minio:9000&scheme=http``;
    credentials come from the usual AWS variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION).
    """

    remote = True

    def __init__(self, url: str, cache: Path) -> None:
        self.url = url.split("?", 1)[0]
        try:
            self.fs, path = pafs.FileSystem.from_uri(url)
        except (pa.ArrowInvalid, OSError, ValueError) as exc:
            raise RecordStoreError(f"record store {self.url}: not a usable S3 address ({exc})") from None
        self.base = path.strip("/")
        if not self.base:
            raise RecordStoreError(f"record store {self.url}: name a bucket, s3://bucket/prefix")
        self.root = cache

    def describe(self) -> str:
        return self.url

    def _key(self, relative: str) -> str:
        return f"{self.base}/{relative}"

    def _io(self, what: str, exc: Exception) -> RecordStoreError:
        return RecordStoreError(f"record store {self.url}: cannot {what} ({str(exc).splitlines()[0]})")

    def check(self) -> None:
        try:
            self.fs.get_file_info(pafs.FileSelector(self.base, allow_not_found=True))
        except OSError as exc:
            raise self._io("list the bucket", exc) from None

    def exists(self) -> bool:
        """A committed manifest or an import in progress (not a listing of every record file)."""
        try:
            manifest = self.fs.get_file_info(self._key("manifest.json"))
        except OSError as exc:
            raise self._io("reach the store", exc) from None
        return manifest.type != pafs.FileType.NotFound or bool(self.list("staging"))

    def read_bytes(self, relative: str) -> bytes | None:
        try:
            with self.fs.open_input_stream(self._key(relative)) as stream:
                return bytes(stream.read())
        except FileNotFoundError:
            return None
        except OSError as exc:
            if "NoSuchKey" in str(exc) or "does not exist" in str(exc):
                return None
            raise self._io(f"read {relative}", exc) from None

    def write_bytes(self, relative: str, data: bytes) -> None:
        """One PUT: readers see the old object or the new one whole."""
        try:
            with self.fs.open_output_stream(self._key(relative)) as stream:
                stream.write(data)
        except OSError as exc:
            raise self._io(f"write {relative}", exc) from None

    def publish(self, relative: str) -> None:
        """Upload a file written in the local working folder (it stays there as the cached copy)."""
        try:
            pafs.copy_files(
                str(self.root / relative),
                self._key(relative),
                source_filesystem=pafs.LocalFileSystem(),
                destination_filesystem=self.fs,
            )
        except OSError as exc:
            raise self._io(f"upload {relative}", exc) from None

    def fetch(self, relative: str, *, fresh: bool = False) -> Path:
        """The local copy of a stored file, downloaded first if it is not here (or ``fresh`` is asked for,
        for files that are replaced under the same name, such as lookups). A file that is not stored
        gives a path that does not exist."""
        local = self.root / relative
        if local.exists() and not fresh:
            return local
        info = self.fs.get_file_info(self._key(relative))
        if info.type == pafs.FileType.NotFound:
            local.unlink(missing_ok=True)
            return local
        local.parent.mkdir(parents=True, exist_ok=True)
        tmp = local.with_name(f".{local.name}.{os.getpid()}.download")
        try:
            pafs.copy_files(
                self._key(relative), str(tmp), source_filesystem=self.fs, destination_filesystem=pafs.LocalFileSystem()
            )
            tmp.replace(local)
        except OSError as exc:
            raise self._io(f"download {relative}", exc) from None
        finally:
            tmp.unlink(missing_ok=True)
        return local

    def delete(self, relative: str) -> None:
        try:
            self.fs.delete_file(self._key(relative))
        except FileNotFoundError:
            pass  # already gone: deleting is idempotent
        except OSError as exc:
            if "NoSuchKey" not in str(exc) and "does not exist" not in str(exc):
                raise self._io(f"delete {relative}", exc) from None
        (self.root / relative).unlink(missing_ok=True)

    def list(self, prefix: str) -> list[str]:
        base = f"{self.base}/{prefix}".rstrip("/")
        try:
            infos = self.fs.get_file_info(pafs.FileSelector(base, recursive=True, allow_not_found=True))
        except OSError as exc:
            raise self._io(f"list {prefix or 'the store'}", exc) from None
        start = len(self.base) + 1
        return sorted(i.path[start:] for i in infos if i.type == pafs.FileType.File)

    def stamp(self, relative: str) -> str:
        data = self.read_bytes(relative)  # S3 times are whole seconds: the content says more
        return "" if data is None else hashlib.sha256(data).hexdigest()[:32]


def files_for(url: str, *, cache_dir: str | os.PathLike[str] | None = None) -> LocalFiles | S3Files:
    """The file backend for a storage URL: a folder path (or file://) or s3://bucket/prefix."""
    text = url[len("file://") :] if url.startswith("file://") else url
    if text.startswith("s3://"):
        cache = cache_dir or os.environ.get("SAFERHUB_RECORD_CACHE") or _default_cache()
        return S3Files(text, Path(cache) / hashlib.sha256(text.split("?", 1)[0].encode()).hexdigest()[:16])
    if "://" in text:
        raise RecordStoreError(
            f"record store {text!r}: expected a folder path or s3://bucket/prefix (set SAFERHUB_RECORD_STORE)"
        )
    return LocalFiles(Path(text))


def _default_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "saferhub-records"
