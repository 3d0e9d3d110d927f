"""``saferhub framework …``: load the built-in configuration, export and import framework files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from saferhub.core.bootstrap import setup_django
from saferhub.core.loading import LoadSummary


@click.group("framework")
def command() -> None:
    """Outcomes frameworks: plans, outcomes, themes, indicators, targets and stories."""


def _report(summary: LoadSummary) -> None:
    for line in summary.lines():
        click.echo(f"  {line}")


def _fail(exc: Exception) -> None:
    from saferhub.framework.fileformat import FileProblems

    if isinstance(exc, FileProblems):
        click.echo(f"saferhub: error: nothing was loaded: {len(exc.problems)} problem(s)", err=True)
        for line in exc.lines():
            click.echo(f"  {line}", err=True)
        sys.exit(1)
    raise exc


@command.command("load")
@click.argument("name", default="essex")
def load(name: str) -> None:
    """Load a built-in configuration (essex): the frameworks transcribed from the seed documents.

    Needs the geography and the organisations and partnerships loaded first. Running it twice
    changes nothing; what people have edited in the hub is kept.
    """
    setup_django()
    from saferhub.framework.fileformat import FileProblems
    from saferhub.framework.services import framework_builtin_load

    try:
        summary = framework_builtin_load(name=name)
    except FileProblems as exc:
        _fail(exc)
        return
    click.echo(f"framework {name}: {', '.join(summary.loaded)}")
    _report(summary)


@command.command("export")
@click.argument("slug")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["yaml", "xlsx"]), default=None, help="Default: from PATH's ending.")
@click.option("--values", "include_values", is_flag=True, help="Include the indicator values, not only the plan.")
def export(slug: str, path: Path, fmt: str | None, include_values: bool) -> None:
    """Write framework SLUG to PATH as YAML or XLSX, in the schema `saferhub framework import` reads."""
    setup_django()
    from saferhub.core.errors import NotFound
    from saferhub.framework import fileformat
    from saferhub.framework.export import framework_spec
    from saferhub.framework.selectors import framework_by_slug

    framework = framework_by_slug(slug)
    if framework is None:
        raise NotFound(f"there is no framework {slug!r}")
    fmt = fmt or ("xlsx" if path.suffix.lower() == ".xlsx" else "yaml")
    spec = framework_spec(framework, include_values=include_values)
    if fmt == "xlsx":
        path.write_bytes(fileformat.write_xlsx(spec))
    else:
        path.write_text(fileformat.write_yaml(spec), encoding="utf-8")
    click.echo(f"wrote {framework.slug} to {path} ({fmt})")


@command.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--owner", default=None, help="Partnership slug to own the framework (replaces the file's).")
@click.option("--slug", default=None, help="A new slug for the framework (replaces the file's).")
def import_(path: Path, owner: str | None, slug: str | None) -> None:
    """Import a framework file (YAML or XLSX). Everything is checked first; on any problem nothing is
    loaded and each problem is listed with its line (or sheet and row)."""
    setup_django()
    from saferhub.framework.fileformat import FileProblems
    from saferhub.framework.services import framework_file_import

    try:
        summary = framework_file_import(path=path, owner=owner, slug=slug)
    except FileProblems as exc:
        _fail(exc)
        return
    click.echo(f"imported {', '.join(summary.loaded)} from {path}")
    _report(summary)
