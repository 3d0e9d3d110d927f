"""Small-number suppression for what the public sees (METHODS.md, "Publication and completeness").

Counts of 1 to 4 are never shown to someone outside the partnership that owns them, nor any figure
made from one: a rate or percentage whose numerator is 1 to 4, and its interval (primary
suppression). Zero is shown (an absence is not a disclosure about a person).

Figures are related: a county's count is the sum of its districts', a month's total the sum of its
types, a rate rests on a count. ``protect`` (``core/protection.py``) decides, for a set of related
figures, which to hide so that no hidden small count can be worked out from everything shown beside
it: a hidden figure is worked out exactly when its unit vector lies in the row space of the
published relations restricted to the hidden figures, so ``protect`` solves that (exact elimination
in whole numbers over the block of hidden figures linked to it through relations,
``core/determination.py``; not a pairwise rule) and hides more figures (secondary suppression, the
smallest first) until no small count is exposed, for the public and for each group of insiders who
see some of the figures whole (the members of a district's partnership see that district's). Because
zeros are shown, a reader knows each hidden figure is at least 1; two hidden 1s that sum to a shown
2 would give each other away, so a hidden small count is also checked against those bounds (a linear
programme for its feasible interval, ``core/bounds.py``, skipped only where one direction that keeps
every relation and bound already moves it by 0.51 or a point found for another reader already shows
it free; a total that holds more than its parts, as a force's does, has its remainder as one more
unknown there).

Statistics made from a series (means, limits, forecasts, totals) are only published when every
figure they are made from is published (``public_detail``).

Pure Python and SciPy (no Django): the pages, exports and the refresh call it with plain figures.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from saferhub.core.determination import determined  # noqa: F401 (callers ask disclosure.determined)
from saferhub.core.protection import (  # noqa: F401 (callers ask disclosure for them)
    SMALL_MAX,
    SMALL_MIN,
    Decision,
    Insider,
    Key,
    Relation,
    is_small,
    protect,
)

#: What a page shows in place of a suppressed count.
SMALL_TEXT = "fewer than 5"
#: What a page shows in place of a figure made from a suppressed count.
SUPPRESSED_TEXT = "suppressed"
EXPLANATION = (
    "Counts of 1 to 4, and figures made from them, are not shown outside the partnership "
    "(and, where a total would give one away, the next smallest figure is hidden too)."
)
#: Why a series' statistics are not shown to a reader who may not see every value in it.
STATISTICS_WITHHELD = (
    "The mean, limits and forecast are not shown because they are made from values that are not shown "
    "(small numbers), and would give them away."
)
MASKED_FIELDS = ("value", "lower_95", "upper_95", "lower_998", "upper_998", "numerator")


def point_discloses(point: Mapping[str, Any], *, count: bool) -> bool:
    """Whether a value (a mapping with ``value`` and perhaps ``numerator``) rests on a small count."""
    if is_small(point.get("numerator")):
        return True
    return count and is_small(point.get("value"))


def mask_point(point: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``point`` with its value, limits and numerator removed and ``suppressed`` set."""
    out = dict(point)
    for name in MASKED_FIELDS:
        if name in out:
            out[name] = None
    out["suppressed"] = True
    return out


# --- tables --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuppressedTable:
    """Which cells, row totals and column totals of a table may not be shown."""

    cells: list[list[bool]]
    row_totals: list[bool]
    column_totals: list[bool]

    @property
    def any(self) -> bool:
        return any(any(r) for r in self.cells) or any(self.row_totals) or any(self.column_totals)


def table_relations(n_rows: int, n_cols: int, *, row_totals: bool = True, column_totals: bool = True) -> list[Relation]:
    """The relations of a table whose cells are ``("cell", i, j)``: each shown row total
    ``("row", i)`` and column total ``("column", j)`` is the sum of its line."""
    relations: list[Relation] = []
    if row_totals:
        relations += [[(("row", i), 1), *((("cell", i, j), -1) for j in range(n_cols))] for i in range(n_rows)]
    if column_totals:
        relations += [[(("column", j), 1), *((("cell", i, j), -1) for i in range(n_rows))] for j in range(n_cols)]
    return relations


def suppress_table(
    cells: Sequence[Sequence[float | None]],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> SuppressedTable:
    """Primary suppression of counts 1 to 4 in a table with its row and column totals, then as much
    secondary suppression (``protect``) as it takes for no hidden cell to be worked out from the
    cells and totals shown. Empty cells (None) count as 0 in their line and are never chosen; a
    total is a figure like any other (hidden when small, or when it is the smallest way to protect
    a cell)."""
    n_rows = len(cells)
    n_cols = max((len(r) for r in cells), default=0)
    grid = [[r[j] if j < len(r) else None for j in range(n_cols)] for r in cells]
    values: dict[Key, float | None] = {}
    for i in range(n_rows):
        for j in range(n_cols):
            values[("cell", i, j)] = 0 if grid[i][j] is None else grid[i][j]
    relations = table_relations(n_rows, n_cols, row_totals=row_totals, column_totals=column_totals)
    # Totals are figures too; a missing cell counts as 0 in its line.
    for i in range(n_rows):
        values[("row", i)] = sum(v or 0 for v in grid[i])
    for j in range(n_cols):
        values[("column", j)] = sum(grid[i][j] or 0 for i in range(n_rows))
    decision = protect(values, relations, small=is_small)
    hidden = decision.hidden
    return SuppressedTable(
        cells=[[("cell", i, j) in hidden for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[("row", i) in hidden for i in range(n_rows)] if row_totals else [False] * n_rows,
        column_totals=[("column", j) in hidden for j in range(n_cols)] if column_totals else [False] * n_cols,
    )


# --- a stored summary as a reader may see it ----------------------------------------------------


def public_detail(
    detail: Mapping[str, Any],
    *,
    count: bool,
    hidden_periods: Iterable[str] = (),
    hidden_areas: Iterable[str] = (),
    hidden_benchmarks: Iterable[str] = (),
) -> dict[str, Any]:
    """A stored summary's detail as the public may see it. Masked: every series point resting on a
    small count or named in ``hidden_periods`` (secondary suppression decided for the series), the
    latest value likewise, the district rows resting on a small count or named in ``hidden_areas``,
    and benchmarks whose key (``area:CODE``) is in ``hidden_benchmarks``. Statistics made from the
    series (SPC mean and limits, the forecast, the trend's figures) are withheld when any value in it
    is masked, and the funnel when any district is: each would give the masked values back. Statuses
    stay. The original is not changed."""
    out = copy.deepcopy(dict(detail))
    hidden = {str(p) for p in hidden_periods}
    masked: set[str] = set()
    series = out.get("series") or []
    for i, p in enumerate(series):
        if point_discloses(p, count=count) or str(p.get("period")) in hidden:
            series[i] = mask_point(p)
            masked.add(str(p.get("period")))
    latest = out.get("latest")
    if latest and (point_discloses(latest, count=count) or str(latest.get("period")) in hidden):
        out["latest"] = mask_point(latest)
        masked.add(str(latest.get("period")))
    if masked:
        _withhold_statistics(out, masked)
    benches = set(hidden_benchmarks)
    for cmp in out.get("comparisons") or []:
        if cmp.get("key") in benches:
            cmp["benchmark"] = None
            cmp["note"] = SUPPRESSED_TEXT
    if out.get("benchmark") and out["benchmark"].get("key") in benches:
        out["benchmark"] = {**out["benchmark"], "benchmark": None, "note": SUPPRESSED_TEXT}
    districts = out.get("districts")
    if districts:
        codes = {str(c) for c in hidden_areas}
        rows = [
            mask_point(r) if point_discloses(r, count=count) or str(r.get("code")) in codes else r
            for r in districts.get("rows") or []
        ]
        districts["rows"] = rows
        bench = districts.get("benchmark") or {}
        if bench.get("code") in codes:
            districts["benchmark"] = {**bench, "value": None, "suppressed": True}
        if any(r.get("suppressed") for r in rows) or bench.get("code") in codes:
            # The funnel's pooled value and limits are made from every district's figures.
            districts["funnel"] = None
            districts["funnel_withheld"] = True
    return out


def _withhold_statistics(out: dict[str, Any], masked: set[str]) -> None:
    """Remove what is computed from the whole series: it would give the masked values back."""
    spc = out.get("spc")
    if spc and spc.get("points"):
        for name in ("mean", "lower_limit", "upper_limit", "lower_2sigma", "upper_2sigma", "average_moving_range"):
            spc[name] = None
        # A masked point leaves the chart: even its shape would say on which side of a limit it fell.
        spc["points"] = [
            {**p, "mean": None, "lower_limit": None, "upper_limit": None}
            for p in spc["points"]
            if str(p.get("period")) not in masked
        ]
        spc["withheld"] = STATISTICS_WITHHELD
    if out.get("forecast"):
        out["forecast"] = None
        out["forecast_withheld"] = STATISTICS_WITHHELD
    trend = out.get("trend")
    if trend:
        out["trend"] = {k: v for k, v in trend.items() if k in ("outcome", "assessment", "method")}
        out["trend"]["reason"] = STATISTICS_WITHHELD
    target = out.get("target")
    if target:
        target = dict(target)
        target["reason"] = STATISTICS_WITHHELD
        target["targets"] = [
            {k: v for k, v in t.items() if k not in ("forecast", "lower", "upper", "forecast_value")}
            for t in target.get("targets") or []
        ]
        out["target"] = target
