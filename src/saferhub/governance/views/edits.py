"""The secretariat's forms: terms of reference, seats, meetings, agenda items, papers,
declarations, actions agreed and the forward plan. Each page parses its form, calls one service
and redirects; a rule the service refuses is shown on the field it names."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from saferhub.accounts.access import access_require
from saferhub.accounts.models import Role
from saferhub.core.checks import UNCHANGED
from saferhub.core.errors import ValidationProblem
from saferhub.governance import forms, selectors
from saferhub.governance.models import ForwardPlanItem, Paper, Seat
from saferhub.governance.services import forward_plan as forward_plan_services
from saferhub.governance.services import meetings as meeting_services
from saferhub.governance.services import membership, minutes, papers
from saferhub.governance.views.common import (
    form_page,
    item_for,
    meeting_for,
    meeting_label,
    meeting_url,
    partnership_for,
    posted,
)


@login_required
def terms_edit(request: HttpRequest, slug: str) -> HttpResponse:
    p = partnership_for(request, slug, Role.ADMINISTRATOR)
    terms = p.terms_of_reference if hasattr(p, "terms_of_reference") else None
    initial = {name: getattr(terms, name) for name in forms.TermsForm.base_fields} if terms else {}
    form = forms.TermsForm(posted(request)[0], initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        membership.terms_of_reference_save(partnership=p, actor=request.user, **data)
        return reverse("governance:partnership", args=[p.slug]) + "#terms", "Terms of reference saved"

    return form_page(
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
    p = partnership_for(request, slug, Role.ADMINISTRATOR)
    form = forms.SeatForm(posted(request)[0])
    del form.fields["ended_on"]  # a new seat has not ended

    def save(data: dict[str, Any]) -> tuple[str, str]:
        membership.seat_create(partnership=p, actor=request.user, **data)
        return reverse("governance:partnership", args=[p.slug]) + "#membership", "Seat added"

    return form_page(
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
    p = partnership_for(request, slug, Role.ADMINISTRATOR)
    seat = get_object_or_404(Seat, pk=seat_pk, partnership=p)
    initial = {name: getattr(seat, name) for name in forms.SeatForm.base_fields}
    form = forms.SeatForm(posted(request)[0], initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        membership.seat_update(seat=seat, actor=request.user, **data)
        return reverse("governance:partnership", args=[p.slug]) + "#membership", "Seat saved"

    return form_page(
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
    p = partnership_for(request, slug, Role.ADMINISTRATOR)
    form = forms.MeetingForm(posted(request)[0])

    def save(data: dict[str, Any]) -> tuple[str, str]:
        m = meeting_services.meeting_create(partnership=p, actor=request.user, **data)
        return meeting_url(m), "Meeting arranged, with the standing items on its agenda"

    return form_page(
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
    m = meeting_for(request, pk, Role.ADMINISTRATOR)
    initial = {name: getattr(m, name) for name in forms.MeetingForm.base_fields}
    form = forms.MeetingForm(posted(request)[0], initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        meeting_services.meeting_update(meeting=m, actor=request.user, **data)
        return meeting_url(m), "Meeting saved"

    return form_page(
        request,
        form=form,
        title="Change the meeting",
        caption=meeting_label(m),
        back_url=meeting_url(m),
        submit="Save meeting",
        on_valid=save,
    )


@login_required
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    m = meeting_for(request, pk, Role.ADMINISTRATOR)
    form = forms.AgendaItemForm(posted(request)[0])

    def save(data: dict[str, Any]) -> tuple[str, str]:
        item = meeting_services.agenda_item_create(meeting=m, actor=request.user, **data)
        return meeting_url(m, f"item-{item.pk}"), f"Item {item.number} added to the agenda"

    return form_page(
        request,
        form=form,
        title="Add an agenda item",
        caption=meeting_label(m),
        back_url=meeting_url(m),
        submit="Add item",
        on_valid=save,
    )


@login_required
def item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = item_for(request, pk, item_pk)
    initial = {name: getattr(item, name) for name in forms.AgendaItemForm.base_fields}
    form = forms.AgendaItemForm(posted(request)[0], initial=initial)

    def save(data: dict[str, Any]) -> tuple[str, str]:
        number = data.pop("number", "") or UNCHANGED  # blank keeps the item's number
        meeting_services.agenda_item_update(item=item, number=number, actor=request.user, **data)
        return meeting_url(item.meeting, f"item-{item.pk}"), f"Item {item.number} saved"

    return form_page(
        request,
        form=form,
        title=f"Item {item.number}: agenda and minutes",
        caption=meeting_label(item.meeting),
        back_url=meeting_url(item.meeting, f"item-{item.pk}"),
        submit="Save item",
        on_valid=save,
    )


@login_required
def paper_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = item_for(request, pk, item_pk)
    form = forms.PaperForm(*posted(request))

    def save(data: dict[str, Any]) -> tuple[str, str]:
        papers.paper_add(
            item=item, title=data["title"], file=data.get("file"), note=data.get("note", ""), actor=request.user
        )
        return meeting_url(item.meeting, f"item-{item.pk}"), "Paper added"

    return form_page(
        request,
        form=form,
        title=f"Add a paper to item {item.number}",
        caption=meeting_label(item.meeting),
        back_url=meeting_url(item.meeting, f"item-{item.pk}"),
        submit="Add paper",
        on_valid=save,
    )


@login_required
def paper_replace(request: HttpRequest, pk: int) -> HttpResponse:
    paper = get_object_or_404(Paper.objects.select_related("item__meeting__partnership"), pk=pk)
    access_require(request.user, paper.item.meeting.partnership, Role.ADMINISTRATOR)
    form = forms.PaperReplaceForm(*posted(request))

    def save(data: dict[str, Any]) -> tuple[str, str]:
        papers.paper_replace(paper=paper, file=data["file"], actor=request.user)
        return meeting_url(paper.item.meeting, f"item-{paper.item.pk}"), "New version of the paper uploaded"

    return form_page(
        request,
        form=form,
        title=f"Upload a new version of {paper.title}",
        caption=meeting_label(paper.item.meeting),
        back_url=meeting_url(paper.item.meeting, f"item-{paper.item.pk}"),
        submit="Upload new version",
        on_valid=save,
    )


@login_required
def declaration_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = item_for(request, pk, item_pk)
    form = forms.DeclarationForm(posted(request)[0])

    def save(data: dict[str, Any]) -> tuple[str, str]:
        minutes.declaration_add(item=item, actor=request.user, **data)
        return meeting_url(item.meeting, f"item-{item.pk}"), f"Declaration recorded against item {item.number}"

    return form_page(
        request,
        form=form,
        title=f"Record a declaration of interest in item {item.number}",
        caption=meeting_label(item.meeting),
        back_url=meeting_url(item.meeting, f"item-{item.pk}"),
        submit="Record declaration",
        on_valid=save,
    )


@login_required
def decision_add(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = item_for(request, pk, item_pk)
    organisations = minutes.member_organisations(item.meeting)
    form = forms.DecisionForm(posted(request)[0], organisations=organisations)
    intro = "Each action agreed goes into the partnership's action tracker with its owner and due date."
    if not organisations:
        intro = (
            f"{item.meeting.partnership.name} has no member organisations yet, so no action can be given an owner: "
            "add its seats to the membership first."
        )

    def save(data: dict[str, Any]) -> tuple[str, str]:
        decision = minutes.decision_record(item=item, actor=request.user, **data)
        reference = decision.action.reference if decision.action else ""
        return (
            meeting_url(item.meeting, f"item-{item.pk}"),
            f"Action agreed recorded and added to the action tracker as {reference}",
        )

    return form_page(
        request,
        form=form,
        title=f"Record an action agreed at item {item.number}",
        caption=meeting_label(item.meeting),
        back_url=meeting_url(item.meeting, f"item-{item.pk}"),
        submit="Record action agreed",
        on_valid=save,
        intro=intro,
    )


@login_required
def forward_plan_add(request: HttpRequest, slug: str) -> HttpResponse:
    p = partnership_for(request, slug, Role.ADMINISTRATOR)
    form = forms.ForwardPlanForm(posted(request)[0], meetings=selectors.meetings_upcoming(p))

    def save(data: dict[str, Any]) -> tuple[str, str]:
        forward_plan_services.forward_plan_item_create(partnership=p, actor=request.user, **data)
        return reverse("governance:forward_plan", args=[p.slug]), "Added to the forward plan"

    return form_page(
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
    p = partnership_for(request, slug, Role.ADMINISTRATOR)
    item = get_object_or_404(ForwardPlanItem, pk=item_pk, partnership=p)
    initial = {"meeting": item.target_meeting_id} if item.target_meeting_id else {}
    form = forms.ScheduleForm(posted(request)[0], initial=initial, meetings=selectors.meetings_upcoming(p))

    def save(data: dict[str, Any]) -> tuple[str, str]:
        agenda_item = forward_plan_services.forward_plan_item_schedule(
            item=item, meeting=data["meeting"], actor=request.user
        )
        return meeting_url(agenda_item.meeting, f"item-{agenda_item.pk}"), f"{item.title} is now on the agenda"

    return form_page(
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
    p = partnership_for(request, slug, Role.ADMINISTRATOR)
    item = get_object_or_404(ForwardPlanItem, pk=item_pk, partnership=p)
    try:
        forward_plan_services.forward_plan_item_withdraw(item=item, actor=request.user)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, f"{item.title} withdrawn from the forward plan")
    return redirect("governance:forward_plan", p.slug)
