"""``saferhub delivery …``"""

from __future__ import annotations

import click

from saferhub.core.bootstrap import setup_django
from saferhub.core.loading import LoadSummary


@click.group("delivery")
def command() -> None:
    """Action plans: actions, progress, overdue and due-soon lists."""


def _report(name: str, summary: LoadSummary) -> None:
    click.echo(f"{name}: {summary}")
    for line in summary.lines():
        click.echo(f"  {line}")


@command.command("load-essex")
@click.option("--only", type=click.Choice(["delivery", "risks", "finance"]), default=None, help="Load one part only.")
def load_essex(only: str | None) -> None:
    """Load the Essex action plans, risk registers and money (after the framework)."""
    setup_django()
    from saferhub.delivery.essex import delivery_essex_load
    from saferhub.finance.essex import finance_essex_load
    from saferhub.finance.essex_monitoring import finance_monitoring_essex_load
    from saferhub.risks.essex import risks_essex_load

    if only in (None, "delivery"):
        _report("action plans", delivery_essex_load())
    if only in (None, "risks"):
        _report("risk registers", risks_essex_load())
    if only in (None, "finance"):
        _report("money", finance_essex_load())
        _report("money spent", finance_monitoring_essex_load())


@command.command("overdue")
@click.option("--partnership", "slug", default=None, help="Partnership slug.")
def overdue(slug: str | None) -> None:
    """List open actions past their due date."""
    setup_django()
    from saferhub.accounts.models import Partnership
    from saferhub.core.errors import NotFound
    from saferhub.delivery.selectors import actions_overdue

    partnership = None
    if slug:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise NotFound(f"there is no partnership {slug!r}")
    for a in actions_overdue(partnership=partnership):
        click.echo(f"{a.due_date}\t{a.reference}\t{a.plan.title}\t{a.title[:80]}")
