"""Record reads of restricted data from the existing read paths (pages, exports, commands).

Callers say which ingest sources the figures come from; each dataset configured for those sources
gets one audit row, under the reader's first agreement in force covering it (or none: the read
is still recorded, and the data owner sees it was made without an agreement). One query
for the datasets, one per dataset for the agreement, one insert: cheap enough for every request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from saferhub.sharing.access import sharing_agreements_in_force
from saferhub.sharing.models import Dataset, ReadAudit
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
    datasets = Dataset.objects.exclude(source="")
    wanted = list(sources) if sources is not None else None
    if wanted is not None:
        datasets = datasets.filter(source__in=wanted)
    area_codes = tuple(areas)
    reads = [
        Read(
            dataset=d,
            agreement=next(iter(sharing_agreements_in_force(user, d)), None),
            what=what,
            channel=channel,
            areas=area_codes,
            periods=periods,
            records=records,
        )
        for d in datasets
    ]
    return read_audit_record(user=user, reads=reads)
