"""Reads for published packs."""

from __future__ import annotations

from django.db.models import QuerySet

from saferhub.governance.models import Meeting
from saferhub.reports.models import PublishedPack


def published_packs(*, meeting: Meeting) -> QuerySet[PublishedPack]:
    """A meeting's published versions, newest first, without their stored bytes."""
    return (
        PublishedPack.objects.filter(meeting=meeting)
        .select_related("published_by")
        .defer("html", "pdf")
        .order_by("-version")
    )
