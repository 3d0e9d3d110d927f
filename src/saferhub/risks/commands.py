"""``saferhub risks …``"""

from __future__ import annotations

import click

from saferhub.core.bootstrap import setup_django


@click.group("risks")
def command() -> None:
    """Risk registers on the corporate 4×4 matrix."""


@command.command("load-essex")
def load_essex() -> None:
    """Load the Essex risk registers (after the framework and the action plans)."""
    setup_django()
    from saferhub.risks.essex import risks_essex_load

    summary = risks_essex_load()
    click.echo(f"risk registers: {summary}")
    for line in summary.lines():
        click.echo(f"  {line}")


@command.command("matrix")
def matrix() -> None:
    """Print the corporate risk matrix as transcribed."""
    from saferhub.risks.matrix import LEVELS, corporate_matrix

    m = corporate_matrix()
    click.echo("likelihood \\ impact\t" + "\t".join(f"{i} {m.impact_labels[i]}" for i in LEVELS))
    for lk in sorted(LEVELS, reverse=True):
        click.echo(f"{lk} {m.likelihood_labels[lk]}\t" + "\t".join(str(m.cells[i, lk]) for i in LEVELS))
