"""Reads for the deprivation page and the document's deprivation section: records (police.uk) and
road casualties (STATS19) by LSOA from the record store, put on the national IMD 2019 deciles
(``deprivation``), with what a public reader may see (module notes below) and the chart with its
table. Cached until the store's next commit, like the hot spot page.

What the public see (``tests/integration/assessment/test_deprivation_page.py`` attacks it):

- **All records (crime and anti-social behaviour)**: a decile's count and rate are shown only when
  the maps page shows the count of every LSOA in that decile in every month of the period, so the
  figure is a sum of figures already public. The SII (which with the populations and the other
  deciles' rates gives a hidden one back) is shown only when no decile is hidden.
- **One crime type, all crime or anti-social behaviour alone**: members only, as the hot spot page
  (by LSOA they can be subtracted from the maps page's totals; a decile of one or two LSOAs is an LSOA).
- **Road casualties**: counts of 1 to 4 in a decile, and the next smallest (the area's total is
  published elsewhere), are hidden, and then the SII too.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from saferhub.assessment.deprivation import PER, SII_REFERENCE, Gradient, gradient, match_deciles
from saferhub.assessment.deprivation_data import area_deprivation
from saferhub.assessment.forms import Query
from saferhub.assessment.publication import lsoas_hidden
from saferhub.assessment.records import lsoa_month_counts
from saferhub.assessment.spatial import _period, cached_over_store
from saferhub.core import charts as c
from saferhub.core import disclosure
from saferhub.core.charts import Chart, ChartTable, number
from saferhub.geography.models import Area
from saferhub.geography.selectors import csp_areas_in
from saferhub.incidents.store import RecordStore

NO_DEPRIVATION_HELP = (
    "The English Indices of Deprivation 2019 are not loaded: load them with `saferhub assessment load-deprivation` "
    "(the files in ../shared/data/deprivation)."
)
TYPE_NOTE = (
    "Rates of a single crime type by deprivation decile are shown to members of the partnership only: a decile can "
    "be one or two neighbourhoods, whose counts beside the totals published elsewhere could give away counts of "
    "fewer than 5. Choose crime and anti-social behaviour for the published gradient."
)
DECILE_WORDS: dict[int, str] = {}


def decile_label(decile: int) -> str:
    return DECILE_WORDS.get(decile, str(decile))


def _months_between(start: str, end: str) -> list[str]:
    out, (y, m) = [], (int(start[:4]), int(start[5:7]))
    while f"{y:04d}-{m:02d}" <= end:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def deprivation_context(*, query: Query, area: Area, public: bool) -> dict[str, Any]:
    """Everything the deprivation page (and the document's section) shows for one question."""
    return cached_over_store(
        "deprivation",
        (area.code, query.key(), public),
        lambda store: _deprivation(store=store, query=query, area=area, public=public),
    )


def _deprivation(*, store: RecordStore, query: Query, area: Area, public: bool) -> dict[str, Any]:
    districts = list(csp_areas_in(area=area))
    codes = [d.code for d in districts]
    period = _period(query.months)
    out: dict[str, Any] = {"area": area, "selection": query.selection.label, "period": period, "per": f"{PER:,}"}
    rows = lsoa_month_counts(store, districts=codes, months=query.months, selection=query.selection)
    casualty_rows = store.grouped_counts(
        by=["lsoa_code"],
        sources=["stats19"],
        datasets=["casualty"],
        kinds=["casualty"],
        months=_months_between(query.months[0], query.months[-1]),
        where={"district_code": codes},
    )
    casualties = {str(code): int(n) for code, n in casualty_rows if code}
    record_codes = {r[2] for r in rows} | set(casualties)
    data = area_deprivation(districts=districts, record_codes=record_codes)
    if not data.loaded:
        return {**out, "missing": NO_DEPRIVATION_HELP}
    match = match_deciles(
        codes=record_codes, deciles_2011=data.deciles_2011, to_2011=data.to_2011, outside=data.outside
    )
    totals: dict[str, int] = defaultdict(int)
    by_district_month: dict[tuple[str, str], dict[str, int]] = {}
    for month, district, code, n in rows:
        totals[code] += n
        by_district_month.setdefault((district, month), {})[code] = n
    crime = gradient(lsoa_counts=totals, match=match, populations=data.populations, lsoas_per_decile=data.lsoas)
    out["lookup_method"] = data.lookup_method
    out["population_note"] = (
        f"{sum(data.populations.values()):,} residents (mid-2015) in {sum(data.lsoas.values()):,} LSOAs of 2011"
    )
    if public and query.selection.kind != "all":
        out["crime"] = {"members_only": TYPE_NOTE}
    else:
        hidden_deciles: set[int] = set()
        hidden_unmatched = False
        if public:
            hidden: set[str] = set()
            for place in districts:
                hidden |= lsoas_hidden(by_district_month.get((place.code, m), {}) for m in query.months)
            hidden_deciles = {match.decile[code] for code in hidden if code in match.decile}
            hidden_unmatched = any(code in hidden for code in match.unmatched)
        out["crime"] = _section(
            crime,
            what=f"{query.selection.label} per {PER:,} residents",
            chart_id="deprivation-crime",
            title=f"{query.selection.label} per {PER:,} residents by deprivation decile, {area.name}, {period}",
            hidden=hidden_deciles,
            hidden_unmatched=hidden_unmatched,
            unit="records",
        )
    if casualties:
        road = gradient(lsoa_counts=casualties, match=match, populations=data.populations, lsoas_per_decile=data.lsoas)
        hidden_road: set[int] = set()
        if public:
            mask = disclosure.suppress_table([[r.count] for r in road.rows], row_totals=False)
            hidden_road = {r.decile for r, m in zip(road.rows, mask.cells, strict=True) if m[0]}
        out["casualties"] = _section(
            road,
            what=f"Road casualties per {PER:,} residents",
            chart_id="deprivation-casualties",
            title=f"Road casualties per {PER:,} residents by deprivation decile of the collision's place, "
            f"{area.name}, {period}",
            hidden=hidden_road,
            hidden_unmatched=public and 0 < road.unmatched_records < 5,
            unit="casualties",
        )
    else:
        out["casualties"] = {
            "missing": f"There are no STATS19 road casualty records for {area.name} in {period} in the record store."
        }
    out["sii_reference"] = SII_REFERENCE
    out["suppression_note"] = disclosure.EXPLANATION if public else ""
    return out


def _section(
    result: Gradient,
    *,
    what: str,
    chart_id: str,
    title: str,
    hidden: set[int],
    hidden_unmatched: bool,
    unit: str,
) -> dict[str, Any]:
    rows = []
    for r in result.rows:
        secret = r.decile in hidden
        rows.append(
            {
                "decile": decile_label(r.decile),
                "lsoas": r.lsoas,
                "population": f"{r.population:,}",
                "count": disclosure.SMALL_TEXT
                if secret and 0 < r.count < 5
                else disclosure.SUPPRESSED_TEXT
                if secret
                else f"{r.count:,}",
                "rate": disclosure.SUPPRESSED_TEXT if secret else f"{r.rate:.2f}",
                "interval": "" if secret else f"{r.lower:.2f} to {r.upper:.2f}",
            }
        )
    sii = result.sii if not hidden else None
    out: dict[str, Any] = {
        "rows": rows,
        "unit": unit,
        "total": f"{result.total:,}" if not hidden else "",
        "unmatched": (
            ""
            if not result.unmatched_records
            else f"Some {unit} lie in neighbourhoods that could not be given a decile and are left out."
            if hidden_unmatched
            else f"{result.unmatched_records:,} {unit} in {len(result.unmatched_lsoas)} LSOA"
            f"{'s' if len(result.unmatched_lsoas) != 1 else ''} could not be given a decile and are left out: "
            + "; ".join(f"{code} ({why})" for code, why in sorted(result.unmatched_lsoas.items())[:10])
            + ("; …" if len(result.unmatched_lsoas) > 10 else "")
            + "."
        ),
        "sii_note": result.sii_note
        if not hidden
        else "The slope index of inequality is not shown: with the other "
        "deciles it would give a suppressed figure back.",
        "chart": _chart(result, chart_id=chart_id, title=title, what=what, hidden=hidden),
    }
    if sii is not None:
        limits = sii.limits[0]
        out["sii"] = {
            "value": number(sii.sii, digits=2),
            "lower": number(limits.sii_lower, digits=2),
            "upper": number(limits.sii_upper, digits=2),
            "rii": number(sii.rii, digits=2),
            "words": (
                f"Across the area's gradient, the rate is {number(abs(sii.sii), digits=2)} per {PER:,} residents "
                + (
                    "higher in the most deprived end than in the least deprived end."
                    if sii.sii > 0
                    else "lower in the most deprived end than in the least deprived end."
                )
            ),
            "significant": not (limits.sii_lower <= 0 <= limits.sii_upper),
        }
    return out


def _chart(result: Gradient, *, chart_id: str, title: str, what: str, hidden: set[int]) -> Chart:
    shown = [r for r in result.rows if r.decile not in hidden]
    values = [
        {"decile": decile_label(r.decile), "order": r.decile, "rate": r.rate, "lower": r.lower, "upper": r.upper}
        for r in shown
    ]
    order = [decile_label(r.decile) for r in result.rows]
    x = {
        "field": "decile",
        "type": "ordinal",
        "sort": order,
        "scale": {"domain": order},
        "title": "Decile of the Index of Multiple Deprivation 2019 (1 is the most deprived)",
        "axis": {"labelAngle": 0},
    }
    spec = {
        "width": 520,
        "height": 280,
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "rule", "color": c.DARK_GREY},
                "encoding": {"x": x, "y": {"field": "lower", "type": "quantitative"}, "y2": {"field": "upper"}},
            },
            {
                "mark": {"type": "point", "filled": True, "size": 70, "color": c.BLUE, "stroke": c.BLACK},
                "encoding": {
                    "x": x,
                    "y": {"field": "rate", "type": "quantitative", "title": what},
                    "tooltip": [
                        {"field": "decile", "title": "Decile"},
                        {"field": "rate", "title": "Rate", "format": ".2f"},
                        {"field": "lower", "title": "Lower limit", "format": ".2f"},
                        {"field": "upper", "title": "Upper limit", "format": ".2f"},
                    ],
                },
            },
        ],
    }
    table_rows = [
        [
            decile_label(r.decile),
            disclosure.SUPPRESSED_TEXT if r.decile in hidden else f"{r.rate:.2f}",
            "" if r.decile in hidden else f"{r.lower:.2f} to {r.upper:.2f}",
        ]
        for r in result.rows
    ]
    summary = (
        f"{what} in each of {len(result.rows)} national deciles of the Index of Multiple Deprivation 2019, "
        "with 95% limits; decile 1 is the most deprived."
    )
    return Chart(
        id=chart_id,
        title=title,
        spec=spec,
        summary=summary,
        table=ChartTable(title, ["Decile", "Rate", "95% limits"], table_rows, numeric={1}),
        enhance=False,
    )
