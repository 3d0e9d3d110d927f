"""The turn-the-curve chart: recorded values, the forecast if nothing changes, and the ambitions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from saferhub.core import charts as c
from saferhub.core.charts import Chart, ChartTable, number
from saferhub.core.codes import period_words
from saferhub.performance.charts.common import start_of, time_axis, with_stretches


def turn_the_curve(
    *,
    title: str,
    series: Sequence[dict[str, Any]],
    forecast: dict[str, Any] | None,
    targets: Sequence[dict[str, Any]],
    unit: str,
) -> Chart:
    history = [p for p in series if p.get("value") is not None]
    hist_rows = [
        {
            "date": p["start"],
            "period": p["period"],
            "value": p["value"],
            "lower": p.get("lower_95"),
            "upper": p.get("upper_95"),
            "series": "Proxy from police.uk" if p.get("basis") == "proxy" else "Recorded",
            "basis": p.get("basis", ""),
        }
        for p in history
    ]
    hist_rows = with_stretches(hist_rows)
    fc_rows = []
    if forecast:
        fc_rows = [
            {
                "date": start_of(fp["period"]),
                "period": fp["period"],
                "value": fp["value"],
                "lower": fp["lower"],
                "upper": fp["upper"],
                "series": "Forecast if nothing changes",
            }
            for fp in forecast["points"]
        ]
        if history:  # join the forecast line to the last recorded value
            fc_rows.insert(
                0,
                {
                    **hist_rows[-1],
                    "series": "Forecast if nothing changes",
                    "lower": hist_rows[-1]["value"],
                    "upper": hist_rows[-1]["value"],
                },
            )
    target_rows = [
        {"date": t["due"], "value": t.get("ambition", t.get("value")), "label": t["wording"][:60]}
        for t in targets
        if t.get("due") and t.get("ambition", t.get("value")) is not None
    ]
    x = time_axis([r["period"] for r in hist_rows])
    last_stretch = hist_rows[-1]["stretch"] if hist_rows else 0
    fc_rows = [{**r, "stretch": last_stretch} for r in fc_rows]
    y_title = unit or "Value"
    styles = [("Recorded", c.BLUE, [1, 0])]
    if any(r["basis"] == "proxy" for r in hist_rows):
        styles.append(("Proxy from police.uk", c.PURPLE, [2, 2]))
    styles.append(("Forecast if nothing changes", c.DARK_GREY, [6, 4]))
    layers: list[dict[str, Any]] = []
    if fc_rows:
        layers.append(
            {
                "data": {"values": fc_rows},
                "mark": {"type": "area", "opacity": 0.3, "color": c.MID_GREY},
                "encoding": {
                    "x": x,
                    "y": {"field": "lower", "type": "quantitative", "title": y_title},
                    "y2": {"field": "upper"},
                },
            }
        )
    layers.append(
        {
            "data": {"values": hist_rows + fc_rows},
            "mark": {"type": "line", "point": {"filled": True, "size": 30}},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative", "title": y_title, "scale": {"zero": False}},
                "detail": {"field": "stretch", "type": "nominal"},  # a gap in the data is a gap in the line
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": [s for s, _, _ in styles], "range": [colour for _, colour, _ in styles]},
                },
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": [s for s, _, _ in styles], "range": [dash for _, _, dash in styles]},
                },
                "tooltip": [
                    {"field": "period", "title": "Period"},
                    {"field": "value", "format": ",.2f", "title": "Value"},
                    {"field": "lower", "format": ",.2f", "title": "Lower"},
                    {"field": "upper", "format": ",.2f", "title": "Upper"},
                ],
            },
        }
    )
    if target_rows:
        layers.append(
            {
                "data": {"values": target_rows},
                "mark": {"type": "point", "shape": "cross", "size": 160, "filled": True, "color": c.BLACK},
                "encoding": {
                    "x": x,
                    "y": {"field": "value", "type": "quantitative"},
                    "tooltip": [{"field": "label", "title": "Ambition"}],
                },
            }
        )
    spec = {"width": "container", "height": 280, "layer": layers, "autosize": {"type": "fit-x", "contains": "padding"}}
    spec["width"] = 640
    spec.pop("autosize")
    rows: list[list[Any]] = [
        [
            period_words(r["period"]),
            "Recorded",
            number(r["value"], digits=2),
            number(r["lower"], digits=2),
            number(r["upper"], digits=2),
        ]
        for r in hist_rows
    ]
    rows += [
        [
            period_words(r["period"]),
            "Forecast",
            number(r["value"], digits=2),
            number(r["lower"], digits=2),
            number(r["upper"], digits=2),
        ]
        for r in (fc_rows[1:] if history else fc_rows)
    ]
    rows += [[t["date"], "Ambition", number(t["value"], digits=2), "", ""] for t in target_rows]
    if history:
        summary = (
            f"{len(history)} recorded values from {period_words(history[0]['period'])} "
            f"to {period_words(history[-1]['period'])}; "
            f"the latest is {number(history[-1]['value'], digits=2)}."
        )
    else:
        summary = "No recorded values."
    if forecast:
        end = forecast["points"][-1]
        summary += (
            f" If nothing changes the forecast for {period_words(end['period'])} is {number(end['value'], digits=2)} "
            f"({number(end['lower'], digits=2)} to {number(end['upper'], digits=2)}, "
            f"{forecast['confidence'] * 100:g}% prediction interval; {forecast['method']})."
        )
    if target_rows:
        summary += (
            " Ambitions: "
            + "; ".join(f"{t['label']} ({number(t['value'], digits=2)} by {t['date']})" for t in target_rows)
            + "."
        )
    return Chart(
        id="turn-the-curve",
        title=f"{title}: the curve to turn",
        spec=spec,
        summary=summary,
        table=ChartTable(
            "Recorded values, forecast and ambitions",
            ["Period", "Series", "Value", "Lower limit", "Upper limit"],
            rows,
            {2, 3, 4},
        ),
    )
