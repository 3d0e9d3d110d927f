"""``saferhub fetch police-uk``: download police.uk's monthly files, verify them, and import them."""

from __future__ import annotations

from pathlib import Path

import click

from saferhub.core.bootstrap import setup_django


@click.group("fetch")
def command() -> None:
    """Download open data (police.uk's monthly files) and import it."""


def _split(text: str) -> list[str]:
    return [part.strip().lower() for part in text.split(",") if part.strip()]


@command.command("police-uk")
@click.option("--forces", required=True, help="police.uk force names, comma-separated: essex,kent,metropolitan")
@click.option("--from", "first", default=None, help="First month, YYYY-MM.")
@click.option("--to", "last", default=None, help="Last month, YYYY-MM (default: the same as --from).")
@click.option("--recent", type=int, default=None, help="Instead of --from/--to: the last N months before this one.")
@click.option("--datasets", default="street", show_default=True, help="street, outcomes, or street,outcomes.")
@click.option(
    "--base-url", default="", help="Server laid out as police.uk's archive (default: SAFERHUB_POLICE_UK_BASE_URL)."
)
@click.option("--into", type=click.Path(path_type=Path), default=None, help="Folder to keep the files in.")
@click.option("--refresh", is_flag=True, help="Download again even files already here, to catch changed files.")
@click.option("--accept-changed", is_flag=True, help="Take a file whose checksum differs from the one recorded.")
@click.option("--partnership", "partnership_slug", default=None, help="Assign records within this partnership's areas.")
@click.option("--user", "username", default=None, help="Record the import as made by this user.")
@click.option("--enqueue", is_flag=True, help="Put the fetch on the task queue instead (with --recent; for cron).")
def police_uk(
    forces: str,
    first: str | None,
    last: str | None,
    recent: int | None,
    datasets: str,
    base_url: str,
    into: Path | None,
    refresh: bool,
    accept_changed: bool,
    partnership_slug: str | None,
    username: str | None,
    enqueue: bool,
) -> None:
    """Fetch police.uk street (and outcomes) files month by month, resuming and verifying, then import them."""
    setup_django()
    from django.utils import timezone

    from saferhub.ingest.commands import _context, _print_summary
    from saferhub.ingest.fetch import recent_months
    from saferhub.ingest.services import police_uk_fetch
    from saferhub.ingest.uploads import police_uk_refresh_start

    if recent is not None and (first or last):
        raise click.UsageError("give either --recent or --from/--to, not both")
    if enqueue:
        if recent is None:
            raise click.UsageError("--enqueue takes --recent N (the scheduled refresh)")
        police_uk_refresh_start(forces=_split(forces), recent=recent, base_url=base_url, into=str(into or ""))
        click.echo(f"police.uk refresh of the last {recent} months put on the task queue")
        return
    if recent is not None:
        now = timezone.now()
        first, last = recent_months(recent, today=(now.year, now.month))
    if not first:
        raise click.UsageError("give --from YYYY-MM (and --to YYYY-MM), or --recent N")
    partnership, user = _context(partnership_slug, username)
    # A FetchError or a refused import is one line on standard error (saferhub.cli.SaferhubGroup).
    result, outcome = police_uk_fetch(
        forces=_split(forces),
        first=first,
        last=last or first,
        base_url=base_url,
        into=into,
        datasets=_split(datasets),
        refresh=refresh,
        accept_changed=accept_changed,
        user=user,
        partnership=partnership,
    )
    click.echo(
        f"fetched {len(result.downloaded)} file{'s' if len(result.downloaded) != 1 else ''}, "
        f"{len(result.skipped)} already here and verified, into {result.folder}"
    )
    if outcome is None:
        click.echo("nothing new to import")
    else:
        _print_summary(outcome)
