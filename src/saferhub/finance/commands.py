"""``saferhub finance …``"""

from __future__ import annotations

import click

from saferhub.core.bootstrap import setup_django


@click.group("finance")
def command() -> None:
    """Budgets, reduction scenarios, funding streams and commissioning."""


@command.command("load-essex")
def load_essex() -> None:
    """Load Essex budgets, funding streams, pipeline and the community safety fund."""
    setup_django()
    from saferhub.finance.essex import finance_essex_load
    from saferhub.finance.essex_monitoring import finance_monitoring_essex_load

    summary = finance_essex_load()
    click.echo(f"money: {summary}")
    for line in summary.lines():
        click.echo(f"  {line}")
    spent = finance_monitoring_essex_load()
    click.echo(f"money spent: {spent}")
    for line in spent.lines():
        click.echo(f"  {line}")


@command.command("scenario")
@click.argument("table_slug")
@click.argument("percent")
def scenario(table_slug: str, percent: str) -> None:
    """Print a budget table with a reduction of PERCENT applied to every line and total."""
    setup_django()
    from saferhub.core.errors import NotFound
    from saferhub.finance.models import BudgetTable
    from saferhub.finance.money import check_percent
    from saferhub.finance.selectors import budget_view

    table = BudgetTable.objects.filter(slug=table_slug).first()
    if table is None:
        raise NotFound(f"there is no budget table {table_slug!r}")
    pct = check_percent(percent)
    view = budget_view(table=table, extra_percents=[pct])
    i = view.percents.index(pct)
    unit = table.unit_label
    for row in view.lines:
        click.echo(f"{row.line.area_of_spend}\t{row.shown}\t{view.shown(row.scenarios[i].amount)} {unit}")
    for t in view.totals:
        flag = "" if t.adds_up else f"\t(lines add to {t.shown_computed}: does not add up)"
        click.echo(f"{t.total.label}\t{t.shown_stated}\t{view.shown(t.scenarios[i][0].amount)} {unit}{flag}")
