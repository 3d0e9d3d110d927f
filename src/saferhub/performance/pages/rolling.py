"""The rolling 12-month view of a monthly series (issue 15, item 3): each month with the eleven before
it, so that a season does not read as a trend.

A window is given only when all twelve months are held and whole: a missing or partial month leaves
the window out (it is never filled with 0). For a reader who may not see small counts, a window that
holds a hidden month is hidden too: two neighbouring windows differ by exactly one month in and one
out, so a shown window beside a hidden month would give it away by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from saferhub.core import disclosure
from saferhub.core.codes import parse_period

WINDOW = 12
SHOWN = 12  # the newest windows listed on the page


def _month_index(label: str) -> int | None:
    period = parse_period(label)
    if period.kind != "month":
        return None
    return period.start.year * 12 + period.start.month - 1


def rolling_windows(
    series: Sequence[dict[str, Any]], *, value_type: str, multiplier: int, public: bool
) -> list[dict[str, Any]]:
    """Newest first: ``{"period": "12 months to <month>", "end": label, "value": …, "numerator": …,
    "suppressed": bool}`` for every month that closes twelve whole months in a row."""
    months: dict[int, dict[str, Any]] = {}
    for point in series:
        index = _month_index(str(point.get("period") or ""))
        held = point.get("value") is not None or point.get("suppressed")
        if index is not None and held and point.get("status") != "partial":
            months[index] = point
    count = value_type == "count"
    out = []
    for end in sorted(months):
        window = [months.get(i) for i in range(end - WINDOW + 1, end + 1)]
        if any(p is None for p in window):
            continue
        points = [p for p in window if p is not None]
        if any(p.get("suppressed") for p in points):
            out.append({"end": points[-1]["period"], "value": None, "numerator": None, "suppressed": True})
            continue
        if count:
            numerator = sum(float(p["value"]) for p in points)
            value: float | None = numerator
        else:
            if any(p.get("numerator") is None or not p.get("denominator") for p in points):
                continue  # a rate needs every month's count and population
            numerator = sum(float(p["numerator"]) for p in points)
            # Residents over the year: the mean of the months' populations (they change once a year).
            denominator = sum(float(p["denominator"]) for p in points) / WINDOW
            value = numerator / denominator * multiplier
        hidden = public and disclosure.point_discloses({"value": value, "numerator": numerator}, count=count)
        out.append(
            {
                "end": points[-1]["period"],
                "value": None if hidden else value,
                "numerator": None if hidden else numerator,
                "suppressed": hidden,
            }
        )
    return list(reversed(out))[:SHOWN]
