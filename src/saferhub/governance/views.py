"""Governance pages. Views parse input, ask the access door, call one service or selector and
render. Reading needs the viewer role in the partnership; changing needs the administrator role
(the partnership's secretariat)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from saferhub.accounts.access import access_has_role, access_partnerships, access_require
from saferhub.accounts.models import Partnership, Role
from saferhub.core.errors import ValidationProblem
from saferhub.governance import forms, selectors, services
from saferhub.governance.diagram import structure_svg
from saferhub.governance.documents import DOCUMENT_KINDS, calendar_for, meeting_document_pdf
from saferhub.governance.models import AgendaItem, Attendance, ForwardPlanItem, Meeting, Paper, Seat


def _partnership(request: HttpRequest, slug: str, minimum: Role = Role.VIEWER) -> Partnership:
    partnership = get_object_or_404(Partnership, slug=slug)
    access_require(request.user, partnership, minimum)
    return partnership


def _meeting(request: HttpRequest, pk: int, minimum: Role = Role.VIEWER) -> Meeting:
    meeting = selectors.meeting_get(pk)
    if meeting is None:
        raise Http404("There is no such meeting.")
    access_require(request.user, meeting.partnership, minimum)
    return meeting


def _item(request: HttpRequest, pk: int, item_pk: int) -> AgendaItem:
    meeting = _meeting(request, pk, Role.ADMINISTRATOR)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__partnership"), pk=item_pk, meeting=meeting)
    return item


def _form_page(
    request: HttpRequest,
    *,
    form: django_forms.Form,
    title: str,
    caption: str,
    back_url: str,
    submit: str,
    on_valid: Callable[[dict[str, Any]], tuple[str, str]],
    intro: str = "",
) -> HttpResponse:
    """Render a GOV.UK form page; on a valid POST call ``on_valid`` (one service call) and redirect
    to the URL it returns, with its message. A rule the service refuses is shown in the error summary."""
    if request.method == "POST" and form.is_valid():
        try:
            url, message = on_valid(form.cleaned_data)
        except ValidationProblem as problem:
            form.add_error(None, problem.message)
        else:
            messages.success(request, message)
            return redirect(url)
    context = {"form": form, "title": title, "caption": caption, "back_url": back_url, "submit": submit}
    context["intro"] = intro
    return render(request, "governance/form.html", context)


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("governance:meeting", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def _meeting_label(meeting: Meeting) -> str:
    return f"{meeting.name}, {meeting.date.day} {meeting.date:%B %Y}"


# --- reading ---------------------------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The governance structure, drawn from accountable-to relationships."""
    visible = set(access_partnerships(request.user).values_list("pk", flat=True))
    structure = selectors.governance_structure()
    return render(
        request,
        "governance/index.html",
        {"structure": structure, "diagram": structure_svg(structure), "visible": visible},
    )


@login_required
def partnership(request: HttpRequest, slug: str) -> HttpResponse:
    p = _partnership(request, slug)
    return render(
        request,
        "governance/partnership.html",
        {
            "g": selectors.partnership_governance(p),
            "can_edit": access_has_role(request.user, p, Role.ADMINISTRATOR),
        },
    )


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk)
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
    m = _meeting(request, pk)
    return render(request, "governance/document.html", {"r": selectors.meeting_record(m), "kind": kind})


@login_required
def meeting_document_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in DOCUMENT_KINDS:
        raise Http404("There is no such document.")
    m = _meeting(request, pk)
    pdf = meeting_document_pdf(selectors.meeting_record(m), kind=kind, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{m.partnership.slug}-{m.date:%Y-%m-%d}-{kind}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
def meeting_history(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk)
    return render(request, "governance/history.html", {"meeting": m, "changes": selectors.meeting_changes(m)})


@login_required
def forward_plan(request: HttpRequest, slug: str) -> HttpResponse:
    p = _partnership(request, slug)
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
    partnerships = [_partnership(request, slug)] if slug else list(access_partnerships(request.user))
    body = calendar_for(
        selectors.meetings_for_calendar(partnerships),
        now=timezone.now(),
        url_for=lambda m: request.build_absolute_uri(_meeting_url(m)),
        name=partnerships[0].name + " meetings" if slug else "Partnership meetings",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug or "meetings"}.ics"'
    return response


# --- the secretariat's changes ---------------------------------------------------------------------


@login_required
def terms_edit(request: HttpRequest, slug: str) -> HttpResponse:
    p = _partnership(request, slug, Role.ADMINISTRATOR)
    terms = p.terms_of_reference if hasattr(p, "terms_of_reference") else None
    initial = {name: getattr(terms, name) for name in forms.TermsForm.base_fields} if terms else {}
    form = forms.TermsForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.terms_of_reference_save(partnership=p, actor=request.user, **data)
        return reverse("governance:partnership", args=[p.slug]) + "#terms", "Terms of reference saved"

    return _form_page(
        request,
        form=form,
        title="Terms of reference",
        caption=p.name,
        back_url=reverse("governance:partnership", args=[p.slug]),
        submit="Save terms of reference",
        on_valid=save,
    )


@login_required
def seat_add(request: HttpRequest, slug: str) -> HttpResponse:
    p = _partnership(request, slug, Role.ADMINISTRATOR)
    form = forms.SeatForm(request.POST or None)
    del form.fields["ended_on"]  # a new seat has not ended

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.seat_create(partnership=p, actor=request.user, **data)
        return reverse("governance:partnership", args=[p.slug]) + "#membership", "Seat added"

    return _form_page(
        request,
        form=form,
        title="Add a seat",
        caption=p.name,
        back_url=reverse("governance:partnership", args=[p.slug]) + "#membership",
        submit="Add seat",
        on_valid=save,
    )


@login_required
def seat_edit(request: HttpRequest, slug: str, seat_pk: int) -> HttpResponse:
    p = _partnership(request, slug, Role.ADMINISTRATOR)
    seat = get_object_or_404(Seat, pk=seat_pk, partnership=p)
    initial = {name: getattr(seat, name) for name in forms.SeatForm.base_fields}
    form = forms.SeatForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.seat_update(seat=seat, actor=request.user, **data)
        return reverse("governance:partnership", args=[p.slug]) + "#membership", "Seat saved"

    return _form_page(
        request,
        form=form,
        title="Change a seat",
        caption=p.name,
        back_url=reverse("governance:partnership", args=[p.slug]) + "#membership",
        submit="Save seat",
        on_valid=save,
    )


@login_required
def meeting_add(request: HttpRequest, slug: str) -> HttpResponse:
    p = _partnership(request, slug, Role.ADMINISTRATOR)
    form = forms.MeetingForm(request.POST or None)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        m = services.meeting_create(partnership=p, actor=request.user, **data)
        return _meeting_url(m), "Meeting arranged, with the standing items on its agenda"

    return _form_page(
        request,
        form=form,
        title="Arrange a meeting",
        caption=p.name,
        back_url=reverse("governance:partnership", args=[p.slug]) + "#meetings",
        submit="Arrange meeting",
        on_valid=save,
        intro="The agenda starts with declarations of interest, the previous minutes and matters arising.",
    )


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk, Role.ADMINISTRATOR)
    initial = {name: getattr(m, name) for name in forms.MeetingForm.base_fields}
    form = forms.MeetingForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.meeting_update(meeting=m, actor=request.user, **data)
        return _meeting_url(m), "Meeting saved"

    return _form_page(
        request,
        form=form,
        title="Change the meeting",
        caption=_meeting_label(m),
        back_url=_meeting_url(m),
        submit="Save meeting",
        on_valid=save,
    )


@login_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk, Role.ADMINISTRATOR)
    form = forms.AgendaItemForm(request.POST or None)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        item = services.agenda_item_create(meeting=m, actor=request.user, **data)
        return _meeting_url(m, f"item-{item.pk}"), f"Item {item.number} added to the agenda"

    return _form_page(
        request,
        form=form,
        title="Add an agenda item",
        caption=_meeting_label(m),
        back_url=_meeting_url(m),
        submit="Add item",
        on_valid=save,
    )


@login_required
def item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    initial = {name: getattr(item, name) for name in forms.AgendaItemForm.base_fields}
    form = forms.AgendaItemForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        if not data.get("number"):
            data.pop("number", None)
        services.agenda_item_update(item=item, actor=request.user, **data)
        return _meeting_url(item.meeting, f"item-{item.pk}"), f"Item {item.number} saved"

    return _form_page(
        request,
        form=form,
        title=f"Item {item.number}: agenda and minutes",
        caption=_meeting_label(item.meeting),
        back_url=_meeting_url(item.meeting, f"item-{item.pk}"),
        submit="Save item",
        on_valid=save,
    )


@login_required
def paper_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    form = forms.PaperForm(request.POST or None, request.FILES or None)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.paper_add(
            item=item, title=data["title"], upload=data.get("file"), note=data.get("note", ""), actor=request.user
        )
        return _meeting_url(item.meeting, f"item-{item.pk}"), "Paper added"

    return _form_page(
        request,
        form=form,
        title=f"Add a paper to item {item.number}",
        caption=_meeting_label(item.meeting),
        back_url=_meeting_url(item.meeting, f"item-{item.pk}"),
        submit="Add paper",
        on_valid=save,
    )


@login_required
def paper_replace(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_object_or_404(Paper.objects.select_related("item__meeting__partnership"), pk=pk)
    access_require(request.user, paper.item.meeting.partnership, Role.ADMINISTRATOR)
    form = forms.PaperReplaceForm(request.POST or None, request.FILES or None)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.paper_replace(paper=paper, upload=data["file"], actor=request.user)
        return _meeting_url(paper.item.meeting, f"item-{paper.item.pk}"), "New version of the paper uploaded"

    return _form_page(
        request,
        form=form,
        title=f"Upload a new version of {paper.title}",
        caption=_meeting_label(paper.item.meeting),
        back_url=_meeting_url(paper.item.meeting, f"item-{paper.item.pk}"),
        submit="Upload new version",
        on_valid=save,
    )


@login_required
def declaration_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    form = forms.DeclarationForm(request.POST or None)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.declaration_add(item=item, actor=request.user, **data)
        return _meeting_url(item.meeting, f"item-{item.pk}"), f"Declaration recorded against item {item.number}"

    return _form_page(
        request,
        form=form,
        title=f"Record a declaration of interest in item {item.number}",
        caption=_meeting_label(item.meeting),
        back_url=_meeting_url(item.meeting, f"item-{item.pk}"),
        submit="Record declaration",
        on_valid=save,
    )


@login_required
def decision_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _item(request, pk, item_pk)
    form = forms.DecisionForm(request.POST or None)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        decision = services.decision_record(item=item, actor=request.user, **data)
        reference = decision.action.reference if decision.action else ""
        return (
            _meeting_url(item.meeting, f"item-{item.pk}"),
            f"Action agreed recorded and added to the action tracker as {reference}",
        )

    return _form_page(
        request,
        form=form,
        title=f"Record an action agreed at item {item.number}",
        caption=_meeting_label(item.meeting),
        back_url=_meeting_url(item.meeting, f"item-{item.pk}"),
        submit="Record action agreed",
        on_valid=save,
        intro="Each action agreed goes into the partnership's action tracker with its owner and due date.",
    )


@login_required
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk, Role.ADMINISTRATOR)
    form = forms.AttendanceForm(request.POST or None)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.attendance_record(meeting=m, actor=request.user, **data)
        return _meeting_url(m, "attendance"), "Attendance recorded"

    return _form_page(
        request,
        form=form,
        title="Record attendance",
        caption=_meeting_label(m),
        back_url=_meeting_url(m, "attendance"),
        submit="Record attendance",
        on_valid=save,
    )


@login_required
def attendance_edit(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    m = _meeting(request, pk, Role.ADMINISTRATOR)
    row = get_object_or_404(Attendance, pk=attendance_pk, meeting=m)
    initial = {name: getattr(row, name) for name in forms.AttendanceForm.base_fields}
    form = forms.AttendanceForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.attendance_update(attendance=row, actor=request.user, **data)
        return _meeting_url(m, "attendance"), "Attendance saved"

    return _form_page(
        request,
        form=form,
        title="Change attendance",
        caption=_meeting_label(m),
        back_url=_meeting_url(m, "attendance"),
        submit="Save attendance",
        on_valid=save,
    )


@login_required
@require_POST
def attendance_from_seats(request: HttpRequest, pk: int) -> HttpResponse:
    m = _meeting(request, pk, Role.ADMINISTRATOR)
    try:
        added = services.attendance_from_seats(meeting=m, actor=request.user)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, f"{added} seats added to the attendance list as absent: mark who came")
    return redirect(_meeting_url(m, "attendance"))


@login_required
def forward_plan_add(request: HttpRequest, slug: str) -> HttpResponse:
    p = _partnership(request, slug, Role.ADMINISTRATOR)
    form = forms.ForwardPlanForm(request.POST or None, meetings=selectors.meetings_upcoming(p))

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.forward_plan_item_create(partnership=p, actor=request.user, **data)
        return reverse("governance:forward_plan", args=[p.slug]), "Added to the forward plan"

    return _form_page(
        request,
        form=form,
        title="Add to the forward plan",
        caption=p.name,
        back_url=reverse("governance:forward_plan", args=[p.slug]),
        submit="Add to forward plan",
        on_valid=save,
    )


@login_required
def forward_plan_schedule(request: HttpRequest, slug: str, item_pk: int) -> HttpResponse:
    p = _partnership(request, slug, Role.ADMINISTRATOR)
    item = get_object_or_404(ForwardPlanItem, pk=item_pk, partnership=p)
    initial = {"meeting": item.target_meeting_id} if item.target_meeting_id else {}
    form = forms.ScheduleForm(request.POST or None, initial=initial, meetings=selectors.meetings_upcoming(p))

    def save(data: dict[str, Any]) -> tuple[str, str]:
        agenda_item = services.forward_plan_item_schedule(item=item, meeting=data["meeting"], actor=request.user)
        return _meeting_url(agenda_item.meeting, f"item-{agenda_item.pk}"), f"{item.title} is now on the agenda"

    return _form_page(
        request,
        form=form,
        title=f"Put {item.title} on an agenda",
        caption=p.name,
        back_url=reverse("governance:forward_plan", args=[p.slug]),
        submit="Put on the agenda",
        on_valid=save,
    )


@login_required
@require_POST
def forward_plan_withdraw(request: HttpRequest, slug: str, item_pk: int) -> HttpResponse:
    p = _partnership(request, slug, Role.ADMINISTRATOR)
    item = get_object_or_404(ForwardPlanItem, pk=item_pk, partnership=p)
    try:
        services.forward_plan_item_withdraw(item=item, actor=request.user)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, f"{item.title} withdrawn from the forward plan")
    return redirect("governance:forward_plan", p.slug)
