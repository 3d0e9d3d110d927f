"""``saferhub geography …``"""

from __future__ import annotations

from pathlib import Path

import click

from saferhub.core.bootstrap import setup_django


@click.group("geography")
def command() -> None:
    """Areas, populations, boundaries and comparator groups."""


@command.group("load")
def load() -> None:
    """Load areas from the built-in set or from ONS-format files."""


@load.command("builtin")
@click.argument("name", default="essex")
def load_builtin(name: str) -> None:
    """Load a built-in geography (essex): areas, mid-2022/2023 populations, comparator groups."""
    setup_django()
    from saferhub.geography.services import geography_builtin_load

    click.echo(f"geography {name}: {geography_builtin_load(name=name)}")


@load.command("lookup")
@click.argument("path", type=click.Path(path_type=Path))
def load_lookup(path: Path) -> None:
    """Load an ONS lookup CSV (columns like LAD23CD, LAD23NM, CTY23CD, RGN23CD…)."""
    setup_django()
    from saferhub.geography.services import geography_lookup_load

    click.echo(f"{path}: {geography_lookup_load(path=path)}")


@load.command("populations")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--year", type=int, required=True, help="The mid-year the estimates are for.")
def load_populations(path: Path, year: int) -> None:
    """Load ONS mid-year population estimates (Code, Name, Geography, Population/All ages)."""
    setup_django()
    from saferhub.geography.services import geography_populations_load

    summary = geography_populations_load(path=path, year=year)
    click.echo(f"{path}: {summary}")
    for note in summary.notes:
        click.echo(f"  note: {note}")


@load.command("boundaries")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--vintage", default="", help="Boundary vintage, e.g. 2011.")
@click.option("--parent", "parent_code", default=None, help="GSS code of the area these lie in (default: file name).")
def load_boundaries(paths: tuple[Path, ...], vintage: str, parent_code: str | None) -> None:
    """Load GeoJSON boundaries (one or more files)."""
    setup_django()
    from saferhub.geography.services import geography_boundaries_load

    for path in paths:
        click.echo(f"{path}: {geography_boundaries_load(path=path, vintage=vintage, parent_code=parent_code)}")
