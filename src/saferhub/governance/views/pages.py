"""Governance pages that read: the structure, a partnership, a meeting and its documents, the
forward plan, papers and the calendar feed."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from saferhub.accounts.access import access_has_role, access_partnerships, access_require
from saferhub.accounts.models import Role
from saferhub.governance import selectors
from saferhub.governance.diagram import structure_svg
from saferhub.governance.documents import DOCUMENT_KINDS, calendar_for, meeting_document_pdf
from saferhub.governance.models import Paper
from saferhub.governance.structure import governance_structure
from saferhub.governance.views.common import meeting_for, meeting_url, partnership_for
from saferhub.sharing.selectors import sharing_for_partnership


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The governance structure, drawn from accountable-to relationships."""
    visible = set(access_partnerships(request.user).values_list("pk", flat=True))
    structure = governance_structure()
    return render(
        request,
        "governance/index.html",
        {"structure": structure, "diagram": structure_svg(structure), "visible": visible},
    )


@login_required
def partnership(request: HttpRequest, slug: str) -> HttpResponse:
    p = partnership_for(request, slug)
    return render(
        request,
        "governance/partnership.html",
        {
            "g": selectors.partnership_governance(p),
            "can_edit": access_has_role(request.user, p, Role.ADMINISTRATOR),
            "sharing": sharing_for_partnership(p, timezone.localdate()),
        },
    )


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    m = meeting_for(request, pk)
    return render(
        request,
        "governance/meeting.html",
        {
            "r": selectors.meeting_record(m),
            "can_edit": access_has_role(request.user, m.partnership, Role.ADMINISTRATOR),
        },
    )


@login_required
def meeting_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The agenda or the minutes as an accessible page; the same template makes the PDF."""
    if kind not in DOCUMENT_KINDS:
        raise Http404("There is no such document.")
    m = meeting_for(request, pk)
    return render(request, "governance/document.html", {"r": selectors.meeting_record(m), "kind": kind})


@login_required
def meeting_document_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in DOCUMENT_KINDS:
        raise Http404("There is no such document.")
    m = meeting_for(request, pk)
    pdf = meeting_document_pdf(selectors.meeting_record(m), kind=kind, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{m.partnership.slug}-{m.date:%Y-%m-%d}-{kind}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def meeting_history(request: HttpRequest, pk: int) -> HttpResponse:
    m = meeting_for(request, pk)
    return render(request, "governance/history.html", {"meeting": m, "changes": selectors.meeting_changes(m)})


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


@login_required
def paper_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A paper's file (or an earlier version of it with ``?version=``), as a download."""
    paper = get_object_or_404(Paper.objects.select_related("item__meeting__partnership"), pk=pk)
    access_require(request.user, paper.item.meeting.partnership, Role.VIEWER)
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
