"""Attendance pages: the tick-list built from the membership (every seat at the meeting, marked
present, apologies, substitute or absent, saved at once), and single records for people who came
without a seat."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from saferhub.accounts.models import Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.forms import FormErrors, form_problem_add
from saferhub.governance import forms
from saferhub.governance.models import Attendance, Meeting
from saferhub.governance.services import attendance as services
from saferhub.governance.views.common import form_page, meeting_for, meeting_label, meeting_url, posted

EVERYONE_PRESENT = "present"


def _recorded_marks(meeting: Meeting) -> tuple[dict[int, tuple[str, str]], int | None]:
    """How each seat is already marked (a present line with a substitute reads as "substitute"),
    and the seat recorded as chairing."""
    marks: dict[int, tuple[str, str]] = {}
    chair = None
    for row in Attendance.objects.filter(meeting=meeting, seat__isnull=False):
        assert row.seat_id is not None
        marks[row.seat_id] = (services.SUBSTITUTE if row.substitute else row.status, row.substitute)
        if row.is_chair:
            chair = row.seat_id
    return marks, chair


@login_required
def attendance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The tick-list. ``?everyone=present`` starts every seat not yet marked as present, so the
    secretariat changes only those who were not there."""
    meeting = meeting_for(request, pk, Role.ADMINISTRATOR)
    if meeting.status == Meeting.Status.CANCELLED:
        messages.error(request, "The meeting was cancelled: there is no attendance to record.")
        return redirect(meeting_url(meeting, "attendance"))
    seats = services.seats_at(meeting)
    marks, chair = _recorded_marks(meeting)
    everyone = request.GET.get("everyone") == EVERYONE_PRESENT
    if everyone:
        marks = {s.pk: marks.get(s.pk, (Attendance.Status.PRESENT.value, "")) for s in seats}
    form = forms.AttendanceSheetForm(
        request.POST if request.method == "POST" else None,
        seats=seats,
        initial_marks=marks,
        initial={"chair": str(chair) if chair else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.attendance_sheet_save(
                meeting=meeting, marks=form.marks(), chair=form.chair(), actor=request.user
            )
        except ValidationProblem as problem:
            form_problem_add(form, problem)
        else:
            messages.success(request, f"Attendance saved: {saved}")
            return redirect(meeting_url(meeting, "attendance"))
    others = list(
        Attendance.objects.filter(meeting=meeting, seat__isnull=True)
        .select_related("organisation", "represents")
        .order_by("order", "pk")
    )
    context: dict[str, Any] = {
        "meeting": meeting,
        "caption": meeting_label(meeting),
        "form": form,
        "errors": FormErrors.of_form(form),
        "unmarked": sum(1 for s in seats if s.pk not in marks),
        "everyone_url": reverse("governance:attendance", args=[meeting.pk]) + f"?everyone={EVERYONE_PRESENT}",
        "others": others,
        "back_url": meeting_url(meeting, "attendance"),
    }
    return render(request, "governance/attendance_sheet.html", context, status=400 if form.errors else 200)


@login_required
def attendance_add(request: HttpRequest, pk: int) -> HttpResponse:
    m = meeting_for(request, pk, Role.ADMINISTRATOR)
    form = forms.AttendanceForm(posted(request)[0])

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.attendance_record(meeting=m, actor=request.user, **data)
        return meeting_url(m, "attendance"), "Attendance recorded"

    return form_page(
        request,
        form=form,
        title="Record someone who is not a member",
        caption=meeting_label(m),
        back_url=reverse("governance:attendance", args=[m.pk]),
        submit="Record attendance",
        on_valid=save,
        intro="Members are marked on the attendance list. Use this for an officer or guest who holds no seat.",
    )


@login_required
def attendance_edit(request: HttpRequest, pk: int, attendance_pk: int) -> HttpResponse:
    m = meeting_for(request, pk, Role.ADMINISTRATOR)
    row = get_object_or_404(Attendance, pk=attendance_pk, meeting=m)
    initial = {name: getattr(row, name) for name in forms.AttendanceForm.base_fields}
    form = forms.AttendanceForm(posted(request)[0], initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        services.attendance_update(attendance=row, actor=request.user, **data)
        return meeting_url(m, "attendance"), "Attendance saved"

    return form_page(
        request,
        form=form,
        title="Change attendance",
        caption=meeting_label(m),
        back_url=meeting_url(m, "attendance"),
        submit="Save attendance",
        on_valid=save,
    )
