"""Charts: one Vega-Lite specification per chart, rendered to SVG on the server.

The SVG makes the page work without JavaScript and lets the same chart go into a PDF; where
JavaScript runs, ``static/saferhub/charts.js`` hands the same specification to vega-embed for
tooltips. Every chart carries a text summary and a table of its data, shown beside it by the
``web/components/chart.html`` template. Rendering is cached by the specification's hash (Django's
cache), because the same figures are drawn again and again until a refresh changes them.

Colours come from the GOV.UK palette; marks that say better/worse also differ in shape and carry a
dark outline, so colour is never the only cue (WCAG 2.2, 1.4.1 and 1.4.11).
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django.core.cache import cache

from saferhub.core.exports import csv_text

# GOV.UK Design System colour palette.
BLACK = "#0b0c0c"
DARK_GREY = "#505a5f"
MID_GREY = "#b1b4b6"
LIGHT_GREY = "#f3f2f1"
BLUE = "#1d70b8"
LIGHT_BLUE = "#5694ca"
GREEN = "#00703c"
RED = "#d4351c"
YELLOW = "#ffdd00"
ORANGE = "#f47738"
PURPLE = "#4c2c92"
WHITE = "#ffffff"

FONT = '"GDS Transport", arial, sans-serif'

# Comparison outcomes: colour and shape (never colour alone).
OUTCOME_STYLE: dict[str, tuple[str, str, str]] = {
    # outcome: (label, colour, Vega shape)
    "better": ("Better", GREEN, "triangle-up"),
    "similar": ("Similar", YELLOW, "circle"),
    "worse": ("Worse", RED, "triangle-down"),
    "higher": ("Higher", LIGHT_BLUE, "diamond"),
    "lower": ("Lower", BLUE, "diamond"),
    "not_compared": ("Not compared", WHITE, "square"),
}

SVG_CACHE_SECONDS = 60 * 60 * 24
_SVG_OPEN = re.compile(r"<svg\b([^>]*)>", re.IGNORECASE)
# Vega writes ARIA roles on its groups; inside a chart whose root is role="img" they only confuse.
_INNER_ARIA = re.compile(r'\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"')


def base_config() -> dict[str, Any]:
    """Vega-Lite config shared by every chart: GOV.UK type and colours, no ARIA noise inside the SVG
    (the figure has its own accessible name, summary and table)."""
    return {
        "font": FONT,
        "background": WHITE,
        "aria": False,
        "view": {"stroke": None},
        "axis": {
            "labelColor": BLACK,
            "titleColor": BLACK,
            "labelFontSize": 13,
            "titleFontSize": 14,
            "titleFontWeight": "normal",
            "gridColor": LIGHT_GREY,
            "domainColor": DARK_GREY,
            "tickColor": DARK_GREY,
        },
        "legend": {
            "labelColor": BLACK,
            "titleColor": BLACK,
            "labelFontSize": 13,
            "titleFontSize": 14,
            "orient": "bottom",
        },
        "title": {"color": BLACK, "fontSize": 16},
        "line": {"color": BLUE, "strokeWidth": 2},
        "point": {"color": BLUE, "stroke": BLACK, "strokeWidth": 1, "filled": True},
        "bar": {"color": BLUE},
    }


def with_config(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with the schema and the shared config (the spec's own config wins)."""
    config = base_config()
    config.update(spec.get("config", {}))
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", **spec, "config": config}


def spec_key(spec: dict[str, Any]) -> str:
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_svg(spec: dict[str, Any], *, label: str) -> str:
    """Render a Vega-Lite spec to SVG (cached by the spec's hash). The root element is given
    ``role="img"`` and ``label`` as its accessible name."""
    import vl_convert

    full = with_config(spec)
    key = "saferhub:chart:" + spec_key(full)
    svg = cache.get(key)
    if svg is None:
        svg = vl_convert.vegalite_to_svg(full)
        cache.set(key, svg, SVG_CACHE_SECONDS)
    return label_svg(svg, label)


def render_vega_svg(spec: dict[str, Any], *, label: str) -> str:
    """Render a full Vega spec (for layouts Vega-Lite has not, such as trees) to SVG, cached by the
    spec's hash, with the same accessible name as ``render_svg``."""
    import vl_convert

    full = {"$schema": "https://vega.github.io/schema/vega/v5.json", "background": WHITE, **spec}
    key = "saferhub:vega:" + spec_key(full)
    svg = cache.get(key)
    if svg is None:
        svg = vl_convert.vega_to_svg(full)
        cache.set(key, svg, SVG_CACHE_SECONDS)
    return label_svg(svg, label)


def label_svg(svg: str, label: str) -> str:
    """Give the root ``<svg>`` an accessible name; the chart's table and summary say the rest."""
    attrs = f' role="img" aria-label="{html.escape(label, quote=True)}" focusable="false"'
    return _SVG_OPEN.sub(lambda m: f"<svg{m.group(1)}{attrs}>", _INNER_ARIA.sub("", svg), count=1)


@dataclass
class ChartTable:
    """The chart's data as a table: the accessible equivalent of the picture."""

    caption: str
    columns: list[str]
    rows: list[list[Any]]
    numeric: set[int] = field(default_factory=set)  # column indexes aligned right

    @property
    def csv_uri(self) -> str:
        """The table as a CSV file in a ``data:`` link: exactly the cells the page shows (hidden
        counts read "fewer than 5" there too), written through the exports' formula-safe writer."""
        return "data:text/csv;charset=utf-8," + quote(csv_text(self.columns, self.rows))


@dataclass
class Chart:
    """One chart: id (for the page), title, Vega-Lite spec, text summary and data table."""

    id: str
    title: str
    spec: dict[str, Any]
    summary: str
    table: ChartTable
    enhance: bool = True  # hand the spec to vega-embed for tooltips where JavaScript runs

    @property
    def svg(self) -> str:
        return render_svg(self.spec, label=f"{self.title}. {self.summary}")

    @property
    def full_spec(self) -> dict[str, Any]:
        return with_config(self.spec)

    @property
    def spec_id(self) -> str:
        return f"{self.id}-spec"


def number(value: float | None, *, digits: int = 1) -> str:
    """A figure as pages print it: thousands separated, ``digits`` decimals, an en dash when missing."""
    if value is None:
        return "–"
    if float(value).is_integer():
        digits = 0
    return f"{value:,.{digits}f}"


def _ring_area(ring: list[list[float]]) -> float:
    """Twice the signed planar area of a ring in longitude/latitude: positive when anticlockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring))


def d3_winding(geometry: dict[str, Any]) -> dict[str, Any]:
    """The geometry with rings wound as d3-geo (and so Vega) expects: outer rings clockwise, holes
    anticlockwise. GeoJSON files (RFC 7946) often wind the other way, which d3 reads as "the whole
    globe except this area"."""

    def polygon(rings: list[Any]) -> list[Any]:
        out = []
        for i, ring in enumerate(rings):
            clockwise = _ring_area(ring) < 0
            want_clockwise = i == 0
            out.append(ring if clockwise == want_clockwise else list(reversed(ring)))
        return out

    kind = geometry.get("type")
    if kind == "Polygon":
        return {**geometry, "coordinates": polygon(geometry["coordinates"])}
    if kind == "MultiPolygon":
        return {**geometry, "coordinates": [polygon(p) for p in geometry["coordinates"]]}
    return geometry
