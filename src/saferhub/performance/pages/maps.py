"""Maps: the district choropleth of an indicator's latest figures, and a month's incidents by LSOA in
one district from the record store, each drawn on the server with its legend and table."""

from __future__ import annotations

from typing import Any

from saferhub.core import disclosure
from saferhub.core.charts import ChartTable, number
from saferhub.framework.models import Indicator
from saferhub.geography.models import Area
from saferhub.performance import charts, labels, selectors
from saferhub.performance.pages import NO_BOUNDARIES_HELP, NO_VALUES_HELP
from saferhub.performance.pages.masks import reader_districts


def map_payload(
    map_id: str,
    chart: Any,
    breaks: list[float],
    legend: list[dict[str, str]],
    features: list[dict[str, Any]],
    *,
    digits: int,
) -> dict[str, Any]:
    """What ``performance/_map.html`` needs: the SVG chart, the legend in words and for Leaflet, the GeoJSON."""
    return {
        "id": map_id,
        "chart": chart,
        "breaks": breaks,
        "breaks_text": [number(b, digits=digits) for b in breaks],
        "legend": legend,
        "geojson": {"type": "FeatureCollection", "features": features},
        "geojson_id": f"{map_id}-geojson",
        "legend_id": f"{map_id}-legend-data",
        "leaflet_legend": {"breaks": breaks, "colours": [item["colour"] for item in legend], "digits": digits},
    }


def district_map(*, indicator: Indicator, districts: dict[str, Any]) -> dict[str, Any] | None:
    """A choropleth of the districts in ``districts`` (from a stored summary): SVG, legend and the
    GeoJSON Leaflet draws; says how to load boundaries when none are."""
    areas = selectors.areas_by_code(codes=[r["code"] for r in districts["rows"]])
    shapes = selectors.boundaries_for(areas=areas.values())
    features = []
    for r in districts["rows"]:
        a = areas.get(r["code"])
        if a is None or a.pk not in shapes:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": shapes[a.pk],
                "properties": {
                    "code": r["code"],
                    "name": r["name"],
                    "value": r["value"],
                    "outcome": labels.BENCHMARK.get(r["outcome_95"], labels.BENCHMARK[""]).text,
                },
            }
        )
    if not features:
        return {"missing": NO_BOUNDARIES_HELP}
    chart, breaks, legend = charts.choropleth(
        chart_id="district-map",
        title=f"{indicator.title} by area, {districts['period']}",
        features=features,
        value_title=indicator.get_value_type_display(),
    )
    return map_payload("district-map", chart, breaks, legend, features, digits=2)


def lsoa_incident_map(*, area: Area, month: str = "", public: bool = False) -> dict[str, Any]:
    """Incidents (crimes and anti-social behaviour) by LSOA in one district and month, from the record
    store, joined to LSOA boundaries. Records whose LSOA has no boundary are counted and said. When
    ``public``, counts of 1 to 4 (and any count that would give one away through the total) are shown
    as "fewer than 5" and left uncoloured on the map."""
    rows = selectors.record_counts(
        by=["month", "district_code", "lsoa_code", "lsoa_name"], where={"district_code": [area.code]}
    )
    months = sorted({r[0] for r in rows if r[1] == area.code}, reverse=True)
    out: dict[str, Any] = {"months": months, "month": month, "area": area}
    if not months:
        out["missing"] = (
            f"No records for {area.name} in the record store: import police.uk street files with "
            "`saferhub import police-uk PATH`."
        )
        return out
    if month not in months:
        month = months[0]
    out["month"] = month
    counts = {r[2]: (r[3], r[4]) for r in rows if r[0] == month and r[1] == area.code and r[2]}
    hidden: set[str] = set()
    total_hidden = False
    if public:
        hidden, total_hidden = _lsoa_hidden(area=area, month=month, counts={c: n for c, (_, n) in counts.items()})
    lsoas = selectors.areas_by_code(codes=counts, area_type="lsoa")
    shapes = selectors.boundaries_for(areas=lsoas.values())
    features, unmatched, unmatched_hidden = [], 0, False
    for code, (name, n) in counts.items():
        a = lsoas.get(code)
        if a is None or a.pk not in shapes:
            unmatched += n
            unmatched_hidden |= code in hidden
            continue
        props: dict[str, Any] = {"code": code, "name": name or a.name, "value": None if code in hidden else n}
        if code in hidden:
            props["label"] = disclosure.SMALL_TEXT
        features.append({"type": "Feature", "geometry": shapes[a.pk], "properties": props})
    out["total"] = "Some" if total_hidden else str(sum(n for _, n in counts.values()))
    # A sum over suppressed cells would give them away: say that some records are unmapped, not how many.
    out["unmatched"] = unmatched
    out["unmatched_text"] = "Some" if unmatched_hidden else str(unmatched)
    ordered = sorted(((code, name, n) for code, (name, n) in counts.items()), key=lambda r: -r[2])
    out["table"] = [(code, name, disclosure.SMALL_TEXT if code in hidden else n) for code, name, n in ordered]
    out["table_csv"] = ChartTable(
        caption=f"Records by LSOA, {month}",
        columns=["LSOA", "Code", "Records"],
        rows=[[name, code, n] for code, name, n in out["table"]],
        numeric={2},
    )
    out["suppression_note"] = disclosure.EXPLANATION if hidden else ""
    if not features:
        out["missing_boundaries"] = NO_BOUNDARIES_HELP
        return out
    chart, breaks, legend = charts.choropleth(
        chart_id="lsoa-map",
        title=f"Crimes and anti-social behaviour by LSOA, {area.name}, {month}",
        features=features,
        value_title="Records",
        digits=0,
    )
    out["map"] = map_payload("lsoa-map", chart, breaks, legend, features, digits=0)
    return out


def _lsoa_hidden(*, area: Area, month: str, counts: dict[str, int]) -> tuple[set[str], bool]:
    """The LSOAs whose counts the public may not see in a district's month, and whether the month's
    total may not be stated. The LSOAs add up to the district's month (all crime and anti-social
    behaviour): where that total is hidden on the district's pages, enough LSOAs are hidden here too
    that their sum does not give it back; otherwise the small ones and those that would give them
    away through the total."""
    decided = selectors.hidden_for(area_codes=[area.code], measures=["all-crime", "anti-social-behaviour"])
    total_hidden = any(p == month and not b for _, _, p, b in decided)
    total = ("total",)
    values: dict[Any, float | None] = {("lsoa", c): n for c, n in counts.items()}
    values[total] = sum(counts.values())
    relation = [(total, 1), *((k, -1) for k in values if k != total)]
    decision = disclosure.protect(values, [relation], also_protect=[total] if total_hidden else [])
    lsoas = {str(k[1]) for k in decision.hidden if isinstance(k, tuple) and k[0] == "lsoa"}
    return lsoas, total_hidden or total in decision.hidden


def maps_context(
    *,
    indicator: Indicator | None,
    area: Area | None,
    month: str = "",
    public: bool = False,
    indicators: list[Indicator] | None = None,
) -> dict[str, Any]:
    """The maps page: the district choropleth of an indicator's latest figures, and a monthly map of
    incidents by LSOA in one district from the record store (counts of 1 to 4 suppressed when ``public``)."""
    ctx: dict[str, Any] = {"indicator": indicator, "area": area, "help": NO_VALUES_HELP}
    ctx["indicators"] = indicators if indicators is not None else selectors.map_indicators()
    ctx["districts_list"] = list(selectors.profile_areas())
    if indicator is not None:
        parents = selectors.parent_summaries_with_districts(indicator=indicator)
        districts = next((s.detail.get("districts") for s in parents if s.detail.get("districts")), None)
        if districts and public:
            hidden = selectors.hidden_for(measures=[indicator.slug])
            districts = reader_districts(districts, indicator=indicator, hidden=hidden, public=public)
        ctx["districts"] = districts
        ctx["map"] = district_map(indicator=indicator, districts=districts) if districts else None
    if area is not None:
        ctx["lsoa"] = lsoa_incident_map(area=area, month=month, public=public)
    return ctx
