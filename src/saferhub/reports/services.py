"""Publishing a meeting's performance pack: render it once, freeze the HTML and PDF, and attach the
PDF to the meeting's agenda as a paper. A new version is a new row; earlier versions stay as they
were published, and the paper keeps earlier files in its history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from saferhub.core.audit import audit_record
from saferhub.core.errors import ValidationProblem
from saferhub.governance.models import AgendaItem, Meeting
from saferhub.governance.services.meetings import agenda_item_create
from saferhub.governance.services.papers import paper_add, paper_replace
from saferhub.reports.documents import pack_render
from saferhub.reports.models import PublishedPack
from saferhub.reports.pack import pack_build

PACK_ITEM_TITLE = "Performance pack"
PACK_PAPER_TITLE = "Performance pack"


def _pack_item(meeting: Meeting, *, actor: Any) -> AgendaItem:
    """The agenda item the pack belongs to: the one about performance, or a new item at the end."""
    item = AgendaItem.objects.filter(meeting=meeting, title__icontains="performance").order_by("order").first()
    if item is not None:
        return item
    return agenda_item_create(
        meeting=meeting,
        title=PACK_ITEM_TITLE,
        kind=AgendaItem.Kind.INFORMATION,
        summary="The board's performance pack: exceptions, the scorecard, actions, risks and money.",
        actor=actor,
    )


def pack_publish(*, meeting: Meeting, actor: Any, base_url: str, today: dt.date | None = None) -> PublishedPack:
    """Publish the pack as it stands now: the next version, frozen, and attached to the agenda."""
    where = f"{meeting}, performance pack"
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationProblem("the meeting was cancelled: no pack is published for it", where=where, code="cancelled")
    day = today or timezone.localdate()
    rendered = pack_render(pack_build(meeting=meeting, today=day), base_url=base_url)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # one publisher at a time
        latest = PublishedPack.objects.filter(meeting=meeting).order_by("-version").first()
        version = (PublishedPack.objects.filter(meeting=meeting).aggregate(v=Max("version"))["v"] or 0) + 1
        name = f"{meeting.partnership.slug}-{meeting.date:%Y-%m-%d}-performance-pack-v{version}.pdf"
        upload = SimpleUploadedFile(name, rendered.pdf, content_type="application/pdf")
        if latest is not None and latest.paper is not None:
            paper = paper_replace(paper=latest.paper, file=upload, actor=actor)
        else:
            paper = paper_add(item=_pack_item(meeting, actor=actor), title=PACK_PAPER_TITLE, file=upload, actor=actor)
        published = PublishedPack.objects.create(
            meeting=meeting,
            version=version,
            published_at=timezone.now(),
            published_by=actor if getattr(actor, "pk", None) else None,
            as_of=day,
            html=rendered.html,
            pdf=rendered.pdf,
            html_sha256=rendered.html_sha256,
            pdf_sha256=rendered.pdf_sha256,
            pages=rendered.pages,
            paper=paper,
        )
        audit_record(
            actor=actor,
            action="reports.pack.publish",
            obj=published,
            meeting=meeting.pk,
            version=version,
            pdf_sha256=rendered.pdf_sha256,
            html_sha256=rendered.html_sha256,
        )
    return published
