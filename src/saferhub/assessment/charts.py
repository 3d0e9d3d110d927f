"""The hot and cold spot map: a Vega-Lite geoshape rendered to SVG on the server (the same chart for
the page and a PDF), and the GeoJSON and legend that ``performance/maps.js`` draws with Leaflet.

Classes are coloured and named: the legend lists them in words with their counts, the tooltip
and the table beside the map say each LSOA's class, so colour is never the only cue.
"""

from __future__ import annotations

from typing import Any

from saferhub.assessment.hotspots import COLD, HOT, NOT_SIGNIFICANT, NOT_TESTED
from saferhub.core import charts as c
from saferhub.core.charts import Chart, ChartTable

# Order on the map's scale: Leaflet colours by class index against breaks 1, 2, 3.
CLASSES: tuple[tuple[str, str, str], ...] = (
    (COLD, "Cold spot", c.BLUE),
    (NOT_TESTED, "Not tested (no neighbours)", c.WHITE),
    (NOT_SIGNIFICANT, "Not significant", c.LIGHT_GREY),
    (HOT, "Hot spot", c.RED),
)
CLASS_LABEL = {key: label for key, label, _ in CLASSES}
CLASS_INDEX = {key: i for i, (key, _, _) in enumerate(CLASSES)}


def feature(*, code: str, name: str, geometry: dict[str, Any], cls: str, detail: str = "") -> dict[str, Any]:
    """A GeoJSON feature as the map and Leaflet read it: ``value`` is the class's place on the scale,
    ``label`` its name (Leaflet's tooltip shows the label, never the index)."""
    label = CLASS_LABEL[cls] + (f" ({detail})" if detail else "")
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"code": code, "name": name, "value": CLASS_INDEX[cls], "label": label, "class": cls},
    }


def hotspot_map(*, chart_id: str, title: str, features: list[dict[str, Any]]) -> dict[str, Any]:
    """What ``assessment/_hotspot_map.html`` needs: the SVG chart, the legend in words and for
    Leaflet, and the GeoJSON."""
    present = {f["properties"]["class"] for f in features}
    counts = {key: sum(1 for f in features if f["properties"]["class"] == key) for key, _, _ in CLASSES}
    shown = [(key, label, colour) for key, label, colour in CLASSES if key in present]
    spec = {
        "width": 520,
        "height": 460,
        "data": {
            "values": [{**f, "geometry": c.d3_winding(f["geometry"])} for f in features],
            "format": {"type": "json"},
        },
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": c.DARK_GREY, "strokeWidth": 0.6},
        "encoding": {
            "color": {
                "field": "properties.class",
                "type": "nominal",
                "title": "Class",
                "scale": {"domain": [k for k, _, _ in shown], "range": [col for _, _, col in shown]},
                "legend": None,
            },
            "tooltip": [
                {"field": "properties.name", "title": "LSOA"},
                {"field": "properties.label", "title": "Class"},
            ],
        },
    }
    rows = [
        [f["properties"]["name"], f["properties"]["code"], f["properties"]["label"]]
        for f in sorted(features, key=lambda f: (-CLASS_INDEX[f["properties"]["class"]], f["properties"]["name"]))
    ]
    summary = (
        f"{len(features)} LSOAs: "
        + "; ".join(f"{counts[key]} {label.lower()}" for key, label, _ in reversed(CLASSES) if counts[key])
        + "."
    )
    chart = Chart(
        id=chart_id,
        title=title,
        spec=spec,
        summary=summary,
        table=ChartTable("Class of each LSOA", ["LSOA", "Code", "Class"], rows),
        enhance=False,
    )
    legend = [{"colour": colour, "text": f"{label}: {counts[key]}"} for key, label, colour in reversed(CLASSES)]
    return {
        "id": chart_id,
        "chart": chart,
        "legend": legend,
        "geojson": {"type": "FeatureCollection", "features": features},
        "geojson_id": f"{chart_id}-geojson",
        "legend_id": f"{chart_id}-legend-data",
        "leaflet_legend": {"breaks": [1, 2, 3], "colours": [colour for _, _, colour in CLASSES], "digits": 0},
    }
