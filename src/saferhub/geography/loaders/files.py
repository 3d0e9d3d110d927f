"""Reading ONS files as published: CSV (plain or gzipped) with or without a byte-order mark."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

from saferhub.core.errors import ValidationProblem

# Codes of areas outside England and Wales: Scotland, Northern Ireland, Great Britain, the UK.
_OUTSIDE_PREFIXES = ("S", "N", "K02", "K03")


@dataclass
class LoadSummary:
    """What a load did, with notes for what it left out and why."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.skipped:
            text += f", {self.skipped} skipped"
        return text

    def add(self, other: LoadSummary) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.notes.extend(other.notes)


def outside_england_wales(code: str) -> bool:
    """True for a GSS code of Scotland, Northern Ireland, Great Britain or the UK."""
    return code.startswith(_OUTSIDE_PREFIXES)


def read_text(path: Path) -> str:
    """The file's text, from UTF-8 (with or without a byte-order mark), gunzipped when it ends in .gz."""
    if not path.exists():
        raise ValidationProblem("file not found", where=str(path))
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ValidationProblem(f"is not a readable gzip file ({exc})", where=str(path)) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationProblem(
            f"is not UTF-8 text (byte {exc.start}); save it as CSV UTF-8", where=str(path)
        ) from None


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV file, every value stripped."""
    reader = csv.DictReader(io.StringIO(read_text(path)))
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise ValidationProblem("is empty: expected a header row", where=str(path))
    rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    return header, rows


def require_columns(header: list[str], wanted: tuple[str, ...], *, path: Path) -> None:
    """Refuse a file that lacks any of ``wanted``, naming every missing column and what was found."""
    missing = [c for c in wanted if c not in header]
    if missing:
        raise ValidationProblem(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; found {', '.join(header)}",
            where=str(path),
        )


def whole_number(text: str, *, where: str) -> int:
    """A count written with or without thousands separators ("1,296")."""
    raw = text.replace(",", "").strip()
    if not raw.isdigit():
        raise ValidationProblem(f"{text!r} is not a whole number", where=where)
    return int(raw)
