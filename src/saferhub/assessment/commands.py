"""``saferhub assessment …``"""

from __future__ import annotations

from pathlib import Path

import click

from saferhub.core.bootstrap import setup_django


@click.group("assessment")
def command() -> None:
    """The strategic assessment: published priority matrices, hot spots, repeat locations and harm."""


@command.command("load-essex")
def load_essex() -> None:
    """Load Annex A of the Police and Crime Plan (seed 002), the Community Safety Agreement's
    priorities (seed 001, Table 1) and the published unit costs of harm. Needs the Essex geography
    and partnerships; running it twice changes nothing."""
    setup_django()
    from saferhub.assessment.loaders import assessment_essex_load

    summary = assessment_essex_load()
    click.echo(f"assessment essex: {summary}")
    for note in summary.notes:
        click.echo(f"  {note}")


@command.command("load-harm-index")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--slug", required=True, help="A short name for the index, e.g. ons-css-2023.")
@click.option("--title", required=True, help="Its title, e.g. 'Crime Severity Score weights'.")
@click.option("--publisher", required=True, help="Who published it, e.g. 'Office for National Statistics'.")
@click.option("--year", required=True, help="The year or edition of the weights.")
@click.option("--unit", required=True, help="What a weight measures, e.g. 'days of imprisonment'.")
@click.option("--url", default="", help="Where it was published.")
@click.option("--notes", default="", help="Anything a reader should know about it.")
def load_harm_index(
    path: Path, slug: str, title: str, publisher: str, year: str, unit: str, url: str, notes: str
) -> None:
    """Load a published harm weighting from CSV (columns offence and weight; optionally offence_code,
    police_uk_category and volume). See docs/assessment.md for the format."""
    setup_django()
    from saferhub.assessment.loaders import harm_index_load

    summary = harm_index_load(
        path=path, slug=slug, title=title, publisher=publisher, year=year, unit=unit, url=url, notes=notes
    )
    click.echo(f"{path}: {summary}")
    for note in summary.notes:
        click.echo(f"  {note}")
