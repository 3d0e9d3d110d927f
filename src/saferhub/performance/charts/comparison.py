"""Areas compared with their benchmark: each value with its 95% interval."""

from __future__ import annotations

from typing import Any

from saferhub.core import charts as c
from saferhub.core.charts import Chart, ChartTable, number
from saferhub.core.codes import period_words
from saferhub.performance.charts.common import scale


def comparison_bars(*, title: str, districts: dict[str, Any], highlight: str | None = None) -> Chart:
    rows = districts["rows"]
    bench = districts["benchmark"]
    data = [
        {
            "name": r["name"],
            "value": r["value"],
            "lower": r["lower_95"],
            "upper": r["upper_95"],
            "outcome": c.OUTCOME_STYLE.get(r["outcome_95"], c.OUTCOME_STYLE["not_compared"])[0],
            "selected": r["code"] == highlight,
        }
        for r in rows
    ]
    labels, colours, shapes = scale(c.OUTCOME_STYLE, [r["outcome_95"] for r in rows])
    y = {"field": "name", "type": "nominal", "title": None, "sort": {"field": "value", "order": "descending"}}
    spec = {
        "width": 560,
        "height": {"step": 22},
        "data": {"values": data},
        "layer": [
            {
                "mark": {"type": "rule", "color": c.BLACK, "strokeWidth": 2},
                "encoding": {
                    "y": y,
                    "x": {
                        "field": "lower",
                        "type": "quantitative",
                        "title": "Value with 95% interval",
                        "scale": {"zero": False},
                    },
                    "x2": {"field": "upper"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 90, "stroke": c.BLACK, "strokeWidth": 1},
                "encoding": {
                    "y": y,
                    "x": {"field": "value", "type": "quantitative"},
                    "color": {
                        "field": "outcome",
                        "type": "nominal",
                        "title": f"Compared with {bench['name']}",
                        "scale": {"domain": labels, "range": colours},
                    },
                    "shape": {
                        "field": "outcome",
                        "type": "nominal",
                        "title": f"Compared with {bench['name']}",
                        "scale": {"domain": labels, "range": shapes},
                    },
                    "tooltip": [
                        {"field": "name"},
                        {"field": "value", "format": ",.2f"},
                        {"field": "lower", "format": ",.2f"},
                        {"field": "upper", "format": ",.2f"},
                        {"field": "outcome"},
                    ],
                },
            },
            {
                "data": {"values": [{"b": bench["value"]}]},
                "mark": {"type": "rule", "color": c.BLACK, "strokeDash": [6, 3], "strokeWidth": 2},
                "encoding": {"x": {"field": "b", "type": "quantitative"}},
            },
        ],
    }
    table_rows = [
        [
            r["name"],
            number(r["value"], digits=2),
            number(r["lower_95"], digits=2),
            number(r["upper_95"], digits=2),
            c.OUTCOME_STYLE.get(r["outcome_95"], c.OUTCOME_STYLE["not_compared"])[0],
        ]
        for r in sorted(rows, key=lambda r: -(r["value"] or 0))
    ]
    counts = {k: sum(1 for r in rows if r["outcome_95"] == k) for k in c.OUTCOME_STYLE}
    summary = (
        f"{len(rows)} areas in {period_words(districts['period'])} compared with {bench['name']} "
        f"({number(bench['value'], digits=2)}, dashed line) by their 95% confidence intervals: "
        + ", ".join(f"{n} {c.OUTCOME_STYLE[k][0].lower()}" for k, n in counts.items() if n)
        + "."
    )
    return Chart(
        id="compare-districts",
        title=f"{title}: areas compared, {period_words(districts['period'])}",
        spec=spec,
        summary=summary,
        table=ChartTable(
            f"Areas compared with {bench['name']}",
            ["Area", "Value", "Lower 95%", "Upper 95%", "Compared"],
            table_rows,
            {1, 2, 3},
        ),
    )
