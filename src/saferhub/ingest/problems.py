"""What an import tells people when input is wrong: one clear message, and every rejected row.

Pure Python. Messages name the file, the row (as a spreadsheet numbers it: the header is row 1),
the column as the file spells it, the value found and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from saferhub.core.errors import SaferhubError, ValidationProblem

# At most this many rejections are kept per import; the count of all of them is always kept.
MAX_REJECTIONS_KEPT = 1000
# ... and each is kept at most this long, so a hostile file or mapping cannot fill the database
# with its own text (a value, a column name or a reason that quotes them).
MAX_REJECTION_TEXT = {"file_name": 255, "column": 200, "value": 200, "reason": 2000}


def clipped(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters in the middle, keeping its start and its end (where
    a message says what was expected) and saying how much was left out."""
    if len(text) <= limit:
        return text
    keep = limit - 40
    head, tail = keep * 2 // 3, keep - keep * 2 // 3
    return f"{text[:head]} … ({len(text) - head - tail:,} characters left out) … {text[len(text) - tail :]}"


@dataclass(frozen=True)
class Rejection:
    file_name: str
    row_number: int | None
    column: str
    value: str
    reason: str

    def where(self) -> str:
        parts = [self.file_name] if self.file_name else []
        if self.row_number is not None:
            parts.append(f"row {self.row_number}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def message(self) -> str:
        return f"{self.where()}: {self.reason}" if self.where() else self.reason


@dataclass
class Rejections:
    kept: list[Rejection] = field(default_factory=list)
    total: int = 0
    rows: set[tuple[str, int]] = field(default_factory=set)
    uncounted_rows: int = 0  # rejected rows beyond those listed one by one

    def add(self, rejection: Rejection) -> None:
        self.total += 1
        if rejection.row_number is not None:
            self.rows.add((rejection.file_name, rejection.row_number))
        if len(self.kept) < MAX_REJECTIONS_KEPT:
            clips: dict[str, Any] = {k: clipped(getattr(rejection, k), n) for k, n in MAX_REJECTION_TEXT.items()}
            self.kept.append(replace(rejection, **clips))

    def add_unlisted(self, *, problems: int, rows: int) -> None:
        """Count problems found by a check beyond those listed one by one."""
        self.total += max(problems, 0)
        self.uncounted_rows += max(rows, 0)

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def rows_rejected(self) -> int:
        return len(self.rows) + self.uncounted_rows


class ImportRefused(ValidationProblem):
    """The input breaks a rule, so nothing was imported. ``rejections`` lists every problem found."""

    def __init__(
        self,
        message: str,
        *,
        where: str | None = None,
        rejections: list[Rejection] | None = None,
        total: int | None = None,
        rows_rejected: int = 0,
    ) -> None:
        super().__init__(message, where=where)
        self.rejections = rejections or []
        self.total = total if total is not None else len(self.rejections)
        self.rows_rejected = rows_rejected

    @classmethod
    def from_rejections(cls, rejections: Rejections) -> ImportRefused:
        first = rejections.kept[0]
        more = rejections.total - 1
        tail = (
            f" (and {more} more problem{'s' if more != 1 else ''}; nothing was imported)"
            if more
            else (" (nothing was imported)")
        )
        return cls(
            first.reason + tail,
            where=first.where() or None,
            rejections=list(rejections.kept),
            total=rejections.total,
            rows_rejected=rejections.rows_rejected,
        )


class AlreadyImported(SaferhubError):
    """Every file given was imported before and its records are still current."""
