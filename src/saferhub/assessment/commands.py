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


@command.command("load-deprivation")
@click.argument("imd", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("population", type=click.Path(path_type=Path, dir_okay=False))
def load_deprivation(imd: Path, population: Path) -> None:
    """Load the English Indices of Deprivation 2019 by LSOA: IMD is File 1 (ranks and deciles),
    POPULATION File 6 (population denominators), e.g. the files in ../shared/data/deprivation."""
    setup_django()
    from saferhub.assessment.deprivation_data import deprivation_load

    summary = deprivation_load(imd=imd, population=population)
    for line in summary.lines():
        click.echo(f"deprivation: {line}")


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
    from saferhub.assessment.harm_loader import harm_index_load

    summary = harm_index_load(
        path=path, slug=slug, title=title, publisher=publisher, year=year, unit=unit, url=url, notes=notes
    )
    click.echo(f"{path}: {summary}")
    for note in summary.notes:
        click.echo(f"  {note}")


@command.command("cost")
@click.option("--set", "slug", required=True, help="The unit cost set, e.g. dft-casualty-values-2009.")
@click.argument("counts", nargs=-1, required=True)
def cost(slug: str, counts: tuple[str, ...]) -> None:
    """The cost of counted harms at one set's published unit costs, e.g.
    `saferhub assessment cost --set dft-casualty-values-1997 fatal-casualty=2 serious-casualty=31`."""
    setup_django()
    from saferhub.assessment.harm import cost_of_harm
    from saferhub.assessment.selectors import unit_costs
    from saferhub.core.errors import ValidationProblem

    parsed: dict[str, int] = {}
    for item in counts:
        key, _, number = item.partition("=")
        if not key or not number.strip().isdigit():
            raise ValidationProblem(f"{item!r} is not KEY=COUNT, such as fatal-casualty=2")
        parsed[key.strip()] = int(number)
    result = cost_of_harm(counts=parsed, costs=unit_costs(slug=slug))
    for line in result.lines:
        click.echo(f"{line.label}: {line.count:,} × £{line.unit_cost:,.0f} = £{line.cost:,.2f}")
    for key, n in result.not_priced:
        click.echo(f"{key}: {n:,} not priced (no unit cost in this set)")
    click.echo(f"total: £{result.total:,.2f} ({result.price_year_text}; {result.source})")
