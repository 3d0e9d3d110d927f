"""Small-number suppression for what the public sees (METHODS.md, "Publication and completeness").

Counts of 1 to 4 are never shown to someone outside the partnership that owns them, nor any figure
made from one: a rate or percentage whose numerator is 1 to 4, and its interval. Zero is shown (an
absence is not a disclosure about a person). In a table with totals, a row or column holding exactly
one suppressed cell would give it away by subtraction, so the smallest other positive cell in that
line is suppressed too (secondary suppression), repeated until no line has a lone suppressed cell; a
line with no such cell left loses its total instead.

Pure Python (no Django): the pages, exports and maps call it with the figures they are about to show.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SMALL_MIN = 1
SMALL_MAX = 4
#: What a page shows in place of a suppressed count.
SMALL_TEXT = "fewer than 5"
#: What a page shows in place of a figure made from a suppressed count.
SUPPRESSED_TEXT = "suppressed"
EXPLANATION = (
    "Counts of 1 to 4, and figures made from them, are not shown outside the partnership "
    "(and, where a total would give one away, the next smallest figure is hidden too)."
)
MASKED_FIELDS = ("value", "lower_95", "upper_95", "lower_998", "upper_998", "numerator")


def is_small(n: float | None) -> bool:
    """True for a count of 1 to 4 (a fractional count, as pooled data can give, counts from above 0 to below 5)."""
    return n is not None and 0 < n < SMALL_MAX + 1


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


def public_detail(detail: Mapping[str, Any], *, count: bool) -> dict[str, Any]:
    """A stored summary's detail as the public may see it: every series point, the latest value, the
    SPC points of suppressed periods, the district rows and funnel units that rest on a small count
    are masked. The original is not changed."""
    out = copy.deepcopy(dict(detail))
    hidden: set[str] = set()
    series = out.get("series") or []
    for i, p in enumerate(series):
        if point_discloses(p, count=count):
            series[i] = mask_point(p)
            hidden.add(str(p.get("period")))
    latest = out.get("latest")
    if latest and point_discloses(latest, count=count):
        out["latest"] = mask_point(latest)
    spc = out.get("spc")
    if spc and spc.get("points"):
        spc["points"] = [
            mask_point(p) if str(p.get("period")) in hidden or (count and is_small(p.get("value"))) else p
            for p in spc["points"]
        ]
    districts = out.get("districts")
    if districts:
        districts["rows"] = [
            mask_point(r) if point_discloses(r, count=count) else r for r in districts.get("rows") or []
        ]
        funnel = districts.get("funnel")
        if funnel and funnel.get("units"):
            funnel["units"] = [u for u in funnel["units"] if not point_discloses(u, count=count)]
    return out


@dataclass(frozen=True)
class SuppressedTable:
    """Which cells, row totals and column totals of a table may not be shown."""

    cells: list[list[bool]]
    row_totals: list[bool]
    column_totals: list[bool]

    @property
    def any(self) -> bool:
        return any(any(r) for r in self.cells) or any(self.row_totals) or any(self.column_totals)


def suppress_table(
    cells: Sequence[Sequence[float | None]], *, row_totals: bool = True, column_totals: bool = True
) -> SuppressedTable:
    """Primary suppression of counts 1 to 4, then secondary suppression in every row (when row totals
    are shown) and column (when column totals are shown) until no line has exactly one suppressed
    cell. Empty cells (None) are missing, not zero, and are never chosen."""
    n_rows = len(cells)
    n_cols = max((len(r) for r in cells), default=0)
    grid = [[r[j] if j < len(r) else None for j in range(n_cols)] for r in cells]
    hidden = [[is_small(v) for v in row] for row in grid]
    hide_row_total = [False] * n_rows
    hide_col_total = [False] * n_cols

    def settle(line: list[tuple[int, int]], total_hidden: bool) -> tuple[bool, bool]:
        """One pass over a line: returns (changed, hide this line's total)."""
        if total_hidden:
            return False, True
        suppressed = [(i, j) for i, j in line if hidden[i][j]]
        if len(suppressed) != 1:
            return False, False
        candidates = [(v, i, j) for i, j in line if not hidden[i][j] and (v := grid[i][j]) is not None and v > 0]
        if not candidates:
            return False, True
        _, i, j = min(candidates)
        hidden[i][j] = True
        return True, False

    changed = True
    while changed:
        changed = False
        if row_totals:
            for i in range(n_rows):
                did, hide = settle([(i, j) for j in range(n_cols)], hide_row_total[i])
                changed |= did or (hide and not hide_row_total[i])
                hide_row_total[i] = hide_row_total[i] or hide
        if column_totals:
            for j in range(n_cols):
                did, hide = settle([(i, j) for i in range(n_rows)], hide_col_total[j])
                changed |= did or (hide and not hide_col_total[j])
                hide_col_total[j] = hide_col_total[j] or hide
    return SuppressedTable(cells=hidden, row_totals=hide_row_total, column_totals=hide_col_total)
