"""The scorecard: one row per indicator of a framework in one area, and the same rows as a table for
CSV or XLSX."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from saferhub.core import disclosure
from saferhub.framework.models import Framework, IndicatorMembership
from saferhub.geography.models import Area
from saferhub.performance import charts, labels, links, selectors
from saferhub.performance.formatting import interval_text, suppressed_text, value_text
from saferhub.performance.freshness import freshness
from saferhub.performance.pages import NO_VALUES_HELP
from saferhub.performance.pages.masks import reader_detail
from saferhub.performance.pages.scorecard_order import (
    BENCHMARK_CHOICES,
    SORT_VALUES,
    SORTS,
    is_exception,
    rows_filtered_and_sorted,
    status_counts,
)
from saferhub.performance.pages.scorecard_row import ScorecardRow


def membership_lead(m: IndicatorMembership) -> str:
    ind = m.indicator
    return m.target_lead or ind.lead_role or (ind.lead_organisation.name if ind.lead_organisation else "")


def scorecard_rows(
    *,
    framework: Framework,
    area: Area | None,
    theme: str = "",
    lead: str = "",
    today: dt.date,
    sparklines: bool = True,
    public: bool = False,
    leave_out: frozenset[int] = frozenset(),
) -> list[ScorecardRow]:
    """One row per indicator of the framework (filtered by theme code/id and lead), read in two queries.
    ``public``: the reader is outside the owning partnership, so small numbers are suppressed;
    ``leave_out``: indicators whose figures the reader may not see at all (a private owner's)."""
    memberships = [m for m in selectors.scorecard_memberships(framework=framework) if m.indicator_id not in leave_out]
    if theme:
        memberships = [m for m in memberships if m.theme_id is not None and str(m.theme_id) == theme]
    if lead:
        memberships = [m for m in memberships if membership_lead(m) == lead]
    summaries = (
        selectors.summaries_by_indicator(area=area, indicator_ids=[m.indicator_id for m in memberships])
        if area is not None
        else {}
    )
    hidden = (
        selectors.hidden_for(area_codes=[area.code], measures=[m.indicator.slug for m in memberships])
        if public and area is not None
        else set()
    )
    with_targets = selectors.indicators_with_targets(framework=framework)
    rows = []
    for m in memberships:
        s = summaries.get(m.indicator_id)
        ind = m.indicator
        detail = s.detail if s else {}
        if area is not None:
            detail = reader_detail(detail, indicator=ind, code=area.code, hidden=hidden, public=public)
        masked = bool((detail.get("latest") or {}).get("suppressed"))
        trend = detail.get("trend") or {}
        row = ScorecardRow(
            membership=m,
            indicator=ind,
            summary=s,
            lead=membership_lead(m),
            # No values yet but an ambition in the plan: "Not assessed", never "No ambition set".
            target=labels.TARGET.get(
                s.target_status if s else ("not_assessed" if ind.pk in with_targets else "no_target"),
                labels.TARGET["not_assessed"],
            ),
            variation=labels.VARIATION.get(s.spc_variation if s else "", labels.VARIATION[""]),
            assurance=labels.ASSURANCE.get(s.spc_assurance if s else "", labels.ASSURANCE[""]),
            benchmark=labels.BENCHMARK.get(s.benchmark_outcome if s else "", labels.BENCHMARK[""]),
            trend=labels.trend_label(trend.get("outcome", "cannot_be_calculated"), trend.get("assessment")),
            fresh=freshness(frequency=ind.frequency, period_end=s.latest_period_end if s else None, today=today),
            value=(suppressed_text(ind) if masked else value_text(s.latest_value)) if s else "–",
            interval=interval_text(s.latest_lower_95, s.latest_upper_95) if s and not masked else "–",
            suppressed=masked,
            detail=detail,
            sparkline=charts.sparkline(detail.get("series") or [], title=ind.title) if s and sparklines else "",
            benchmark_name=s.benchmark_name if s else "",
            url=links.performance_indicator_url(ind, area),
            actions_url=links.indicator_url(ind, area) + "#actions",
        )
        if s is not None and area is not None:
            row.links = links.why_links(ind, area)
            row.why_url = links.why_url(ind, area)
        rows.append(row)
    return rows


def scorecard_context(
    *,
    framework: Framework,
    code: str,
    theme: str,
    lead: str,
    query: str,
    today: dt.date,
    public: bool,
    leave_out: frozenset[int] = frozenset(),
    status: str = "",
    benchmark: str = "",
    sort: str = "",
) -> dict[str, Any]:
    """What ``performance/_scorecard_body.html`` shows: the summary by status (of the rows the area,
    theme and lead leave), the filters and the rows with this status and benchmark outcome, in the
    chosen order (exceptions first unless another is chosen)."""
    areas = list(selectors.scorecard_areas(framework=framework))
    area = selectors.scorecard_area(framework=framework, code=code, areas=areas)
    memberships = selectors.scorecard_memberships(framework=framework)
    rows = scorecard_rows(
        framework=framework, area=area, theme=theme, lead=lead, today=today, public=public, leave_out=leave_out
    )
    sort = sort if sort in SORT_VALUES else SORTS[0][0]
    shown = rows_filtered_and_sorted(rows, status=status, benchmark=benchmark, sort=sort)
    return {
        "framework": framework,
        "rows": shown,
        "all_rows": len(rows),
        "counts": status_counts(rows),
        "exceptions": sum(1 for r in rows if is_exception(r)),
        "status": status,
        "statuses": [(key, label.text) for key, label in labels.TARGET.items()],
        "benchmark": benchmark,
        "benchmarks": BENCHMARK_CHOICES,
        "sort": sort,
        "sorts": SORTS,
        "filtered": bool(theme or lead or status or benchmark),
        "area": area,
        "areas": areas,
        "themes": framework.themes.all(),
        "theme": theme,
        "leads": sorted({membership_lead(m) for m in memberships} - {""}),
        "lead": lead,
        "has_values": any(r.summary for r in rows),
        "base_query": base_query(area=area, theme=theme, lead=lead),
        "area_query": base_query(area=area, theme="", lead=""),
        "help": NO_VALUES_HELP,
        "query": query,
        "suppression_note": disclosure.EXPLANATION if any(r.suppressed for r in rows) else "",
    }


def base_query(*, area: Area | None, theme: str, lead: str) -> str:
    """The query that keeps the area, theme and lead, for the summary's links to one status."""
    return urlencode([(k, v) for k, v in (("area", area.code if area else ""), ("theme", theme), ("lead", lead)) if v])


EXPORT_HEADER = [
    "Code",
    "Indicator",
    "Theme",
    "Lead",
    "Area",
    "Latest period",
    "Latest value",
    "Lower 95%",
    "Upper 95%",
    "Ambition status",
    "Status reason",
    "SPC variation",
    "SPC assurance",
    "Benchmark",
    "Compared with benchmark",
    "Comparison reason",
    "Recent trend",
    "Trend reason",
    "Freshness",
    "Completeness",
]


def scorecard_export_rows(*, rows: list[ScorecardRow], area: Area | None) -> list[list[Any]]:
    """The scorecard as a table for CSV or XLSX (figures as numbers, words as the page shows them)."""
    out = []
    for r in rows:
        s = r.summary
        detail = r.detail
        out.append(
            [
                r.membership.code,
                r.indicator.title,
                str(r.membership.theme or ""),
                r.lead,
                area.name if area else "",
                s.latest_period_label if s else "",
                (r.value if r.suppressed else s.latest_value) if s else None,
                s.latest_lower_95 if s and not r.suppressed else None,
                s.latest_upper_95 if s and not r.suppressed else None,
                r.target.text,
                (detail.get("target") or {}).get("reason", ""),
                r.variation.text,
                r.assurance.text,
                r.benchmark_name,
                r.benchmark.text,
                (detail.get("benchmark") or {}).get("reason_95", ""),
                r.trend.text,
                (detail.get("trend") or {}).get("reason", ""),
                r.fresh["label"].text,
                s.completeness if s else None,
            ]
        )
    return out
