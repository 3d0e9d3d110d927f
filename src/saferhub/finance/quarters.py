"""Quarters of the financial year, in which money is monitored and providers make their returns.

Pure Python (no Django). Public bodies in England report money by the quarters of the financial
year, April to March: quarter 1 is April to June, quarter 4 is January to March of the next
calendar year. This differs from ``core.codes.parse_period``'s ``2013-Q2``, a calendar quarter used
for indicator values; money is written ``2015/16 Q1`` and shown as "Q1 2015/16 (April to June
2015)".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

from saferhub.core.codes import parse_period
from saferhub.core.errors import ValidationProblem

# "2015/16 Q1", "2015/16-Q1", "Q1 2015/16", and the URL form "2015-16-q1".
_YEAR_FIRST = re.compile(r"^(\d{4})[/-](\d{2})\s*[- ]?\s*[Qq]([1-4])$")
_QUARTER_FIRST = re.compile(r"^[Qq]([1-4])\s+(\d{4})/(\d{2})$")


@dataclass(frozen=True, order=True)
class FinancialQuarter:
    """Quarter ``number`` (1–4) of the financial year that starts in April of ``year_start``."""

    year_start: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValidationProblem(f"quarter {self.number} does not exist: a financial year has quarters 1 to 4")
        if not 1900 <= self.year_start <= 2200:
            raise ValidationProblem(f"the financial year starting in {self.year_start} is not a real year")

    @property
    def year_label(self) -> str:
        return f"{self.year_start:04d}/{(self.year_start + 1) % 100:02d}"

    @property
    def label(self) -> str:
        """The canonical text: ``2015/16 Q1``."""
        return f"{self.year_label} Q{self.number}"

    @property
    def slug(self) -> str:
        """For addresses: ``2015-16-q1``."""
        return f"{self.year_start:04d}-{(self.year_start + 1) % 100:02d}-q{self.number}"

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.number - 1)
        return date(self.year_start + (month > 12), (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    @property
    def words(self) -> str:
        """As people read it: "Q1 2015/16 (April to June 2015)"."""
        return f"Q{self.number} {self.year_label} ({self.start:%B} to {self.end:%B %Y})"

    def next(self) -> FinancialQuarter:
        if self.number == 4:
            return FinancialQuarter(self.year_start + 1, 1)
        return FinancialQuarter(self.year_start, self.number + 1)

    @classmethod
    def containing(cls, day: date) -> FinancialQuarter:
        year_start = day.year if day.month >= 4 else day.year - 1
        return cls(year_start, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def last_ended_by(cls, day: date) -> FinancialQuarter:
        """The latest quarter whose last day is on or before ``day``."""
        quarter = cls.containing(day)
        if quarter.end == day:
            return quarter
        return cls.containing(quarter.start - timedelta(days=1))

    def __str__(self) -> str:
        return self.label


def parse_quarter(text: object, *, where: str | None = None, field: str | None = None) -> FinancialQuarter:
    """Read ``2015/16 Q1`` (also ``Q1 2015/16`` or ``2015-16-q1``). The two years must follow on."""
    raw = str(text if text is not None else "").strip()
    if m := _YEAR_FIRST.match(raw):
        year, short, number = int(m[1]), int(m[2]), int(m[3])
    elif m := _QUARTER_FIRST.match(raw):
        number, year, short = int(m[1]), int(m[2]), int(m[3])
    else:
        raise ValidationProblem(
            f"{raw[:40]!r} is not a quarter of a financial year: write it like 2015/16 Q1 (April to June 2015)",
            where=where,
            field=field,
        )
    if (year + 1) % 100 != short:
        raise ValidationProblem(
            f"{raw!r} is not a financial year: the second part must be the year after {year} "
            f"(expected {year}/{(year + 1) % 100:02d})",
            where=where,
            field=field,
        )
    try:
        return FinancialQuarter(year, number)
    except ValidationProblem as exc:
        raise ValidationProblem(exc.message, where=where, field=field) from None


@functools.lru_cache(maxsize=1024)
def quarters_of(years: str) -> tuple[FinancialQuarter, ...]:
    """The quarters of a financial year ``2015/16`` or a span ``2014/15-2016/17`` (as budget lines
    and funds hold them), in order. (Remembered by text: every line of a budget asks it.)"""
    parts = [p.strip() for p in str(years).replace("–", "-").split("-") if p.strip()]
    if not 1 <= len(parts) <= 2:
        raise ValidationProblem(f"{years!r} is not a financial year or a span of them")
    starts = []
    for part in parts:
        period = parse_period(part)
        if period.kind != "financial_year":
            raise ValidationProblem(f"{part!r} is not a financial year such as 2015/16")
        starts.append(period.start.year)
    first, last = starts[0], starts[-1]
    if last < first:
        raise ValidationProblem(f"the span {years!r} must run forwards")
    return tuple(FinancialQuarter(y, n) for y in range(first, last + 1) for n in (1, 2, 3, 4))
