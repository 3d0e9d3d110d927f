"""``saferhub stats …``: the statistics package from the command line, on CSV files. No Django.

Each command reads a CSV whose columns have plain default names (``numerator``, ``denominator``,
``value``, ``lower``, ``upper``, ``observed``, ``expected``, ``date`` or ``period``, ``group``…; options
rename them), or for ``interval`` one figure from options, and writes CSV or JSON with every computed
column and the method's name. A bad cell is named by its spreadsheet row and column.
"""

from __future__ import annotations

import click

from saferhub.stats_cli.compare import compare
from saferhub.stats_cli.funnel import funnel
from saferhub.stats_cli.inequality import quantile, sii
from saferhub.stats_cli.intervals import interval
from saferhub.stats_cli.series import forecast, trend
from saferhub.stats_cli.spc import spc


@click.group("stats")
def command() -> None:
    """Statistics on a CSV file: intervals, funnels, forecasts, trends, comparisons, inequality, SPC."""


for _sub in (interval, funnel, forecast, trend, compare, sii, quantile, spc):
    command.add_command(_sub)
