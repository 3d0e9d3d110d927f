"""Record reads of restricted data from the existing read paths (pages, exports, commands).

Callers say which ingest sources the figures come from; each dataset configured for those sources
gets one audit row, under the reader's first agreement in force covering it (or none: the read
is still recorded, and the data owner sees it was made without an agreement). Which datasets and
agreements those are is kept until datasets, agreements or accounts change (one query for the
datasets and one per dataset for the agreement when not kept); the insert is made on every read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from saferhub.core.hub_generation import counter_of
from saferhub.core.page_cache import cached
from saferhub.sharing.access import sharing_agreements_in_force
from saferhub.sharing.models import Agreement, Dataset, ReadAudit
from saferhub.sharing.services import Read, read_audit_record


def sharing_read_note(
    *,
    user: Any,
    sources: Iterable[str] | None,
    what: str,
    channel: str = ReadAudit.Channel.PAGE,
    areas: Iterable[str] = (),
    periods: str = "",
    records: int | None = None,
) -> int:
    """Audit a read of restricted figures from ``sources`` (ingest source names; None for all).
    Returns how many audit rows were written."""
    wanted = sorted(set(sources)) if sources is not None else None
    area_codes = tuple(areas)
    reads = [
        Read(
            dataset=dataset,
            agreement=agreement,
            what=what,
            channel=channel,
            areas=area_codes,
            periods=periods,
            records=records,
        )
        for dataset, agreement in _under(user, wanted)
    ]
    return read_audit_record(user=user, reads=reads)


def _under(user: Any, sources: list[str] | None) -> list[tuple[Dataset, Agreement | None]]:
    """Each dataset of ``sources`` (None: all) with the reader's first agreement in force covering
    it, kept per reader and day until datasets, agreements or accounts change."""

    def find() -> list[tuple[Dataset, Agreement | None]]:
        datasets = Dataset.objects.exclude(source="")
        if sources is not None:
            datasets = datasets.filter(source__in=sources)
        return [(d, next(iter(sharing_agreements_in_force(user, d)), None)) for d in datasets]

    reader = user.pk if getattr(user, "is_authenticated", False) else None
    return cached(
        "sharing:read-under",
        (reader, sources, timezone.localdate()),
        find,
        counters=[counter_of("sharing"), counter_of("accounts")],
        once_per_request=True,
    )
