"""The scorecard's small line of recent values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from saferhub.core import charts as c
from saferhub.core.charts import number
from saferhub.core.codes import period_words


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
