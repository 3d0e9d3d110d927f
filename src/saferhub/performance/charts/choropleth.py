"""Maps: areas coloured by value in stated equal-count classes, with the legend in words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from saferhub.core import charts as c
from saferhub.core.charts import Chart, ChartTable, number
from saferhub.performance.charts.common import SEQUENTIAL


def breaks_for(values: Sequence[float], classes: int = 5) -> list[float]:
    """Class breaks at equal-count quantiles, rounded to 3 significant figures, without repeats."""
    ordered = sorted(v for v in values if v is not None)
    if len(ordered) < 2:
        return []
    out: list[float] = []
    for k in range(1, classes):
        q = ordered[min(len(ordered) - 1, round(k * len(ordered) / classes))]
        rounded = float(f"{q:.3g}")
        if rounded not in out and ordered[0] < rounded < ordered[-1]:
            out.append(rounded)
    return out


def legend_items(breaks: Sequence[float], lowest: float, highest: float, *, digits: int = 2) -> list[dict[str, str]]:
    """The legend's classes in words: "from 1.2 to under 3.4"."""
    colours = SEQUENTIAL[-(len(breaks) + 1) :] if breaks else SEQUENTIAL[2:3]
    edges = [lowest, *breaks, highest]
    items = []
    for i, colour in enumerate(colours):
        lo, hi = edges[i], edges[i + 1]
        last = i == len(colours) - 1
        text = f"{number(lo, digits=digits)} to {'' if last else 'under '}{number(hi, digits=digits)}"
        items.append({"colour": colour, "text": text})
    return items


def choropleth(
    *, chart_id: str, title: str, features: list[dict[str, Any]], value_title: str, digits: int = 2
) -> tuple[Chart, list[float], list[dict[str, str]]]:
    """A map of areas coloured by value in stated classes. ``features`` are GeoJSON features whose
    properties hold ``code``, ``name`` and ``value``. Returns the chart, the breaks and the legend."""
    values = [f["properties"]["value"] for f in features if f["properties"].get("value") is not None]
    breaks = breaks_for(values)
    legend = legend_items(breaks, min(values), max(values), digits=digits) if values else []
    colours = [item["colour"] for item in legend] or [c.MID_GREY]
    spec = {
        "width": 520,
        "height": 420,
        "data": {
            "values": [{**f, "geometry": c.d3_winding(f["geometry"])} for f in features],
            "format": {"type": "json"},
        },
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": c.WHITE, "strokeWidth": 1},
        "encoding": {
            "color": {
                "field": "properties.value",
                "type": "quantitative",
                "title": value_title,
                "scale": {"type": "threshold", "domain": breaks, "range": colours}
                if breaks
                else {"range": colours[:1] * 2},
            },
            "tooltip": [
                {"field": "properties.name", "title": "Area"},
                {"field": "properties.value", "title": value_title, "format": ",.2f"},
            ],
        },
    }
    rows = [
        [
            f["properties"]["name"],
            f["properties"]["code"],
            f["properties"].get("label") or number(f["properties"].get("value"), digits=digits),
        ]
        for f in sorted(features, key=lambda f: -(f["properties"].get("value") or 0))
    ]
    ranked = [
        f["properties"]
        for f in sorted(features, key=lambda f: -(f["properties"].get("value") or 0))
        if f["properties"].get("value") is not None
    ]
    summary = (
        f"{len(features)} areas coloured by {value_title.lower()} in {len(legend)} classes with breaks at "
        + (", ".join(number(b, digits=digits) for b in breaks) or "none")
        + ". "
        + (
            f"Highest: {ranked[0]['name']} ({number(ranked[0]['value'], digits=digits)}); lowest: "
            f"{ranked[-1]['name']} ({number(ranked[-1]['value'], digits=digits)})."
            if ranked
            else "No values."
        )
    )
    hidden = sum(1 for f in features if f["properties"].get("label"))
    if hidden:
        summary += f" {hidden} area{'s' if hidden != 1 else ''} with {features_label(features)} are left uncoloured."
    chart = Chart(
        id=chart_id,
        title=title,
        spec=spec,
        summary=summary,
        table=ChartTable(f"{value_title} by area", ["Area", "Code", value_title], rows, {2}),
        enhance=False,
    )
    return chart, breaks, legend


def features_label(features: list[dict[str, Any]]) -> str:
    """The words a hidden value is shown by (the first feature's ``label``)."""
    return next((str(f["properties"]["label"]) for f in features if f["properties"].get("label")), "")
