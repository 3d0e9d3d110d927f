"""An area profile's figures for one period: each indicator's value and interval, its benchmark's
value and the comparison of the two, and its peers' values, as the stored summary gives them for the
latest period and as the stored values give them for any earlier one (read, never re-estimated: the
intervals are the ones stored with each value; the comparison is the Fingertips rule that the refresh
applies, ``stats.compare``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from saferhub.core.codes import period_words
from saferhub.core.errors import SaferhubError
from saferhub.geography.models import Area
from saferhub.performance import selectors
from saferhub.performance.models import IndicatorSummary
from saferhub.stats import compare as stats_compare
from saferhub.stats.results import Polarity


@dataclass
class Figure:
    """One indicator's figure for the area at the period shown."""

    period: str
    value: float | None
    lower: float | None
    upper: float | None
    numerator: float | None
    bench: dict[str, Any]  # key, name, benchmark (its value)
    outcome: str


class PeriodError(SaferhubError):
    """A period the profile has no figures for."""


def period_choices(*, area: Area, indicator_ids: list[int]) -> list[tuple[str, str]]:
    """(label, words) of each period the area has values for, newest first."""
    return [(label, period_words(label)) for label, _ in selectors.area_periods(area=area, indicator_ids=indicator_ids)]


def latest_figures(own: list[IndicatorSummary]) -> dict[int, Figure]:
    """Each indicator's latest figure, as the refresh stored it."""
    return {
        s.indicator_id: Figure(
            period=s.latest_period_label,
            value=s.latest_value,
            lower=s.latest_lower_95,
            upper=s.latest_upper_95,
            numerator=s.latest_numerator,
            bench=dict((s.detail or {}).get("benchmark") or {}),
            outcome=s.benchmark_outcome or "not_compared",
        )
        for s in own
    }


def figures_at(*, own: list[IndicatorSummary], area: Area, period: str) -> dict[int, Figure]:
    """Each indicator's figure for ``period`` (indicators with no value then are left out). Where the
    period is an indicator's latest, the stored summary's figure; else the stored value, compared with
    the first of the summary's area benchmarks that has a value for the period (a comparator group's
    pooled value is not rebuilt for an earlier period: such rows say "Not compared")."""
    latest = latest_figures([s for s in own if s.latest_period_label == period])
    earlier = [s for s in own if s.indicator_id not in latest]
    if not earlier:
        return latest
    ids = [s.indicator_id for s in earlier]
    bench_codes = {
        str(c.get("key", "")).removeprefix("area:")
        for s in earlier
        for c in (s.detail or {}).get("comparisons") or []
        if str(c.get("key", "")).startswith("area:")
    }
    found = {
        (ind, code): (value, lower, upper, numerator)
        for ind, code, value, lower, upper, numerator in selectors.values_at(
            indicator_ids=ids, area_codes=[area.code, *bench_codes], period=period
        )
    }
    out = dict(latest)
    for s in earlier:
        mine = found.get((s.indicator_id, area.code))
        if mine is None or mine[0] is None:
            continue
        value, lower, upper, numerator = mine
        bench: dict[str, Any] = {}
        for c in (s.detail or {}).get("comparisons") or []:
            key = str(c.get("key", ""))
            theirs = found.get((s.indicator_id, key.removeprefix("area:"))) if key.startswith("area:") else None
            if theirs is not None and theirs[0] is not None:
                bench = {"key": key, "name": c.get("name", ""), "benchmark": theirs[0]}
                break
        out[s.indicator_id] = Figure(
            period=period,
            value=value,
            lower=lower,
            upper=upper,
            numerator=numerator,
            bench=bench,
            outcome=_outcome(s, value=value, lower=lower, upper=upper, benchmark=bench.get("benchmark")),
        )
    return out


def _outcome(
    s: IndicatorSummary, *, value: float | None, lower: float | None, upper: float | None, benchmark: Any
) -> str:
    """The Fingertips comparison at 95% (as the refresh makes it); counts are never compared."""
    if s.indicator.value_type == "count" or benchmark is None:
        return "not_compared"
    try:
        polarity: Polarity | None = Polarity.parse(s.indicator.polarity)
    except SaferhubError:
        polarity = None
    return str(stats_compare.compare_one(lower, upper, benchmark, polarity, value=value, confidence=0.95).outcome.value)
