"""A district's profile: every indicator against its benchmark and the range across its peers (a
spine chart), its crime and anti-social behaviour by type and month, and its incidents by LSOA."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from saferhub.core import disclosure
from saferhub.core.charts import number
from saferhub.core.codes import period_words
from saferhub.framework.models import Indicator
from saferhub.geography.models import Area
from saferhub.performance import charts, labels, links, selectors
from saferhub.performance.formatting import suppressed_text, value_text
from saferhub.performance.pages import NO_VALUES_HELP
from saferhub.performance.pages.crime_table import crime_by_type_and_month
from saferhub.performance.pages.maps import lsoa_incident_map
from saferhub.performance.pages.peers import peer_comparison
from saferhub.performance.pages.profile_period import (
    PeriodError,
    figures_at,
    latest_figures,
    period_choices,
)

__all__ = ["PeriodError", "area_profile_context", "profile_export_rows", "spine_position"]


def area_profile_context(
    *,
    area: Area,
    public: bool = False,
    readable: Callable[[Indicator], bool] | None = None,
    period: str = "",
) -> dict[str, Any]:
    """Every indicator for a district against the county and its comparators (a spine chart), and its
    crime and anti-social behaviour by type and month (small numbers, and the figures that would
    give them away, suppressed when ``public``). ``readable`` says which indicators' figures the
    reader may see at all (a private partnership's are left out). ``period`` (a period label) shows
    every indicator's figure for that period instead of its latest; one the area has no value for
    raises ``PeriodError``."""
    ctx: dict[str, Any] = {"area": area, "help": NO_VALUES_HELP}
    own = [s for s in selectors.area_summaries(area=area) if readable is None or readable(s.indicator)]
    ctx["periods"] = period_choices(area=area, indicator_ids=[s.indicator_id for s in own])
    if period and period not in {label for label, _ in ctx["periods"]}:
        raise PeriodError(f"There are no figures for {area.name} for the period ‘{period}’: choose one from the list.")
    ctx["period"] = period
    ctx["period_words"] = period_words(period) if period else ""
    figures = figures_at(own=own, area=area, period=period) if period else latest_figures(own)
    ctx["without_period"] = len(own) - len(figures)
    own = [s for s in own if s.indicator_id in figures]
    ctx["summaries"] = own
    decided = selectors.hidden_for(measures=[s.indicator.slug for s in own]) if public else set()
    counts = {s.indicator_id for s in own if s.indicator.value_type == "count"}
    table = []
    for s in own:
        ind = s.indicator
        fig = figures[ind.pk]
        bench = dict(fig.bench)
        hidden = public and (
            disclosure.point_discloses({"value": fig.value, "numerator": fig.numerator}, count=ind.pk in counts)
            or (ind.slug, area.code, fig.period, "") in decided
        )
        bench_code = str(bench.get("key", "")).removeprefix("area:")
        if public and (ind.slug, bench_code, fig.period, "") in decided:
            bench["benchmark"] = None  # the county's figure would give a district's small count away
        label = labels.BENCHMARK.get(fig.outcome, labels.BENCHMARK[""])
        row = {
            "indicator": ind.title,
            "slug": ind.slug,
            "indicator_id": ind.pk,
            "period": fig.period,
            "area_value": suppressed_text(ind) if hidden else value_text(fig.value),
            "value": None if hidden else fig.value,
            "lower": None if hidden else fig.lower,
            "upper": None if hidden else fig.upper,
            "hidden": hidden,
            "benchmark_value": value_text(bench.get("benchmark")),
            "benchmark_raw": bench.get("benchmark"),
            "benchmark_name": bench.get("name", ""),
            "outcome": fig.outcome,
            "outcome_label": label.text,
            "label": label,
            "worst": "–",
            "range": "–",
            "best": "–",
            # The why page explains the latest comparison only.
            "why": links.why_url(ind, area, "benchmark") if fig.period == s.latest_period_label else "",
            "url": links.indicator_url(ind, area),
        }
        table.append(row)
    # The most similar group's spread and England's value (pages/peers.py).
    compared = peer_comparison(
        area=area, rows=table, indicators={s.indicator_id: s.indicator for s in own}, public=public, decided=decided
    )
    spine_rows = compared["spine_rows"]
    ctx["group"], ctx["country"], ctx["group_members"] = compared["group"], compared["country"], compared["members"]
    ctx["rows"] = table
    ctx["headline"] = headline(table)
    ctx["england_notes"] = sorted({r["england_note"] for r in table if r.get("england_note")})
    ctx["benchmark_name"] = compared["group"]["name"]
    ctx["spine"] = (
        charts.spine_chart(rows=spine_rows, area_name=area.name, benchmark_name=ctx["benchmark_name"])
        if spine_rows
        else None
    )
    ctx["suppression_note"] = disclosure.EXPLANATION if public else ""
    ctx["by_type"] = crime_by_type_and_month(area=area, public=public)
    ctx["lsoa"] = lsoa_incident_map(area=area, public=public)
    return ctx


def headline(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """How many indicators are better, similar and worse than their benchmark (those compared)."""
    found = [(word, sum(1 for r in rows if r["outcome"] == key)) for key, word in HEADLINE]
    return [(word, n) for word, n in found if n]


HEADLINE = [("better", "better than"), ("similar", "similar to"), ("worse", "worse than")]


EXPORT_HEADER = [
    "Indicator",
    "Period",
    "Value",
    "Lower 95%",
    "Upper 95%",
    "Benchmark",
    "Benchmark value",
    "Compared with benchmark",
    "Most similar group value",
    "Most similar group: areas with a value",
    "Worst or lowest",
    "Middle half",
    "Best or highest",
    "Compared per 1,000 people",
    "England or Wales",
]


def profile_export_rows(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The profile's indicator table for a CSV: figures as numbers, a hidden one as the page's words."""
    return [
        [
            r["indicator"],
            period_words(r["period"]),
            r["area_value"] if r["hidden"] else r["value"],
            r["lower"],
            r["upper"],
            r["benchmark_name"],
            r["benchmark_raw"],
            r["outcome_label"],
            (r.get("spread") or {}).get("pooled"),
            r.get("group_count", ""),
            "" if r["worst"] == "–" else r["worst"],
            "" if r["range"] == "–" else r["range"],
            "" if r["best"] == "–" else r["best"],
            "yes" if r.get("per_1000") else "",
            r.get("england_raw"),
        ]
        for r in rows
    ]


def spine_position(values: list[float], value: float, benchmark: float, polarity: str) -> dict[str, Any]:
    """Fingertips spine chart scaling: the benchmark at the centre, the furthest area at an edge;
    better to the right (for "lower is better" the axis is flipped)."""
    lo, hi = min(values), max(values)
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive") if len(values) >= 2 else (lo, 0, hi)
    spread = max(abs(lo - benchmark), abs(hi - benchmark), abs(value - benchmark)) or 1.0
    flip = polarity == "lower_is_better"

    def pos(v: float) -> float:
        x = (v - benchmark) / (2 * spread)
        return round(0.5 - x if flip else 0.5 + x, 4)

    worst, best = (hi, lo) if flip else (lo, hi)
    a, b = sorted((pos(q1), pos(q3)))
    left, right = sorted((pos(lo), pos(hi)))
    return {
        "x_min": left,
        "x_max": right,
        "x_q1": a,
        "x_q3": b,
        "x_area": pos(value),
        "worst": number(worst, digits=2),
        "best": number(best, digits=2),
        "range": f"{number(q1, digits=2)} to {number(q3, digits=2)}",
    }
