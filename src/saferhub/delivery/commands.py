"""``saferhub delivery …``"""

from __future__ import annotations

import click

from saferhub.core.bootstrap import setup_django


@click.group("delivery")
def command() -> None:
    """Action plans: actions, progress, overdue and due-soon lists."""


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
