"""The XmR chart: values, the mean and the process limits, each point shaped by its variation."""

from __future__ import annotations

from typing import Any

from saferhub.core import charts as c
from saferhub.core.charts import Chart, ChartTable, number
from saferhub.core.codes import period_words
from saferhub.performance.charts.common import SPC_STYLE, scale, start_of, time_axis, with_stretches


def spc_chart(*, title: str, spc: dict[str, Any]) -> Chart:
    points = with_stretches(
        [{**p, "date": start_of(p["period"]), "type": SPC_STYLE[p["point_type"]][0]} for p in spc["points"]]
    )
    labels, colours, shapes = scale(SPC_STYLE, [p["point_type"] for p in spc["points"]])
    x = time_axis([p["period"] for p in points])
    gap = {"detail": {"field": "stretch", "type": "nominal"}}  # lines and limits stop at a gap in the data
    limit_line = {"type": "line", "interpolate": "step-after", "strokeDash": [4, 4], "color": c.DARK_GREY}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "interpolate": "step-after", "color": c.BLACK, "strokeWidth": 1},
            "encoding": {"x": x, "y": {"field": "mean", "type": "quantitative"}, **gap},
        },
        {"mark": limit_line, "encoding": {"x": x, "y": {"field": "upper_limit", "type": "quantitative"}, **gap}},
        {"mark": limit_line, "encoding": {"x": x, "y": {"field": "lower_limit", "type": "quantitative"}, **gap}},
        {
            "mark": {"type": "line", "color": c.DARK_GREY, "strokeWidth": 1.5},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative", "title": "Value", "scale": {"zero": False}},
                **gap,
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 70, "stroke": c.BLACK, "strokeWidth": 1},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative"},
                "color": {
                    "field": "type",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": labels, "range": colours},
                },
                "shape": {
                    "field": "type",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": labels, "range": shapes},
                },
                "tooltip": [
                    {"field": "period", "title": "Period"},
                    {"field": "value", "format": ",.2f", "title": "Value"},
                    {"field": "type", "title": "Point"},
                ],
            },
        },
    ]
    if spc.get("target") is not None:
        layers.append(
            {
                "data": {"values": [{"target": spc["target"]}]},
                "mark": {"type": "rule", "color": c.RED, "strokeDash": [8, 3], "strokeWidth": 2},
                "encoding": {"y": {"field": "target", "type": "quantitative"}},
            }
        )
    spec = {"width": 640, "height": 260, "data": {"values": points}, "layer": layers}
    rows = [
        [
            period_words(p["period"]),
            number(p["value"], digits=2),
            number(p["mean"], digits=2),
            number(p["lower_limit"], digits=2),
            number(p["upper_limit"], digits=2),
            p["type"],
        ]
        for p in points
    ]
    fired = (
        "The latest point shows " + " and ".join(spc["rules_fired"]) + "."
        if spc["rules_fired"]
        else "The latest point shows common-cause variation."
    )
    if spc.get("withheld"):
        summary = f"{len(points)} points. {spc['withheld']} {fired}"
    else:
        summary = (
            f"{len(points)} points. Latest segment from {spc['segment_start']}: mean {number(spc['mean'], digits=2)}, "
            f"process limits {number(spc['lower_limit'], digits=2)} to {number(spc['upper_limit'], digits=2)}"
            + (" (trial limits)" if spc.get("trial_limits") else "")
            + ". "
            + fired
        )
    return Chart(
        id="spc",
        title=f"{title}: statistical process control (XmR)",
        spec=spec,
        summary=summary,
        table=ChartTable(
            "Values with the mean and process limits",
            ["Period", "Value", "Mean", "Lower limit", "Upper limit", "Point"],
            rows,
            {1, 2, 3, 4},
        ),
    )
