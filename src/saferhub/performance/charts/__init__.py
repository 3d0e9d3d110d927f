"""The performance pages' charts, one module per chart type, each a Vega-Lite specification with its
summary and data table. Built from stored summaries only (no statistics here): the numbers drawn are
those in the tables."""

from saferhub.performance.charts.choropleth import breaks_for, choropleth, legend_items
from saferhub.performance.charts.comparison import comparison_bars
from saferhub.performance.charts.curve import turn_the_curve
from saferhub.performance.charts.funnel import funnel_plot
from saferhub.performance.charts.heatmap import heatmap
from saferhub.performance.charts.sparkline import sparkline
from saferhub.performance.charts.spc import spc_chart
from saferhub.performance.charts.spine import spine_chart

__all__ = [
    "breaks_for",
    "choropleth",
    "comparison_bars",
    "funnel_plot",
    "heatmap",
    "legend_items",
    "sparkline",
    "spc_chart",
    "spine_chart",
    "turn_the_curve",
]
