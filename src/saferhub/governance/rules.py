"""The rules behind governance flags and attendance figures, as pure functions.

- A partnership's year is the financial year, 1 April to 31 March, as the public bodies in the
  seeds budget and report (a "minimum of 4 meetings per year" is checked per financial year).
- Only years from the first to the last recorded meeting are checked: the hub cannot know about
  meetings before records began, and years after the last recorded meeting are not judged.
- Attendance is counted per body (the organisation, or the partnership a person spoke for) per
  held meeting: present if anyone for the body was present, else apologies if anyone sent them,
  else absent if recorded absent, else "no record". Cancelled and not-yet-held meetings do not count.

Pure Python: no Django.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

FINANCIAL_YEAR_START_MONTH = 4
_RANK = {"present": 3, "apologies": 2, "absent": 1}


def financial_year(day: date) -> int:
    """The calendar year in which ``day``'s financial year (April to March) begins."""
    return day.year if day.month >= FINANCIAL_YEAR_START_MONTH else day.year - 1


def financial_year_label(start_year: int) -> str:
    """2008 → '2008/09'."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


@dataclass(frozen=True)
class YearCount:
    year: int
    count: int

    @property
    def label(self) -> str:
        return financial_year_label(self.year)


def meetings_per_year(dates: Iterable[date]) -> list[YearCount]:
    """Meetings counted per financial year, every year from the first to the last, gaps included."""
    years = [financial_year(d) for d in dates]
    if not years:
        return []
    return [YearCount(year=y, count=years.count(y)) for y in range(min(years), max(years) + 1)]


def meeting_shortfalls(dates: Iterable[date], minimum: int | None) -> list[YearCount]:
    """The financial years in which fewer meetings were held or planned than ``minimum``."""
    if not minimum:
        return []
    return [y for y in meetings_per_year(dates) if y.count < minimum]


@dataclass(frozen=True)
class BodyAttendance:
    key: Hashable
    name: str
    holds_seat: bool
    meetings: int
    present: int
    apologies: int
    absent: int

    @property
    def no_record(self) -> int:
        return self.meetings - self.present - self.apologies - self.absent

    @property
    def present_percent(self) -> int | None:
        """Share of held meetings at which the body was present, rounded to a whole per cent."""
        if self.meetings == 0:
            return None
        return round(100 * self.present / self.meetings)


def attendance_by_body(
    rows: Iterable[tuple[Hashable, str, Hashable, str]],
    *,
    held_meetings: Iterable[Hashable],
    seat_bodies: dict[Hashable, str],
) -> list[BodyAttendance]:
    """Reduce attendance rows ``(meeting, status, body key, body name)`` from held meetings to one
    line per body. Bodies holding a seat are listed even if they never came."""
    held = set(held_meetings)
    best: dict[tuple[Hashable, Hashable], str] = {}
    names: dict[Hashable, str] = dict(seat_bodies)
    for meeting, status, body, name in rows:
        if meeting not in held or status not in _RANK:
            continue
        names.setdefault(body, name)
        current = best.get((meeting, body))
        if current is None or _RANK[status] > _RANK[current]:
            best[(meeting, body)] = status
    tally: Counter[tuple[Hashable, str]] = Counter((body, status) for (_, body), status in best.items())
    result = [
        BodyAttendance(
            key=body,
            name=name,
            holds_seat=body in seat_bodies,
            meetings=len(held),
            present=tally[(body, "present")],
            apologies=tally[(body, "apologies")],
            absent=tally[(body, "absent")],
        )
        for body, name in names.items()
    ]
    return sorted(result, key=lambda b: b.name.lower())
