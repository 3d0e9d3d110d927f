"""``saferhub records …``: the record store for analysts (counts), and its upkeep (recover, lookups)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from saferhub.core.bootstrap import setup_django

# What analysts call a grouping → the record column it reads.
GROUPINGS = {
    "area": "area",
    "month": "month",
    "type": "category",
    "category": "category",
    "kind": "kind",
    "force": "force",
    "severity": "severity",
    "road_user": "road_user",
    "district": "district_code",
    "lsoa": "lsoa_code",
    "status": "area_status",
    "source": "source",
    "import": "import_id",
}


@click.group("records")
def command() -> None:
    """The record store of incidents (DuckDB over Parquet)."""


def _months(text: str | None) -> list[str] | None:
    if not text:
        return None
    from saferhub.core.codes import parse_period

    if ".." in text and len(text) == 16:
        start, end = text.split("..")
        first, last = parse_period(start), parse_period(end)
        months, year, month = [], first.start.year, first.start.month
        while (year, month) <= (last.start.year, last.start.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months
    return [parse_period(m.strip()).label for m in text.split(",")]


@command.command("counts")
@click.option("--source", "sources", multiple=True, help="police-uk, stats19 or mapped (default: all).")
@click.option("--dataset", "datasets", multiple=True, help="street, outcomes, collision, casualty, vehicle…")
@click.option("--by", "by", default="area,month", show_default=True, help=f"Any of: {', '.join(GROUPINGS)}.")
@click.option("--months", default=None, help="2024-01,2024-02 or 2024-01..2024-04.")
@click.option("--assigned-only", is_flag=True, help="Only records assigned to an area.")
@click.option("--format", "fmt", type=click.Choice(["csv", "table"]), default="table", show_default=True)
def counts(
    sources: tuple[str, ...], datasets: tuple[str, ...], by: str, months: str | None, assigned_only: bool, fmt: str
) -> None:
    """Record counts grouped by area, month, type and more (rows outside any area show as (outside)…)."""
    setup_django()

    from saferhub.core.errors import ValidationProblem
    from saferhub.core.exports import csv_text
    from saferhub.incidents.configured import record_store
    from saferhub.sharing.audit import sharing_read_note

    names = [b.strip() for b in by.split(",") if b.strip()]
    unknown = [n for n in names if n not in GROUPINGS]
    if unknown:
        raise ValidationProblem(f"--by {', '.join(unknown)}: choose from {', '.join(GROUPINGS)}")
    store = record_store()
    rows = store.grouped_counts(
        by=[GROUPINGS[n] for n in names],
        sources=list(sources) or None,
        datasets=list(datasets) or None,
        months=_months(months),
        assigned_only=assigned_only,
    )
    sharing_read_note(
        user=None,
        sources=list(sources) or None,
        what=f"saferhub incidents counts --by {by} (run by {getpass.getuser()})",
        channel="command",
        periods=months or "",
        records=sum(r[-1] for r in rows),
    )
    header = [*names, "records"]
    if fmt == "csv":
        click.echo(csv_text(header, rows), nl=False)
        return
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    click.echo("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)))
    click.echo(f"{sum(r[-1] for r in rows):,} records in {len(rows):,} groups", err=True)


@command.command("recover")
def recover() -> None:
    """Finish or undo imports a stopped process left part-way, and remove files nothing uses."""
    setup_django()
    from saferhub.ingest.recovery import records_recover

    report = records_recover()
    click.echo(
        f"rolled forward {len(report['committed'])}, removed {len(report['aborted'])}, "
        f"left waiting {len(report['kept'])}"
    )


@command.command("lookup")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--vintage", default="", help="LSOA vintage (2011 or 2021); guessed from the column names if not given.")
def lookup(path: Path, vintage: str) -> None:
    """Load an ONS LSOA → district lookup (CSV or .csv.gz) used to assign police.uk records."""
    setup_django()
    from saferhub.ingest.services import lsoa_lookup_load

    rows = lsoa_lookup_load(path=path, vintage=vintage)
    click.echo(f"{path}: {rows:,} LSOAs", file=sys.stdout)
