"""Governance pages that read: the structure, a partnership, a meeting and its documents, the
forward plan, papers and the calendar feed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from saferhub.accounts.access import access_has_role, access_partnerships, access_published_read
from saferhub.accounts.models import Partnership, Role
from saferhub.core.models import Publication
from saferhub.core.refusal import refuse
from saferhub.governance import selectors
from saferhub.governance.changes import meeting_changes
from saferhub.governance.diagram import structure_svg
from saferhub.governance.documents import DOCUMENT_KINDS, calendar_for, meeting_document_pdf
from saferhub.governance.models import Meeting, Paper
from saferhub.governance.structure import governance_structure
from saferhub.governance.views.common import meeting_for, meeting_url, partnership_for
from saferhub.sharing.selectors import sharing_for_partnership


def _members(request: HttpRequest, partnership: Partnership) -> bool:
    return access_has_role(request.user, partnership, Role.VIEWER)


def _meeting_readable(request: HttpRequest, pk: int) -> tuple[Meeting, bool] | HttpResponse:
    """The meeting and whether the reader is a member; or the refusal (sign in, or 403). A meeting
    is read by its partnership's members, and by anyone once published."""
    meeting = selectors.meeting_get(pk)
    if meeting is None:
        raise Http404("There is no such meeting.")
    if not access_published_read(request.user, meeting.partnership, meeting.publication):
        return refuse(request)
    return meeting, _members(request, meeting.partnership)


def index(request: HttpRequest) -> HttpResponse:
    """The governance structure, drawn from accountable-to relationships: a partnership links to its
    page for its members and, where it publishes its terms or meetings, for everyone."""
    visible = set(access_partnerships(request.user).values_list("pk", flat=True)) | selectors.governance_publishers()
    structure = governance_structure()
    return render(
        request,
        "governance/index.html",
        {"structure": structure, "diagram": structure_svg(structure), "visible": visible},
    )


def partnership(request: HttpRequest, slug: str) -> HttpResponse:
    """A partnership's governance: everything for its members; for anyone else what it publishes."""
    p = get_object_or_404(Partnership, slug=slug)
    members = _members(request, p)
    if not members and not selectors.governance_published(p):
        return refuse(request)
    return render(
        request,
        "governance/partnership.html",
        {
            "g": selectors.partnership_governance(p, members=members),
            "members": members,
            "can_edit": access_has_role(request.user, p, Role.ADMINISTRATOR),
            "sharing": sharing_for_partnership(p, timezone.localdate()) if members else None,
        },
    )


def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_readable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    m, members = found
    return render(
        request,
        "governance/meeting.html",
        {
            "r": selectors.meeting_record(m, members=members),
            "can_edit": access_has_role(request.user, m.partnership, Role.ADMINISTRATOR),
        },
    )


def meeting_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The agenda or the minutes as an accessible page; the same template makes the PDF."""
    if kind not in DOCUMENT_KINDS:
        raise Http404("There is no such document.")
    found = _meeting_readable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    m, members = found
    return render(
        request, "governance/document.html", {"r": selectors.meeting_record(m, members=members), "kind": kind}
    )


def meeting_document_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in DOCUMENT_KINDS:
        raise Http404("There is no such document.")
    found = _meeting_readable(request, pk)
    if isinstance(found, HttpResponse):
        return found
    m, members = found
    pdf = meeting_document_pdf(
        selectors.meeting_record(m, members=members), kind=kind, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{m.partnership.slug}-{m.date:%Y-%m-%d}-{kind}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def meeting_history(request: HttpRequest, pk: int) -> HttpResponse:
    m = meeting_for(request, pk)
    return render(request, "governance/history.html", {"meeting": m, "changes": meeting_changes(m)})


@login_required
def forward_plan(request: HttpRequest, slug: str) -> HttpResponse:
    p = partnership_for(request, slug)
    return render(
        request,
        "governance/forward_plan.html",
        {
            "partnership": p,
            "items": selectors.forward_plan_list(p),
            "can_edit": access_has_role(request.user, p, Role.ADMINISTRATOR),
        },
    )


def paper_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A paper's file (or an earlier version of it with ``?version=``), as a download: members' always;
    anyone's when the meeting is published and the item was not taken in private."""
    paper = get_object_or_404(Paper.objects.select_related("item__meeting__partnership"), pk=pk)
    meeting = paper.item.meeting
    published = meeting.publication == Publication.PUBLISHED and not paper.item.exempt
    if not published and not _members(request, meeting.partnership):
        return refuse(request)
    version = request.GET.get("version")
    if version:
        if not version.isdigit():
            raise Http404("There is no such version.")
        record = paper.history.filter(history_id=int(version)).first()
        if record is None:
            raise Http404("There is no such version.")
        stored, name, content_type = str(record.file or ""), record.original_name, record.content_type
    else:
        stored, name, content_type = paper.file.name or "", paper.original_name, paper.content_type
    if not stored:
        raise Http404("This paper is not held in the hub.")
    try:
        handle = paper.file.storage.open(stored, "rb")
    except FileNotFoundError:
        raise Http404("The file for this paper is missing from storage.") from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=name or "paper",
        content_type=content_type or "application/octet-stream",
    )


@login_required
def calendar(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """An iCalendar feed of the meetings of the partnerships the user may see (or of one)."""
    partnerships = [partnership_for(request, slug)] if slug else list(access_partnerships(request.user))
    body = calendar_for(
        selectors.meetings_for_calendar(partnerships),
        now=timezone.now(),
        url_for=lambda m: request.build_absolute_uri(meeting_url(m)),
        name=partnerships[0].name + " meetings" if slug else "Partnership meetings",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug or "meetings"}.ics"'
    return response
