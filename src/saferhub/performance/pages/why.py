"""The why page: the reasons behind every colour and icon for one indicator in one area."""

from __future__ import annotations

import datetime as dt
from typing import Any

from saferhub.core import disclosure
from saferhub.core.charts import number
from saferhub.framework.models import Indicator, Polarity
from saferhub.geography.models import Area
from saferhub.performance import labels, selectors
from saferhub.performance.pages import NO_VALUES_HELP
from saferhub.performance.pages.indicator import headline
from saferhub.performance.pages.masks import reader_detail
from saferhub.performance.pages.why_moved import moved_csv, what_moved


def why_context(*, indicator: Indicator, area: Area, today: dt.date, public: bool = False) -> dict[str, Any]:
    """Values, intervals, the benchmarks with their reasons, the SPC rule that fired, the trend test,
    the forecast, and what moved (by type and by smaller area, for figures counted from records);
    small numbers suppressed when ``public``."""
    summary = selectors.indicator_summary(indicator=indicator, area=area)
    ctx: dict[str, Any] = {"indicator": indicator, "area": area, "summary": summary, "help": NO_VALUES_HELP}
    if summary is None:
        return ctx
    hidden = selectors.hidden_for(measures=[indicator.slug], area_codes=None) if public else set()
    detail = reader_detail(summary.detail, indicator=indicator, code=area.code, hidden=hidden, public=public)
    ctx.update(headline(indicator=indicator, area=area, summary=summary, today=today, detail=detail))
    ctx["detail"] = detail
    moved = what_moved(indicator=indicator, area=area, latest_label=summary.latest_period_label, public=public)
    ctx["moved"] = moved
    tables = [
        (moved.get("types"), f"Records by type, {area.name}", "Type", "types"),
        (
            moved.get("areas"),
            f"The neighbourhoods (LSOAs) of {area.name} that moved most"
            if moved.get("areas_are_lsoas")
            else f"Records by area within {area.name}",
            "Neighbourhood (LSOA)" if moved.get("areas_are_lsoas") else "Area",
            "areas",
        ),
    ]
    ctx["moved_tables"] = [
        (table, caption, first, moved_csv(table, caption, first, moved["spans"]), f"what-moved-{name}-{area.code}")
        if table
        else (None, caption, first, None, "")
        for table, caption, first, name in tables
    ]
    latest = detail.get("latest") or {}
    masked = bool(latest.get("suppressed"))
    ctx["suppression_note"] = disclosure.EXPLANATION if masked else ""
    ctx["numerator_text"] = disclosure.SMALL_TEXT if masked else number(latest.get("numerator"))
    ctx["denominator_text"] = number(latest.get("denominator"))
    polarity = summary.detail.get("polarity") or ""
    ctx["polarity_text"] = dict(Polarity.choices).get(polarity, "not set").lower()
    ctx["comparisons"] = [
        {
            **cmp,
            "label": labels.BENCHMARK.get(cmp.get("outcome_95", ""), labels.BENCHMARK[""]),
            "label_998": labels.BENCHMARK.get(cmp.get("outcome_998", ""), labels.BENCHMARK[""]),
            "benchmark_text": number(cmp.get("benchmark"), digits=3),
        }
        for cmp in detail.get("comparisons", [])
    ]
    ctx["targets"] = [
        {**t, "label": labels.TARGET.get(t.get("status", ""), labels.TARGET["not_assessed"])}
        for t in (detail.get("target") or {}).get("targets", [])
    ]
    return ctx
