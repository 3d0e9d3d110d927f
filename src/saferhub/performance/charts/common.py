"""What every performance chart shares: the SPC and sequential colour scales, the legend builder
for shape-and-colour scales, and the start date of a period label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from saferhub.core import charts as c
from saferhub.core.codes import parse_period

SPC_STYLE = {
    "common_cause": ("Common cause", c.MID_GREY, "circle"),
    "special_cause_improvement": ("Special cause: improvement", c.BLUE, "triangle-up"),
    "special_cause_concern": ("Special cause: concern", c.ORANGE, "triangle-down"),
    "special_cause_neutral": ("Special cause: neutral", c.PURPLE, "diamond"),
}
SEQUENTIAL = ["#d2e2f1", "#a5c6e2", "#5694ca", "#1d70b8", "#003078"]


def scale(styles: dict[str, tuple[str, str, str]], keys: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """Labels, colours and shapes of the styles present in ``keys`` (the first style when none is)."""
    present = [k for k in styles if k in set(keys)] or list(styles)[:1]
    return ([styles[k][0] for k in present], [styles[k][1] for k in present], [styles[k][2] for k in present])


def start_of(label: str) -> str:
    """The ISO start date of a period label (the x position of a point)."""
    return parse_period(label).start.isoformat()


def _index(label: str) -> tuple[str, int] | None:
    period = parse_period(label)
    if period.kind == "month":
        return "month", period.start.year * 12 + period.start.month - 1
    if period.kind == "quarter":
        return "quarter", period.start.year * 4 + (period.start.month - 1) // 3
    if period.kind in ("year", "financial_year"):
        return "year", period.start.year
    return None


def with_stretches(rows: list[dict[str, Any]], *, field: str = "period") -> list[dict[str, Any]]:
    """Each row (in time order) with ``stretch``: a number that changes after every missing period,
    so that a line drawn with ``detail: stretch`` stops at a gap instead of bridging it, and where the
    values change basis (a police.uk proxy beside the plan's own measure)."""
    out, stretch, previous, basis = [], 0, None, None
    for row in rows:
        index = _index(str(row[field])) if row.get(field) else None
        if previous is not None and index is not None and (index[0] != previous[0] or index[1] - previous[1] > 1):
            stretch += 1
        elif basis is not None and row.get("basis", "") != basis:
            stretch += 1  # a proxy and the plan's own measure are never joined by a line
        previous = index or previous
        basis = row.get("basis", "")
        out.append({**row, "stretch": stretch})
    return out


# A financial year's tick (at 1 April) reads "2009/10"; a calendar year's reads "2009". In UTC, as
# the dates are (ISO dates), so no reader's time zone moves a tick into the year before.
_FINANCIAL_YEAR_LABEL = "utcyear(datum.value) + '/' + slice('' + (utcyear(datum.value) + 1), 2)"
_YEAR_LABEL = "'' + utcyear(datum.value)"


def time_axis(labels: Sequence[str]) -> dict[str, Any]:
    """The x encoding of a time series: every tick says its month and year ("Jan 2024") for monthly
    and quarterly data; a yearly series has one tick per period, at its start, labelled as the
    period is ("2009" for a calendar year, "2009/10" for a financial year); labels never overlap."""
    periods = [parse_period(label) for label in labels]
    kinds = {p.kind for p in periods}
    axis: dict[str, Any] = {"labelOverlap": "greedy", "labelAngle": 0, "labelFlush": True}
    if kinds in ({"year"}, {"financial_year"}):
        starts = sorted({p.start for p in periods})
        axis["values"] = [{"year": d.year, "month": d.month, "date": d.day, "utc": True} for d in starts]
        axis["labelExpr"] = _YEAR_LABEL if kinds == {"year"} else _FINANCIAL_YEAR_LABEL
    else:
        axis["format"] = "%b %Y"
    return {"field": "date", "type": "temporal", "title": None, "axis": axis}
