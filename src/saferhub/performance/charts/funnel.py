"""The funnel plot: each area's value against exact limits around the pooled value."""

from __future__ import annotations

from typing import Any

from saferhub.core import charts as c
from saferhub.core.charts import Chart, ChartTable, number
from saferhub.performance.charts.common import scale

FUNNEL_WORDS = {
    "above_99.8": "Above the 99.8% limit",
    "above_95": "Above the 95% limit",
    "within": "Within the limits",
    "below_95": "Below the 95% limit",
    "below_99.8": "Below the 99.8% limit",
}
FUNNEL_STYLE = {
    "above_99.8": (FUNNEL_WORDS["above_99.8"], c.RED, "triangle-up"),
    "above_95": (FUNNEL_WORDS["above_95"], c.ORANGE, "triangle-up"),
    "within": (FUNNEL_WORDS["within"], c.MID_GREY, "circle"),
    "below_95": (FUNNEL_WORDS["below_95"], c.LIGHT_BLUE, "triangle-down"),
    "below_99.8": (FUNNEL_WORDS["below_99.8"], c.BLUE, "triangle-down"),
}


def funnel_plot(*, title: str, funnel: dict[str, Any], period: str) -> Chart:
    units = [{**u, "where": FUNNEL_WORDS.get(u["outcome"], u["outcome"])} for u in funnel["units"]]
    curve = []
    for point in funnel["curve"]:
        for key, label in (
            ("lower_95", "95% limits"),
            ("upper_95", "95% limits "),
            ("lower_998", "99.8% limits"),
            ("upper_998", "99.8% limits "),
        ):
            curve.append({"denominator": point["denominator"], "limit": point[key], "line": label})
    labels, colours, shapes = scale(FUNNEL_STYLE, [u["outcome"] for u in funnel["units"]])
    x = {"field": "denominator", "type": "quantitative", "title": "Population (denominator)"}
    spec = {
        "width": 560,
        "height": 300,
        "layer": [
            {
                "data": {"values": curve},
                "mark": {"type": "line", "color": c.DARK_GREY, "strokeWidth": 1},
                "encoding": {
                    "x": x,
                    "y": {"field": "limit", "type": "quantitative", "title": "Value", "scale": {"zero": False}},
                    "detail": {"field": "line"},
                    "strokeDash": {
                        "field": "line",
                        "type": "nominal",
                        "legend": None,
                        "scale": {
                            "domain": ["95% limits", "95% limits ", "99.8% limits", "99.8% limits "],
                            "range": [[6, 3], [6, 3], [1, 0], [1, 0]],
                        },
                    },
                },
            },
            {
                "data": {"values": [{"b": funnel["baseline"]}]},
                "mark": {"type": "rule", "color": c.BLACK},
                "encoding": {"y": {"field": "b", "type": "quantitative"}},
            },
            {
                "data": {"values": units},
                "mark": {"type": "point", "filled": True, "size": 90, "stroke": c.BLACK, "strokeWidth": 1},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "color": {
                        "field": "where",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": labels, "range": colours},
                    },
                    "shape": {
                        "field": "where",
                        "type": "nominal",
                        "title": None,
                        "scale": {"domain": labels, "range": shapes},
                    },
                    "tooltip": [{"field": "name"}, {"field": "value", "format": ",.2f"}, {"field": "where"}],
                },
            },
        ],
    }
    rows = [
        [u["name"], number(u["numerator"]), number(u["denominator"]), number(u["value"], digits=2), u["where"]]
        for u in units
    ]
    outside = [u["name"] for u in units if u["outcome"] != "within"]
    summary = (
        f"Funnel plot for {period}: each area's value against control limits around the pooled value "
        f"{number(funnel['baseline'], digits=2)} ({funnel['method']}). "
        + (f"Outside the 95% limits: {', '.join(outside)}." if outside else "Every area lies within the limits.")
    )
    return Chart(
        id="funnel",
        title=f"{title}: funnel plot, {period}",
        spec=spec,
        summary=summary,
        table=ChartTable(
            "Areas on the funnel plot", ["Area", "Numerator", "Denominator", "Value", "Position"], rows, {1, 2, 3}
        ),
    )
