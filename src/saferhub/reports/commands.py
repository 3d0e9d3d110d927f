"""``saferhub reports …``"""

from __future__ import annotations

from pathlib import Path

import click

from saferhub.core.bootstrap import setup_django


@click.group("reports")
def command() -> None:
    """The board's performance pack for a meeting."""


@command.command("pack")
@click.argument("meeting_id", type=int)
@click.option(
    "--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Write the PDF here."
)
@click.option("--base-url", default="http://127.0.0.1:8000/", show_default=True, help="Where the pack's links point.")
def pack(meeting_id: int, pdf_path: Path, base_url: str) -> None:
    """Write a meeting's performance pack, from the data as they stand today, as a PDF (not published)."""
    setup_django()
    from django.utils import timezone

    from saferhub.core.errors import NotFound
    from saferhub.governance.selectors import meeting_get
    from saferhub.reports.documents import pack_render
    from saferhub.reports.pack import pack_build

    meeting = meeting_get(meeting_id)
    if meeting is None:
        raise NotFound(f"there is no meeting {meeting_id}")
    rendered = pack_render(pack_build(meeting=meeting, today=timezone.localdate()), base_url=base_url)
    pdf_path.write_bytes(rendered.pdf)
    pages = ", ".join(f"{anchor} {page}" for anchor, page in rendered.pages.items())
    click.echo(f"reports: wrote {pdf_path} ({len(rendered.pdf):,} bytes; sections start on pages: {pages})")
