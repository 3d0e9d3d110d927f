"""Counts by type and month, each cell labelled."""

from __future__ import annotations

from typing import Any

from saferhub.core import charts as c
from saferhub.core.charts import Chart, ChartTable, number
from saferhub.core.codes import parse_period, period_words
from saferhub.core.errors import ValidationProblem
from saferhub.performance.charts.common import SEQUENTIAL


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
    short_period = {p: _short(p) for p in periods}
    cells = [
        {
            **x,
            "when": short_period.get(x["period"], x["period"]),
            "label": x.get("label") or number(x.get("count")),
            # a cell is 46 pixels wide: a hidden count reads "<5" there, in full in the tooltip and table
            "short": "<5" if x.get("count") is None and x.get("label") else number(x.get("count")),
        }
        for x in cells
    ]
    spec = {
        "width": {"step": 62},
        "height": {"step": 22},
        "data": {"values": cells},
        "encoding": {
            "x": {
                "field": "when",
                "type": "ordinal",
                "title": None,
                "sort": [short_period[p] for p in periods],
                "axis": {"labelAngle": 0},
            },
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
                    "tooltip": [
                        {"field": "type"},
                        {"field": "when", "title": "month"},
                        {"field": "label", "title": "count"},
                    ],
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
            f"{len(types)} type{'' if len(types) == 1 else 's'} over {len(periods)} "
            f"period{'' if len(periods) == 1 else 's'} ({period_words(periods[0])} to {period_words(periods[-1])}). "
            "Largest in total: " + ", ".join(f"{t} ({number(n)})" for t, n in top) + "."
        )
        if periods and types
        else "No records."
    )
    return Chart(
        id=chart_id,
        title=title,
        spec=spec,
        summary=summary,
        table=ChartTable(title, ["Type", *[period_words(p) for p in periods]], rows, set(range(1, len(periods) + 1))),
    )


def _short(label: str) -> str:
    """A month as "Mar 2024" (46 pixels of column hold it); other periods in words."""
    try:
        period = parse_period(label)
    except ValidationProblem:  # a label the hub did not write is shown as it is
        return label
    return period.start.strftime("%b %Y") if period.kind == "month" else period_words(label)


def _dark_threshold(cells: list[dict[str, Any]]) -> float:
    """Counts above the middle of the colour scale are drawn on dark cells: their labels are white."""
    counts = [x["count"] for x in cells if x.get("count") is not None]
    return (min(counts) + (max(counts) - min(counts)) * 0.5) if counts else 0
