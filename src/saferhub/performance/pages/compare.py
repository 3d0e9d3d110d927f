"""Areas side by side: for the indicators every chosen area has figures for, each area's latest value
with its 95% interval, its direction of travel and its comparison with its benchmark; and the same
table as rows for a CSV. Each area's figures are masked exactly as that area's own profile masks
them for this reader (``public`` is decided per area by the view)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from saferhub.core.codes import period_words
from saferhub.framework.models import Indicator
from saferhub.geography.models import Area
from saferhub.performance import labels, links, selectors
from saferhub.performance.formatting import interval_text, suppressed_text, value_text
from saferhub.performance.labels import Label
from saferhub.performance.models import IndicatorSummary
from saferhub.performance.pages.masks import reader_detail

MIN_AREAS = 2
MAX_AREAS = 6
COUNT_NOT_COMPARED = "Counts are not compared between areas of different sizes: compare the rate instead."


@dataclass
class CompareCell:
    """One area's figure for one indicator, as this reader may see it."""

    area: Area
    period: str = ""
    value: float | None = None
    lower: float | None = None
    upper: float | None = None
    value_text: str = "–"
    interval: str = "–"
    suppressed: bool = False
    benchmark: Label = labels.BENCHMARK[""]
    benchmark_name: str = ""
    benchmark_value: float | None = None
    trend: Label = field(default_factory=lambda: labels.trend_label("cannot_be_calculated", None))
    why: str = ""


@dataclass
class CompareRow:
    indicator: Indicator
    cells: list[CompareCell]
    period: str  # the latest period when every area's is the same, else ""
    count: bool  # counts are shown but not compared with a benchmark
    url: str = ""


def compare_codes(raw: list[str]) -> tuple[list[str], list[str]]:
    """The distinct codes asked for, in order (upper case), and the errors in asking: too many."""
    codes: list[str] = []
    for c in raw:
        code = c.strip().upper()
        if code and code not in codes:
            codes.append(code)
    errors = []
    if len(codes) > MAX_AREAS:
        errors.append(f"Choose no more than {MAX_AREAS} areas to compare: you chose {len(codes)}.")
    return codes, errors


def compare_rows(
    *,
    areas: list[Area],
    public: dict[int, bool],
    readable: Callable[[Indicator], bool],
    summaries: list[IndicatorSummary] | None = None,
) -> list[CompareRow]:
    """One row per indicator that every area in ``areas`` has a summary for (and the reader may read),
    by title; ``public[area.pk]`` says whether that area's small numbers are hidden from this reader;
    ``summaries``: the areas' summaries when the caller has read them already."""
    if summaries is None:
        summaries = selectors.summaries_of_areas_all(areas=areas)
    by_indicator: dict[int, dict[int, IndicatorSummary]] = {}
    indicators: dict[int, Indicator] = {}
    for s in summaries:
        by_indicator.setdefault(s.indicator_id, {})[s.area_id] = s
        indicators[s.indicator_id] = s.indicator
    shared = [
        indicators[i] for i, found in by_indicator.items() if len(found) == len(areas) and readable(indicators[i])
    ]
    # Every area's hidden figures, the benchmarks' (a county's) included: a benchmark's value is
    # masked where it would give a district's small count away, as on the profile.
    hidden = selectors.hidden_for(measures=[i.slug for i in shared]) if any(public.values()) else set()
    rows = []
    for ind in shared:
        count = ind.value_type == "count"
        cells = [_cell(by_indicator[ind.pk][a.pk], area=a, hidden=hidden, public=public.get(a.pk, True)) for a in areas]
        periods = {c.period for c in cells}
        rows.append(
            CompareRow(
                indicator=ind,
                cells=cells,
                period=periods.pop() if len(periods) == 1 else "",
                count=count,
                url=links.indicator_url(ind),
            )
        )
    return rows


def _cell(s: IndicatorSummary, *, area: Area, hidden: set[Any], public: bool) -> CompareCell:
    ind = s.indicator
    detail = reader_detail(s.detail or {}, indicator=ind, code=area.code, hidden=hidden, public=public)
    masked = bool((detail.get("latest") or {}).get("suppressed"))
    trend = detail.get("trend") or {}
    bench = detail.get("benchmark") or {}
    count = ind.value_type == "count"
    outcome = "not_compared" if count else (s.benchmark_outcome or "not_compared")
    return CompareCell(
        area=area,
        period=s.latest_period_label,
        value=None if masked else s.latest_value,
        lower=None if masked else s.latest_lower_95,
        upper=None if masked else s.latest_upper_95,
        value_text=suppressed_text(ind) if masked else value_text(s.latest_value),
        interval="–" if masked else interval_text(s.latest_lower_95, s.latest_upper_95),
        suppressed=masked,
        benchmark=labels.BENCHMARK.get(outcome, labels.BENCHMARK[""]),
        benchmark_name="" if count else (s.benchmark_name or str(bench.get("name", ""))),
        benchmark_value=None if count else bench.get("benchmark"),
        trend=labels.trend_label(trend.get("outcome", "cannot_be_calculated"), trend.get("assessment")),
        why=links.why_url(ind, area, "benchmark"),
    )


EXPORT_HEADER = [
    "Indicator",
    "Area",
    "Area code",
    "Period",
    "Value",
    "Lower 95%",
    "Upper 95%",
    "Direction of travel",
    "Benchmark",
    "Benchmark value",
    "Compared with benchmark",
]


def compare_export_rows(rows: list[CompareRow]) -> list[list[Any]]:
    """The compare table as one row per indicator and area: figures as numbers, a hidden figure as
    the words the page shows, and no interval beside it."""
    out: list[list[Any]] = []
    for r in rows:
        for c in r.cells:
            out.append(
                [
                    r.indicator.title,
                    c.area.name,
                    c.area.code,
                    period_words(c.period),
                    c.value_text if c.suppressed else c.value,
                    c.lower,
                    c.upper,
                    c.trend.text,
                    c.benchmark_name,
                    c.benchmark_value,
                    c.benchmark.text + (f" ({COUNT_NOT_COMPARED})" if r.count else ""),
                ]
            )
    return out
