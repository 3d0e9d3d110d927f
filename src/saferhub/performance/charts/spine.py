"""The district profile's spine chart (Fingertips style)."""

from __future__ import annotations

from typing import Any

from saferhub.core import charts as c
from saferhub.core.charts import Chart, ChartTable
from saferhub.performance.charts.common import scale


def spine_chart(*, rows: list[dict[str, Any]], area_name: str, benchmark_name: str) -> Chart:
    """Fingertips-style: each indicator's range across the most similar group (``benchmark_name``),
    centred on the group's value, worse to the left and better to the right (lowest to highest where
    there is no judgement); the marker's colour is the area against its own benchmark."""
    data = []
    for r in rows:
        item = {k: r[k] for k in ("indicator", "x_min", "x_q1", "x_q3", "x_max", "x_area", "outcome_label")}
        data.append({**item, "indicator": r["indicator"] + (" per 1,000" if r["per_1000"] else "")})
    labels, colours, shapes = scale(c.OUTCOME_STYLE, [r["outcome"] for r in rows])
    y = {"field": "indicator", "type": "nominal", "title": None, "sort": None, "axis": {"labelLimit": 260}}
    xs = {"type": "quantitative", "scale": {"domain": [0, 1]}, "axis": None}
    spec = {
        "width": 420,
        "height": {"step": 28},
        "data": {"values": data},
        "layer": [
            {
                "mark": {"type": "bar", "color": c.MID_GREY, "height": 14},
                "encoding": {"y": y, "x": {"field": "x_min", **xs}, "x2": {"field": "x_max"}},
            },
            {
                "mark": {"type": "bar", "color": c.DARK_GREY, "height": 14},
                "encoding": {"y": y, "x": {"field": "x_q1", **xs}, "x2": {"field": "x_q3"}},
            },
            {
                "data": {"values": [{"x": 0.5}]},
                "mark": {"type": "rule", "color": c.BLACK, "strokeWidth": 2},
                "encoding": {"x": {"field": "x", **xs}},
            },
            {
                "mark": {"type": "point", "filled": True, "size": 110, "stroke": c.BLACK, "strokeWidth": 1},
                "encoding": {
                    "y": y,
                    "x": {"field": "x_area", **xs},
                    "color": {
                        "field": "outcome_label",
                        "type": "nominal",
                        "title": "Against benchmark",
                        "scale": {"domain": labels, "range": colours},
                    },
                    "shape": {
                        "field": "outcome_label",
                        "type": "nominal",
                        "title": "Against benchmark",
                        "scale": {"domain": labels, "range": shapes},
                    },
                    "tooltip": [{"field": "indicator"}, {"field": "outcome_label", "title": "Compared"}],
                },
            },
        ],
    }
    table_rows = [
        [
            r["indicator"] + (" (per 1,000 people)" if r["per_1000"] else ""),
            r["period"],
            r["area_compared"],
            r["group_value"],
            r.get("england_value", "–"),
            r["outcome_label"],
            r["worst"],
            r["range"],
            r["best"],
        ]
        for r in rows
    ]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["outcome_label"]] = counts.get(r["outcome_label"], 0) + 1
    summary = (
        f"{area_name} on {len(rows)} indicators against {benchmark_name}: the centre line is the group's value, "
        "grey bars show the range across its areas (dark: the middle half); worse is to the left, better to "
        "the right. Counts are compared per 1,000 people. "
        + ", ".join(f"{n} {k.lower()}" for k, n in counts.items())
        + "."
    )
    return Chart(
        id="spine",
        title=f"{area_name} compared with {benchmark_name}",
        spec=spec,
        summary=summary,
        table=ChartTable(
            "Each indicator for the area, its most similar group's value and range, and England's value",
            [
                "Indicator",
                "Period",
                area_name,
                "Group value",
                "England or Wales",
                "Compared with benchmark",
                "Worst or lowest",
                "Middle half",
                "Best or highest",
            ],
            table_rows,
            {2, 3, 4, 6, 8},
        ),
    )
