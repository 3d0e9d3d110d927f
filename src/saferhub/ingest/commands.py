"""``saferhub import …``: bring partner files in from the command line, with progress and a summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from saferhub.core.bootstrap import setup_django


@click.group("import")
def command() -> None:
    """Import partner data: police.uk, STATS19, partner layouts (mapped) and returns."""


def _common(func: Any) -> Any:
    func = click.option("--again", is_flag=True, help="Import even files that were imported before.")(func)
    func = click.option("--user", "username", default=None, help="Record the import as made by this user.")(func)
    func = click.option(
        "--partnership", "partnership_slug", default=None, help="Assign records within this partnership's areas."
    )(func)
    func = click.option(
        "--preview", is_flag=True, help="Check and show what would change, then stage the import without committing."
    )(func)
    return func


def _context(partnership_slug: str | None, username: str | None) -> tuple[Any, Any]:
    from saferhub.accounts.models import Partnership, User
    from saferhub.core.errors import NotFound

    partnership = user = None
    if partnership_slug:
        partnership = Partnership.objects.filter(slug=partnership_slug).first()
        if partnership is None:
            raise NotFound(f"there is no partnership {partnership_slug!r}")
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise NotFound(f"there is no user {username!r}")
    return partnership, user


def _run(
    service: Any,
    paths: tuple[Path, ...],
    partnership_slug: str | None,
    username: str | None,
    again: bool,
    preview: bool,
    **extra: Any,
) -> None:
    setup_django()
    from saferhub.ingest.problems import ImportRefused

    partnership, user = _context(partnership_slug, username)
    bar_state: dict[str, Any] = {"bar": None, "done": 0}

    def progress(done: int, total: int, note: str) -> None:
        if not sys.stderr.isatty() and total <= 1:
            return
        bar = bar_state["bar"]
        if bar is None and total > 1:
            bar = click.progressbar(length=total, label="Reading files", file=sys.stderr)
            bar.__enter__()
            bar_state["bar"] = bar
        if bar is not None:
            bar.update(max(0, min(done, total) - bar_state["done"]))
            bar_state["done"] = max(bar_state["done"], min(done, total))

    try:
        outcome = service(
            paths=list(paths),
            user=user,
            partnership=partnership,
            again=again,
            confirm=not preview,
            progress=progress,
            **extra,
        )
    except ImportRefused as exc:
        if bar_state["bar"] is not None:
            bar_state["bar"].__exit__(None, None, None)
        click.echo(f"saferhub: error: {exc}", err=True)
        for rejection in exc.rejections[1:10]:
            click.echo(f"  also: {rejection.message()}", err=True)
        if exc.total > 10:
            click.echo(f"  … {exc.total - 10} more; saferhub import rejections <id> lists them all", err=True)
        sys.exit(1)
    finally:
        if bar_state["bar"] is not None:
            bar_state["bar"].__exit__(None, None, None)
    _print_summary(outcome)


def _print_summary(outcome: Any) -> None:
    run = outcome.import_run
    stage = outcome.stage
    verb = "staged (preview; not yet committed)" if outcome.awaiting_confirmation else run.get_status_display().lower()
    click.echo(f"import {run.pk} {verb}: {run.file_name}")
    click.echo(f"  files: {len(stage.files)}, rows read: {stage.rows_read:,}, accepted: {stage.rows_accepted:,}")
    for dataset, totals in stage.totals.items():
        parts = ", ".join(f"{name.replace('_', ' ')} {count:,}" for name, count in totals.items() if name != "rows")
        click.echo(f"  {dataset}: {totals.get('rows', 0):,} records ({parts})")
    if outcome.compare:
        c = outcome.compare
        click.echo(
            f"  record store: {c.get('new', 0)} new partitions, {c.get('replaced', 0)} replaced, "
            f"{c.get('unchanged', 0)} unchanged"
        )
    v = outcome.values
    click.echo(
        f"  indicator values: {v.get('new', 0):,} new, {v.get('changed', 0):,} changed, "
        f"{v.get('unchanged', 0):,} unchanged"
    )
    for note in stage.notes:
        click.echo(f"  note: {note}")
    if outcome.awaiting_confirmation:
        click.echo(f"  confirm with: saferhub import confirm {run.pk}")


_PATHS = click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))


@command.command("police-uk")
@_PATHS
@_common
def police_uk(
    paths: tuple[Path, ...], partnership_slug: str | None, username: str | None, again: bool, preview: bool
) -> None:
    """police.uk street-level (crime and ASB) or outcomes files: files, YYYY-MM/ folders or zips."""
    setup_django()
    from saferhub.ingest.services import police_uk_import

    _run(police_uk_import, paths, partnership_slug, username, again, preview)


@command.command("stats19")
@_PATHS
@_common
def stats19(
    paths: tuple[Path, ...], partnership_slug: str | None, username: str | None, again: bool, preview: bool
) -> None:
    """STATS19 collision, casualty and vehicle files (collision_* or accident_* columns)."""
    setup_django()
    from saferhub.ingest.services import stats19_import

    _run(stats19_import, paths, partnership_slug, username, again, preview)


@command.command("mapped")
@_PATHS
@click.option("--mapping", required=True, type=click.Path(path_type=Path), help="The YAML mapping file.")
@_common
def mapped(
    paths: tuple[Path, ...],
    mapping: Path,
    partnership_slug: str | None,
    username: str | None,
    again: bool,
    preview: bool,
) -> None:
    """A partner's own layout, read through a YAML mapping file."""
    setup_django()
    from saferhub.ingest.services import mapped_import

    _run(mapped_import, paths, partnership_slug, username, again, preview, mapping=mapping)


@command.command("returns")
@_PATHS
@click.option("--status", type=click.Choice(["final", "provisional"]), default="final", show_default=True)
@_common
def returns(
    paths: tuple[Path, ...], status: str, partnership_slug: str | None, username: str | None, again: bool, preview: bool
) -> None:
    """Indicator values from partner returns or surveys (CSV or XLSX)."""
    setup_django()
    from saferhub.ingest.services import returns_import

    _run(returns_import, paths, partnership_slug, username, again, preview, status=status)


@command.command("confirm")
@click.argument("import_id", type=int)
@click.option("--user", "username", default=None)
def confirm(import_id: int, username: str | None) -> None:
    """Commit an import that was staged with --preview."""
    setup_django()
    from saferhub.ingest.selectors import import_get
    from saferhub.ingest.services import import_confirm

    _, user = _context(None, username)
    _print_summary(import_confirm(import_run=import_get(import_id=import_id), user=user))


@command.command("discard")
@click.argument("import_id", type=int)
def discard(import_id: int) -> None:
    """Throw away an import staged with --preview; nothing changes."""
    setup_django()
    from saferhub.ingest.selectors import import_get
    from saferhub.ingest.services import import_discard

    import_discard(import_run=import_get(import_id=import_id))
    click.echo(f"import {import_id} discarded")


@command.command("list")
@click.option("--limit", type=int, default=20, show_default=True)
def list_imports(limit: int) -> None:
    """The latest imports: when, what, who, status and rows."""
    setup_django()
    from django.utils import timezone

    from saferhub.ingest.selectors import imports_recent

    for run in imports_recent(limit=limit):
        when = timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M")
        who = run.user.username if run.user else "-"
        click.echo(
            f"{run.pk:>6}  {when}  {run.source:<9}  {run.status:<9}  {who:<12}  read {run.rows_read:>9,}  "
            f"accepted {run.rows_accepted:>9,}  rejected {run.rows_rejected:>7,}  {run.file_name}"
        )


@command.command("rejections")
@click.argument("import_id", type=int)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=None, help="Write to a file (default: stdout)."
)
def rejections(import_id: int, output: Path | None) -> None:
    """The rows an import rejected, with reasons, as CSV (safe to open in a spreadsheet)."""
    setup_django()
    from saferhub.ingest.selectors import import_get
    from saferhub.ingest.services import import_rejections_csv

    text = import_rejections_csv(import_run=import_get(import_id=import_id))
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@command.command("template")
@click.argument("indicator_slug")
@click.option("--partnership", "partnership_slug", default=None, help="One row for each of its areas.")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
def template(indicator_slug: str, partnership_slug: str | None, fmt: str, output: Path) -> None:
    """A return template for one indicator."""
    setup_django()
    from saferhub.ingest.selectors import returns_template

    partnership, _ = _context(partnership_slug, None)
    content, _name = returns_template(indicator_slug=indicator_slug, partnership=partnership, fmt=fmt)
    output.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    click.echo(f"wrote {output}")
