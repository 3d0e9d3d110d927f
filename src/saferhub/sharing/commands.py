"""``saferhub sharing …``: datasets, information sharing agreements and the read audit."""

from __future__ import annotations

import click

from saferhub.core.bootstrap import setup_django


@click.group("sharing")
def command() -> None:
    """Information sharing agreements, datasets and who read restricted data."""


@command.command("load-essex")
def load_essex() -> None:
    """Load the Essex datasets and the Safer Essex Information Sharing Protocol (after accounts)."""
    setup_django()
    from saferhub.sharing.essex import sharing_essex_load

    summary = sharing_essex_load()
    for line in summary.lines():
        click.echo(line)


@command.command("datasets")
def datasets() -> None:
    """List the datasets with their owner, classification and disclosure level."""
    setup_django()
    from saferhub.sharing.models import Dataset

    for d in Dataset.objects.select_related("owner"):
        click.echo(
            f"{d.slug}\t{d.name}\t{d.owner.name}\t{d.get_classification_display()}\t{d.get_disclosure_display()}"
        )


@command.command("agreements")
def agreements() -> None:
    """List the agreements with status and review date; overdue reviews are marked."""
    setup_django()
    from django.utils import timezone

    from saferhub.sharing.models import Agreement

    today = timezone.localdate()
    for a in Agreement.objects.select_related("partnership"):
        review = a.review_date.isoformat() if a.review_date else "no review date"
        flag = "\tREVIEW OVERDUE" if a.review_overdue(today) else ""
        click.echo(f"{a.slug}\t{a.title}\t{a.get_status_display()}\t{review}{flag}")


@command.command("reads")
@click.option("--dataset", "dataset_slug", default=None, help="Only reads of this dataset (its slug).")
@click.option("--exports", is_flag=True, help="Only exports.")
@click.option("--limit", type=int, default=100, show_default=True)
def reads(dataset_slug: str | None, exports: bool, limit: int) -> None:
    """List recorded reads of restricted data, newest first."""
    setup_django()
    from saferhub.core.errors import ValidationProblem
    from saferhub.sharing.models import Dataset, ReadAudit

    qs = ReadAudit.objects.select_related("user", "dataset", "agreement")
    if dataset_slug:
        if not Dataset.objects.filter(slug=dataset_slug).exists():
            raise ValidationProblem(f"there is no dataset {dataset_slug!r}", where="--dataset")
        qs = qs.filter(dataset__slug=dataset_slug)
    if exports:
        qs = qs.filter(channel=ReadAudit.Channel.EXPORT)
    for r in qs[:limit]:
        who = r.user.get_username() if r.user else "(signed out)"
        under = r.agreement.title if r.agreement else "public aggregate"
        click.echo(f"{r.at:%Y-%m-%d %H:%M}\t{who}\t{r.dataset.name}\t{r.get_channel_display()}\t{r.what}\t{under}")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be removed; change nothing.")
def purge(dry_run: bool) -> None:
    """Remove records past the retention of the agreements covering their dataset (audited)."""
    setup_django()
    from django.utils import timezone

    from saferhub.incidents.configured import record_store
    from saferhub.sharing.retention import records_purge

    # The storage-URL aware store (a folder or s3://), with the lock every machine shares.
    plan = records_purge(store=record_store(), today=timezone.localdate(), dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    for item in plan:
        click.echo(
            f"{verb} {item.dataset}: {item.key.dataset} {item.key.month} "
            f"({item.rows:,} records; kept from {item.cutoff})"
        )
    click.echo(
        f"{len(plan)} month{'s' if len(plan) != 1 else ''} of records {verb}, {sum(i.rows for i in plan):,} records"
    )
