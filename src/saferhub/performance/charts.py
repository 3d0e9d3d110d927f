"""The performance pages' charts, each a Vega-Lite specification with its summary and data table.

Built from stored summaries only (no statistics here): the numbers drawn are those in the tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from saferhub.core.codes import period_words
from saferhub.web import charts as c
from saferhub.web.charts import Chart, ChartTable, number

SPC_STYLE = {
    "common_cause": ("Common cause", c.MID_GREY, "circle"),
    "special_cause_improvement": ("Special cause: improvement", c.BLUE, "triangle-up"),
    "special_cause_concern": ("Special cause: concern", c.ORANGE, "triangle-down"),
    "special_cause_neutral": ("Special cause: neutral", c.PURPLE, "diamond"),
}
SEQUENTIAL = ["#d2e2f1", "#a5c6e2", "#5694ca", "#1d70b8", "#003078"]


def _scale(styles: dict[str, tuple[str, str, str]], keys: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    present = [k for k in styles if k in set(keys)] or list(styles)[:1]
    return ([styles[k][0] for k in present], [styles[k][1] for k in present], [styles[k][2] for k in present])


def sparkline(series: Sequence[dict[str, Any]], *, title: str) -> str:
    """A small line of the latest values for a scorecard row; its figures are in the row and the why page."""
    recent = [p for p in series if p.get("value") is not None][-24:]
    if len(recent) < 2:
        return ""
    spec = {
        "width": 110,
        "height": 28,
        "padding": 2,
        "data": {"values": [{"date": p["start"], "value": p["value"]} for p in recent]},
        "layer": [
            {
                "mark": {"type": "line", "strokeWidth": 1.5},
                "encoding": {
                    "x": {"field": "date", "type": "temporal", "axis": None},
                    "y": {"field": "value", "type": "quantitative", "axis": None, "scale": {"zero": False}},
                },
            },
            {
                "transform": [{"window": [{"op": "row_number", "as": "n"}]}, {"filter": f"datum.n == {len(recent)}"}],
                "mark": {"type": "point", "filled": True, "size": 30, "color": c.BLACK},
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "y": {"field": "value", "type": "quantitative"},
                },
            },
        ],
    }
    first, last = recent[0], recent[-1]
    label = (
        f"{title}: {len(recent)} values from {number(first['value'], digits=2)} in {period_words(first['period'])} "
        f"to {number(last['value'], digits=2)} in {period_words(last['period'])}"
    )
    return c.render_svg(spec, label=label)


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
            "series": "Recorded",
        }
        for p in history
    ]
    fc_rows = []
    if forecast:
        fc_rows = [
            {
                "date": _start_of(fp["period"]),
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
    x = {"field": "date", "type": "temporal", "title": None}
    y_title = unit or "Value"
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
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": ["Recorded", "Forecast if nothing changes"], "range": [c.BLUE, c.DARK_GREY]},
                },
                "strokeDash": {
                    "field": "series",
                    "type": "nominal",
                    "title": None,
                    "scale": {"domain": ["Recorded", "Forecast if nothing changes"], "range": [[1, 0], [6, 4]]},
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


def _start_of(label: str) -> str:
    from saferhub.core.codes import parse_period

    return parse_period(label).start.isoformat()


def spc_chart(*, title: str, spc: dict[str, Any]) -> Chart:
    points = [{**p, "date": _start_of(p["period"]), "type": SPC_STYLE[p["point_type"]][0]} for p in spc["points"]]
    labels, colours, shapes = _scale(SPC_STYLE, [p["point_type"] for p in spc["points"]])
    x = {"field": "date", "type": "temporal", "title": None}
    limit_line = {"type": "line", "interpolate": "step-after", "strokeDash": [4, 4], "color": c.DARK_GREY}
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "interpolate": "step-after", "color": c.BLACK, "strokeWidth": 1},
            "encoding": {"x": x, "y": {"field": "mean", "type": "quantitative"}},
        },
        {"mark": limit_line, "encoding": {"x": x, "y": {"field": "upper_limit", "type": "quantitative"}}},
        {"mark": limit_line, "encoding": {"x": x, "y": {"field": "lower_limit", "type": "quantitative"}}},
        {
            "mark": {"type": "line", "color": c.DARK_GREY, "strokeWidth": 1.5},
            "encoding": {
                "x": x,
                "y": {"field": "value", "type": "quantitative", "title": "Value", "scale": {"zero": False}},
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
    summary = (
        f"{len(points)} points. Latest segment from {spc['segment_start']}: mean {number(spc['mean'], digits=2)}, "
        f"process limits {number(spc['lower_limit'], digits=2)} to {number(spc['upper_limit'], digits=2)}"
        + (" (trial limits)" if spc.get("trial_limits") else "")
        + ". "
        + (
            "The latest point shows " + " and ".join(spc["rules_fired"]) + "."
            if spc["rules_fired"]
            else "The latest point shows common-cause variation."
        )
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
    labels, colours, shapes = _scale(c.OUTCOME_STYLE, [r["outcome_95"] for r in rows])
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
    labels, colours, shapes = _scale(FUNNEL_STYLE, [u["outcome"] for u in funnel["units"]])
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


def spine_chart(*, rows: list[dict[str, Any]], area_name: str, benchmark_name: str) -> Chart:
    """Fingertips-style: each indicator's range across the areas, centred on the benchmark, worse to
    the left and better to the right (lowest to highest where there is no judgement)."""
    data = []
    for r in rows:
        data.append({k: r[k] for k in ("indicator", "x_min", "x_q1", "x_q3", "x_max", "x_area", "outcome_label")})
    labels, colours, shapes = _scale(c.OUTCOME_STYLE, [r["outcome"] for r in rows])
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
                        "title": f"Compared with {benchmark_name}",
                        "scale": {"domain": labels, "range": colours},
                    },
                    "shape": {
                        "field": "outcome_label",
                        "type": "nominal",
                        "title": f"Compared with {benchmark_name}",
                        "scale": {"domain": labels, "range": shapes},
                    },
                    "tooltip": [{"field": "indicator"}, {"field": "outcome_label", "title": "Compared"}],
                },
            },
        ],
    }
    table_rows = [
        [
            r["indicator"],
            r["period"],
            r["area_value"],
            r["benchmark_value"],
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
        f"{area_name} on {len(rows)} indicators against {benchmark_name} (the centre line). Grey bars show the "
        "range across the areas (dark: the middle half); worse is to the left, better to the right. "
        + ", ".join(f"{n} {k.lower()}" for k, n in counts.items())
        + "."
    )
    return Chart(
        id="spine",
        title=f"{area_name} compared with {benchmark_name}",
        spec=spec,
        summary=summary,
        table=ChartTable(
            "Each indicator for the area, the benchmark and the range across areas",
            [
                "Indicator",
                "Period",
                area_name,
                benchmark_name,
                "Compared",
                "Worst or lowest",
                "Middle half",
                "Best or highest",
            ],
            table_rows,
            {2, 3, 5, 7},
        ),
    )


def heatmap(
    *,
    chart_id: str,
    title: str,
    cells: list[dict[str, Any]],
    types: list[str],
    periods: list[str],
    hidden_totals: frozenset[str] = frozenset(),
) -> Chart:
    """Counts by type (rows) and month (columns), each cell labelled with its count. A cell may carry a
    ``label`` shown instead of its count (a suppressed cell has ``count`` None and a label such as
    "fewer than 5"); ``hidden_totals`` are types whose total may not be stated."""
    cells = [
        {
            **x,
            "label": x.get("label") or number(x.get("count")),
            # a cell is 46 pixels wide: a hidden count reads "<5" there, in full in the tooltip and table
            "short": "<5" if x.get("count") is None and x.get("label") else number(x.get("count")),
        }
        for x in cells
    ]
    spec = {
        "width": {"step": 46},
        "height": {"step": 22},
        "data": {"values": cells},
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "title": None, "sort": periods},
            "y": {"field": "type", "type": "nominal", "title": None, "sort": types, "axis": {"labelLimit": 260}},
        },
        "layer": [
            {
                "mark": {"type": "rect", "stroke": c.WHITE},
                "encoding": {
                    "color": {
                        "field": "count",
                        "type": "quantitative",
                        "title": "Count",
                        "scale": {"range": [SEQUENTIAL[0], SEQUENTIAL[-1]]},
                        "legend": None,
                    },
                    "tooltip": [{"field": "type"}, {"field": "period"}, {"field": "label", "title": "count"}],
                },
            },
            {
                "mark": {"type": "text", "fontSize": 11},
                "encoding": {
                    "text": {"field": "short", "type": "nominal"},
                    "color": {
                        "condition": {"test": f"datum.count > {_dark_threshold(cells)}", "value": c.WHITE},
                        "value": c.BLACK,
                    },
                },
            },
        ],
    }
    lookup = {(x["type"], x["period"]): x["count"] for x in cells}
    shown = {(x["type"], x["period"]): x["label"] for x in cells}
    rows = [[t, *[shown.get((t, p), number(None)) for p in periods]] for t in types]
    totals = {t: sum(lookup.get((t, p)) or 0 for p in periods) for t in types if t not in hidden_totals}
    top = sorted(totals.items(), key=lambda kv: -kv[1])[:3]
    summary = (
        (
            f"{len(types)} types over {len(periods)} periods ({periods[0]} to {periods[-1]}). Largest in total: "
            + ", ".join(f"{t} ({number(n)})" for t, n in top)
            + "."
        )
        if periods and types
        else "No records."
    )
    return Chart(
        id=chart_id,
        title=title,
        spec=spec,
        summary=summary,
        table=ChartTable(title, ["Type", *periods], rows, set(range(1, len(periods) + 1))),
    )


def _dark_threshold(cells: list[dict[str, Any]]) -> float:
    """Counts above the middle of the colour scale are drawn on dark cells: their labels are white."""
    counts = [x["count"] for x in cells if x.get("count") is not None]
    return (min(counts) + (max(counts) - min(counts)) * 0.5) if counts else 0
