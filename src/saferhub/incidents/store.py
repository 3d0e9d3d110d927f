"""The record store: record-level incidents in Parquet, read and written through DuckDB.

This module is the one door to the store; it takes a storage URL (a local folder, or later an
``s3://`` prefix) and imports no Django.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from saferhub.core.errors import SaferhubError


class RecordStoreError(SaferhubError):
    """The record store cannot be read or written."""


class RecordStore:
    def __init__(self, url: str | os.PathLike[str]) -> None:
        text = str(url)
        if text.startswith("file://"):
            text = text[len("file://") :]
        if "://" in text:
            raise RecordStoreError(
                f"record store {text!r}: only local folders are supported so far "
                "(set SAFERHUB_RECORD_STORE to a folder path)"
            )
        self.root = Path(text)

    def check(self) -> None:
        """Raise ``RecordStoreError`` unless the store's folder is writable and DuckDB runs."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RecordStoreError(f"record store {self.root}: cannot create the folder ({exc.strerror})") from None
        if not os.access(self.root, os.W_OK):
            raise RecordStoreError(f"record store {self.root}: the folder is not writable")
        with duckdb.connect(":memory:") as con:
            con.execute("SELECT 1").fetchone()
