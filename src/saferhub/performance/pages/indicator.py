"""An indicator's performance section: headline figures and statuses with their reasons, the
turn-the-curve and SPC charts, the districts compared as bars, a funnel and a map, and the data
table. The framework's indicator page includes the same section."""

from __future__ import annotations

import datetime as dt
from typing import Any

from saferhub.core import disclosure
from saferhub.core.codes import period_words
from saferhub.framework.models import Indicator
from saferhub.geography.models import CSP_AREA_TYPES, Area
from saferhub.performance import charts, labels, links, selectors
from saferhub.performance.formatting import interval_text, suppressed_text, value_text
from saferhub.performance.freshness import freshness
from saferhub.performance.models import IndicatorSummary
from saferhub.performance.pages import NO_VALUES_HELP
from saferhub.performance.pages.answer import indicator_answer
from saferhub.performance.pages.maps import district_map
from saferhub.performance.pages.masks import reader_detail, reader_districts
from saferhub.performance.pages.national_funnel import national_funnel
from saferhub.performance.pages.rolling import rolling_windows


def headline(
    *,
    indicator: Indicator,
    area: Area,
    summary: IndicatorSummary,
    today: dt.date,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The headline figures and statuses; ``detail`` is the summary's detail as this reader may see it."""
    detail = summary.detail if detail is None else detail
    hidden = bool((detail.get("latest") or {}).get("suppressed"))
    trend = detail.get("trend") or {}
    return {
        "value": suppressed_text(indicator) if hidden else value_text(summary.latest_value),
        "interval": "" if hidden else interval_text(summary.latest_lower_95, summary.latest_upper_95, empty=""),
        "target_label": labels.TARGET.get(summary.target_status, labels.TARGET["not_assessed"]),
        "variation_label": labels.VARIATION.get(summary.spc_variation, labels.VARIATION[""]),
        "assurance_label": labels.ASSURANCE.get(summary.spc_assurance, labels.ASSURANCE[""]),
        "benchmark_label": labels.BENCHMARK.get(summary.benchmark_outcome, labels.BENCHMARK[""]),
        "trend_label": labels.trend_label(trend.get("outcome", "cannot_be_calculated"), trend.get("assessment")),
        "fresh": freshness(frequency=indicator.frequency, period_end=summary.latest_period_end, today=today),
        "why": links.why_url(indicator, area),
        "links": links.why_links(indicator, area),
    }


def _districts(
    *, indicator: Indicator, area: Area, detail: dict[str, Any], hidden: set[Any], public_rows: bool
) -> dict[str, Any] | None:
    """The districts compared: from this area's summary (a county or force area), else from the area
    it lies in (masked unless the reader is a member there: a district's members see their own
    district whole, not their neighbours)."""
    districts = detail.get("districts")
    if districts:
        return districts
    parents = [x for x in (area.parent_id, area.force_area_id) if x]
    found = selectors.summaries_of_areas(indicator=indicator, area_ids=parents)
    for pid in parents:
        if pid in found and found[pid].detail.get("districts"):
            return reader_districts(
                found[pid].detail["districts"], indicator=indicator, hidden=hidden, public=public_rows
            )
    return None


def indicator_performance_data(
    *,
    indicator: Indicator,
    area: Area | None,
    today: dt.date,
    public: bool = False,
    public_rows: bool | None = None,
) -> dict[str, Any]:
    """The figures and charts behind the indicator's performance section (uncached). ``public``: the
    reader is outside the partnerships that own this area's figures; ``public_rows``: outside those
    that own the other districts' figures (defaults to ``public``)."""
    public_rows = public if public_rows is None else public_rows
    count = indicator.value_type == "count"
    areas = selectors.indicator_areas(indicator=indicator)
    if area is None:
        area = areas[0] if areas else None
    ctx: dict[str, Any] = {"indicator": indicator, "area": area, "areas": areas, "help": NO_VALUES_HELP}
    summary = selectors.indicator_summary(indicator=indicator, area=area) if area else None
    ctx["summary"] = summary
    if summary is None or area is None:
        return {"performance": ctx}
    hidden = selectors.hidden_for(measures=[indicator.slug]) if (public or public_rows) else set()
    detail = reader_detail(summary.detail, indicator=indicator, code=area.code, hidden=hidden, public=public)
    ctx.update(headline(indicator=indicator, area=area, summary=summary, today=today, detail=detail))
    ctx["answer"] = indicator_answer(indicator=indicator, area=area, summary=summary, detail=detail)
    charts_ = [
        charts.turn_the_curve(
            title=indicator.title,
            series=detail.get("series") or [],
            forecast=detail.get("forecast"),
            targets=(detail.get("target") or {}).get("targets", []),
            unit=indicator.get_value_type_display(),
        )
    ]
    spc = detail.get("spc")
    if spc and spc.get("applicable"):
        charts_.append(charts.spc_chart(title=indicator.title, spc=spc))
    ctx["charts"] = charts_
    ctx["withheld"] = (spc or {}).get("withheld") or detail.get("forecast_withheld") or ""
    districts = _districts(indicator=indicator, area=area, detail=detail, hidden=hidden, public_rows=public_rows)
    comparison: list[Any] = []
    if districts:
        if not count:  # counts are not compared between areas of different sizes
            comparison.append(charts.comparison_bars(title=indicator.title, districts=districts, highlight=area.code))
        if districts.get("funnel"):
            comparison.append(
                charts.funnel_plot(title=indicator.title, funnel=districts["funnel"], period=districts["period"])
            )
        elif districts.get("funnel_withheld"):
            ctx["funnel_withheld"] = (
                "The funnel plot is not shown: its pooled value and limits are made from figures that are not shown."
            )
        ctx["map"] = district_map(indicator=indicator, districts=districts)
    ctx["comparison_charts"] = comparison
    if area.area_type in CSP_AREA_TYPES and summary.latest_period_label:
        ctx["national_funnel"] = national_funnel(
            indicator=indicator, area=area, period=summary.latest_period_label, public=public_rows, decided=hidden
        )
    ctx["districts"] = districts
    if districts:
        codes = selectors.areas_by_code(codes=[r["code"] for r in districts["rows"]])
        ctx["district_rows"] = [
            {
                **r,
                "value_text": suppressed_text(indicator) if r.get("suppressed") else value_text(r["value"]),
                "interval_text": interval_text(r.get("lower_95"), r.get("upper_95")),
                "label": labels.BENCHMARK.get(r["outcome_95"], labels.BENCHMARK[""]),
                "why": links.why_url(indicator, codes[r["code"]], "benchmark") if r["code"] in codes else "",
            }
            for r in districts["rows"]
        ]
    ctx["table"] = [
        {
            **p,
            "value_text": suppressed_text(indicator) if p.get("suppressed") else value_text(p.get("value")),
            "lower_text": value_text(p.get("lower_95")),
            "upper_text": value_text(p.get("upper_95")),
        }
        for p in reversed(detail.get("series") or [])
    ]
    ctx["missing"] = (detail.get("completeness") or {}).get("missing", [])
    series = detail.get("series") or []
    ctx["monthly"] = any(p.get("kind") == "month" for p in series)
    ctx["rolling"] = (
        [
            {**w, "value_text": suppressed_text(indicator) if w["suppressed"] else value_text(w["value"])}
            for w in rolling_windows(
                series, value_type=indicator.value_type, multiplier=indicator.multiplier, public=public
            )
        ]
        if ctx["monthly"]
        else []
    )
    present = [p for p in detail.get("series") or [] if p.get("value") is not None]
    ctx["latest_partial"] = bool(present) and present[-1].get("status") == "partial"
    ctx["latest_proxy"] = bool(present) and present[-1].get("basis") == "proxy"
    suppressed = any(p.get("suppressed") for p in detail.get("series") or []) or any(
        r.get("suppressed") for r in (districts or {}).get("rows") or []
    )
    ctx["suppression_note"] = disclosure.EXPLANATION if suppressed else ""
    return {"performance": ctx}


VALUES_EXPORT_HEADER = ["Period", "Value", "Lower 95%", "Upper 95%", "Numerator", "Denominator", "Status"]


def indicator_values_export_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The page's table of every value, as the page shows it: a hidden value is "fewer than 5" here
    too, with nothing derived from it (interval, numerator) beside it."""
    rows = []
    for row in data["performance"]["table"]:
        hidden = bool(row.get("suppressed"))
        rows.append(
            [
                period_words(row.get("period")),
                row["value_text"] if hidden else row.get("value"),
                "" if hidden else row.get("lower_95"),
                "" if hidden else row.get("upper_95"),
                "" if hidden else row.get("numerator"),
                row.get("denominator"),
                str(row.get("status") or "").capitalize(),
            ]
        )
    return rows


AREAS_EXPORT_HEADER = ["Area", "Area code", "Period", "Value", "Lower 95%", "Upper 95%", "Benchmark", "Compared"]


def indicator_areas_export_rows(data: dict[str, Any]) -> list[list[Any]]:
    """The page's table of the areas compared, as the page shows it: a hidden value is "fewer than 5"
    (or "suppressed") here too, with no interval beside it."""
    perf = data["performance"]
    districts = perf.get("districts") or {}
    bench = (districts.get("benchmark") or {}).get("name", "")
    rows = []
    for r in perf.get("district_rows") or []:
        hidden = bool(r.get("suppressed"))
        rows.append(
            [
                r.get("name", ""),
                r.get("code", ""),
                period_words(districts.get("period", "")),
                r["value_text"] if hidden else r.get("value"),
                "" if hidden else r.get("lower_95"),
                "" if hidden else r.get("upper_95"),
                bench,
                r["label"].text,
            ]
        )
    return rows
