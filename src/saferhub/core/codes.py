"""One place for the codes saferhub accepts: ONS GSS area codes and reporting periods.

Pure Python (no Django), described for people in docs/codes.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from saferhub.core.errors import ValidationProblem

GSS_PATTERN = re.compile(r"^[EWSNK]\d{8}$")

# Entity prefixes of the ONS Register of Geographic Codes that saferhub uses.
GSS_ENTITIES: dict[str, str] = {
    "E92": "country",
    "W92": "country",
    "K04": "country",
    "E12": "region",
    "E10": "county",
    "E11": "county",  # metropolitan county
    "E13": "region",  # inner/outer London
    "E47": "combined_authority",
    "E23": "police_force_area",
    "W15": "police_force_area",
    "E06": "unitary",
    "W06": "unitary",
    "E07": "district",
    "E08": "district",  # metropolitan district
    "E09": "district",  # London borough
    "E05": "ward",
    "W05": "ward",
    "E02": "msoa",
    "W02": "msoa",
    "E01": "lsoa",
    "W01": "lsoa",
}


def gss_entity(code: str) -> str:
    """Return the kind of area a valid GSS code names, e.g. ``"district"`` for E07000073."""
    return GSS_ENTITIES[code[:3]]


def validate_gss_code(code: object, *, where: str | None = None, kinds: set[str] | None = None) -> str:
    """Check that ``code`` is an ONS GSS code of a kind saferhub knows; return it stripped.

    Raises ``ValidationProblem`` with a plain-English message otherwise.
    """
    text = str(code).strip() if code is not None else ""
    if not GSS_PATTERN.match(text):
        raise ValidationProblem(
            f"{text!r} is not an ONS GSS code: expected a letter and eight digits, such as E07000073",
            where=where,
        )
    kind = GSS_ENTITIES.get(text[:3])
    if kind is None:
        raise ValidationProblem(
            f"{text!r} has the entity prefix {text[:3]!r}, which saferhub does not use "
            f"(known: {', '.join(sorted(GSS_ENTITIES))})",
            where=where,
        )
    if kinds is not None and kind not in kinds:
        raise ValidationProblem(
            f"{text!r} is a {kind.replace('_', ' ')} code; expected a {' or '.join(sorted(kinds))} code",
            where=where,
        )
    return text


# --- periods -------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: a month, quarter, calendar year, financial year or a range of dates.

    ``label`` is the canonical text (``2024-03``, ``2024-Q1``, ``2023``, ``2023/24``).
    """

    start: date
    end: date
    kind: str
    label: str

    def __str__(self) -> str:
        return self.label


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


def parse_period(text: object, *, where: str | None = None) -> Period:
    """Read a period written as ``YYYY-MM``, ``YYYY-Qn``, ``YYYY``, ``YYYY/YY`` (financial year,
    April to March) or ``YYYY-MM-DD..YYYY-MM-DD``. Raises ``ValidationProblem`` otherwise."""
    raw = str(text).strip() if text is not None else ""
    try:
        if m := _MONTH.match(raw):
            year, month = int(m[1]), int(m[2])
            if not 1 <= month <= 12:
                raise ValueError
            return Period(date(year, month, 1), _month_end(year, month), "month", f"{year:04d}-{month:02d}")
        if m := _QUARTER.match(raw):
            year, q = int(m[1]), int(m[2])
            start = date(year, 3 * q - 2, 1)
            return Period(start, _month_end(year, 3 * q), "quarter", f"{year:04d}-Q{q}")
        if m := _YEAR.match(raw):
            year = int(m[1])
            return Period(date(year, 1, 1), date(year, 12, 31), "year", f"{year:04d}")
        if m := _FINANCIAL_YEAR.match(raw):
            year, short = int(m[1]), int(m[2])
            if (year + 1) % 100 != short:
                raise ValidationProblem(
                    f"{raw!r} is not a financial year: the second part must be the year after "
                    f"{year} (expected {year}/{(year + 1) % 100:02d})",
                    where=where,
                )
            return Period(date(year, 4, 1), date(year + 1, 3, 31), "financial_year", f"{year:04d}/{short:02d}")
        if ".." in raw:
            left, right = (part.strip() for part in raw.split("..", 1))
            if (a := _DAY.match(left)) and (b := _DAY.match(right)):
                start = date(int(a[1]), int(a[2]), int(a[3]))
                end = date(int(b[1]), int(b[2]), int(b[3]))
                if end < start:
                    raise ValidationProblem(f"{raw!r} ends before it starts", where=where)
                return Period(start, end, "range", f"{start.isoformat()}..{end.isoformat()}")
    except ValueError:
        raise ValidationProblem(f"{raw!r} is not a real date", where=where) from None
    raise ValidationProblem(
        f"{raw!r} is not a period: use 2024-03 (month), 2024-Q1 (quarter), 2023 (year), "
        "2023/24 (financial year) or 2023-04-01..2024-03-31",
        where=where,
    )


def period_words(label: object) -> str:
    """A canonical period label as people read it: "2024-01" → "January 2024", a one-day range →
    "31 January 2014", a range → "1 April 2023 to 31 March 2024"; any other label as written."""
    text = str(label or "")
    if ".." not in text and not (len(text) == 7 and text[4] == "-" and text[5:].isdigit()):
        return text
    try:
        period = parse_period(text)
    except ValidationProblem:
        return text
    if period.kind == "month":
        return f"{period.start:%B %Y}"
    if period.start == period.end:
        return _day_words(period.start)
    return f"{_day_words(period.start)} to {_day_words(period.end)}"


def _day_words(d: date) -> str:
    return f"{d.day} {d:%B %Y}"
