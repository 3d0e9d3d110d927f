"""How a board member reads a scorecard: a count of rows by ambition status, exceptions first, and
sorts and filters by status, theme, lead and benchmark, all from GET parameters (so the form works
without JavaScript and every view of the scorecard has its own address)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from saferhub.performance import labels
from saferhub.performance.pages.scorecard_row import ScorecardRow

#: Ambition statuses, worst first: the order of the summary and of the "exceptions first" sort.
STATUS_ORDER = ("off_track", "at_risk", "not_enough_evidence", "not_assessed", "no_target", "on_track")

#: Sorts offered on the page: (value, words). The first is the default.
SORTS = (
    ("exceptions", "Exceptions first"),
    ("name", "Indicator name (A to Z)"),
    ("theme", "Theme"),
    ("status", "Ambition status, worst first"),
)
SORT_VALUES = {value for value, _ in SORTS}

#: Benchmark outcomes a reader can filter by, in the words the tags use.
BENCHMARK_CHOICES = (
    *((key, label.text) for key, label in labels.BENCHMARK.items() if key and key != "not_compared"),
    ("not_compared", labels.BENCHMARK["not_compared"].text),
)

CONCERN_VARIATIONS = frozenset({"concern_high", "concern_low"})


def row_status(row: ScorecardRow) -> str:
    return row.summary.target_status if row.summary else "not_assessed"


def row_benchmark(row: ScorecardRow) -> str:
    return (row.summary.benchmark_outcome if row.summary else "") or "not_compared"


def row_concerns(row: ScorecardRow) -> list[str]:
    """The reasons, other than the ambition, that make a row an exception: SPC special cause of
    concern, worse than the benchmark, a trend getting worse."""
    s = row.summary
    if s is None:
        return []
    found = []
    if s.spc_variation in CONCERN_VARIATIONS:
        found.append("SPC concern")
    if s.benchmark_outcome == "worse":
        found.append("worse than benchmark")
    if (row.detail.get("trend") or {}).get("assessment") == "getting_worse":
        found.append("getting worse")
    return found


def is_exception(row: ScorecardRow) -> bool:
    return row_status(row) in ("off_track", "at_risk") or bool(row_concerns(row))


def judged_ambition(detail: dict[str, Any]) -> float | None:
    """The ambition the status was judged against (the stored target that the status names)."""
    target = detail.get("target") or {}
    for t in target.get("targets") or []:
        if t.get("wording") == target.get("judged_against") and t.get("ambition") is not None:
            return float(t["ambition"])
    return None


def shortfall(row: ScorecardRow) -> float:
    """How far the latest value is from the ambition, as a share of the ambition, in the bad direction
    (0 when met or when there is no ambition to measure against): "most off track" sorts by it."""
    s = row.summary
    ambition = judged_ambition(row.detail)
    if s is None or s.latest_value is None or not ambition or row.suppressed:
        return 0.0
    gap = (float(s.latest_value) - ambition) / abs(ambition)
    higher_is_better = row.indicator.polarity == "higher_is_better"
    return max(0.0, -gap if higher_is_better else gap)


def _status_rank(row: ScorecardRow) -> int:
    status = row_status(row)
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def _by_exceptions(row: ScorecardRow) -> tuple[Any, ...]:
    # Off track, furthest from the ambition first; then at risk or with a concern, most concerns first.
    band = 0 if row_status(row) == "off_track" else 1 if is_exception(row) else 2
    return (band, -shortfall(row), _status_rank(row), -len(row_concerns(row)), row.membership.order)


def _by_name(row: ScorecardRow) -> tuple[Any, ...]:
    return ((row.membership.title_in_plan or row.indicator.title).casefold(), row.membership.order)


def _by_theme(row: ScorecardRow) -> tuple[Any, ...]:
    theme = row.membership.theme
    return (theme is None, theme.order if theme else 0, str(theme or ""), row.membership.order)


def _by_status(row: ScorecardRow) -> tuple[Any, ...]:
    return (_status_rank(row), -shortfall(row), row.membership.order)


SORT_KEYS: dict[str, Callable[[ScorecardRow], tuple[Any, ...]]] = {
    "exceptions": _by_exceptions,
    "name": _by_name,
    "theme": _by_theme,
    "status": _by_status,
}


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: labels.Label
    count: int


def status_counts(rows: Sequence[ScorecardRow]) -> list[StatusCount]:
    """Rows by ambition status, worst first, leaving out statuses no row has."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[row_status(r)] = counts.get(row_status(r), 0) + 1
    return [
        StatusCount(status, labels.TARGET[status], counts[status])
        for status in STATUS_ORDER
        if counts.get(status) and status in labels.TARGET
    ]


def rows_filtered_and_sorted(
    rows: Sequence[ScorecardRow], *, status: str = "", benchmark: str = "", sort: str = ""
) -> list[ScorecardRow]:
    """The rows with this ambition status and benchmark outcome (empty: any), in the chosen order
    (an unknown sort is the default, exceptions first)."""
    kept = [
        r for r in rows if (not status or row_status(r) == status) and (not benchmark or row_benchmark(r) == benchmark)
    ]
    return sorted(kept, key=SORT_KEYS.get(sort, _by_exceptions))
