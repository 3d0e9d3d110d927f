"""What the governance views share: finding a partnership, meeting or item behind the access
door, their URLs and labels, and the one form page every secretariat form uses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from saferhub.accounts.access import access_require
from saferhub.accounts.models import Partnership, Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.forms import FormErrors, form_problem_add
from saferhub.governance import selectors
from saferhub.governance.models import AgendaItem, Meeting


def partnership_for(request: HttpRequest, slug: str, minimum: Role = Role.VIEWER) -> Partnership:
    partnership = get_object_or_404(Partnership, slug=slug)
    access_require(request.user, partnership, minimum)
    return partnership


def meeting_for(request: HttpRequest, pk: int, minimum: Role = Role.VIEWER) -> Meeting:
    meeting = selectors.meeting_get(pk)
    if meeting is None:
        raise Http404("There is no such meeting.")
    access_require(request.user, meeting.partnership, minimum)
    return meeting


def item_for(request: HttpRequest, pk: int, item_pk: int) -> AgendaItem:
    """An agenda item of a meeting, for its secretariat."""
    meeting = meeting_for(request, pk, Role.ADMINISTRATOR)
    return get_object_or_404(AgendaItem.objects.select_related("meeting__partnership"), pk=item_pk, meeting=meeting)


def posted(request: HttpRequest) -> tuple[Any, Any]:
    """The form data and files of a POST (even an empty one: a form whose fields are all optional
    and blank is still a submission), or nothing for a GET."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def meeting_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("governance:meeting", args=[meeting.pk]) + (f"#{anchor}" if anchor else "")


def meeting_label(meeting: Meeting) -> str:
    return f"{meeting.name}, {meeting.date.day} {meeting.date:%B %Y}"


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    title: str,
    caption: str,
    back_url: str,
    submit: str,
    on_valid: Callable[[dict[str, Any]], tuple[str, str]],
    intro: str = "",
    fields: Mapping[str, str] | None = None,
) -> HttpResponse:
    """Render a GOV.UK form page; on a valid POST call ``on_valid`` (one service call) and redirect
    to the URL it returns, with its message. A rule the service refuses is shown on the field it
    names (``fields`` maps a service argument to a differently named form field), in the error
    summary too, and nothing is saved."""
    if request.method == "POST" and form.is_valid():
        try:
            url, message = on_valid(form.cleaned_data)
        except ValidationProblem as problem:
            form_problem_add(form, problem, fields=fields)
        else:
            messages.success(request, message)
            return redirect(url)
    context = {
        "form": form,
        "errors": FormErrors.of_form(form),
        "title": title,
        "caption": caption,
        "back_url": back_url,
        "submit": submit,
        "intro": intro,
    }
    return render(request, "governance/form.html", context)
