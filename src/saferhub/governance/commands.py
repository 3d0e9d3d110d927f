"""``saferhub governance …``"""

from __future__ import annotations

import click

from saferhub.core.bootstrap import setup_django


@click.group("governance")
def command() -> None:
    """Partnerships' terms of reference, membership, meetings, minutes, actions agreed and forward plans."""


@command.command("load-essex")
def load_essex() -> None:
    """Load Safer Essex's terms of reference and membership, the meeting of 1 July 2008 with its
    actions agreed, the next meetings and the forward plan (needs `saferhub accounts load-essex`;
    run after the framework so the monitored indicators link to it)."""
    setup_django()
    from saferhub.governance.essex import governance_essex_load

    summary = governance_essex_load()
    click.echo(f"governance essex: {summary}")
    for line in summary.lines():
        click.echo(f"  {line}")


@command.command("link-indicators")
def link_indicators() -> None:
    """Link the indicators partnerships agreed to monitor to the framework's catalogue (by NI reference)."""
    setup_django()
    from saferhub.governance.services.monitoring import monitored_indicators_link

    report = monitored_indicators_link()
    click.echo(f"linked: {report.linked}; not linked: {len(report.unlinked)}")
    for title in report.unlinked:
        click.echo(f"  not linked: {title}")
