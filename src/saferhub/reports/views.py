"""The performance pack's pages: the live pack (HTML and PDF) for the partnership's members, publishing
it (the partnership's administrators), and published versions, which are read as the partnership
publishes its figures (``access_public_read``): public papers when it publishes them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from saferhub.accounts.access import access_has_role, access_public_read, access_require, access_role
from saferhub.accounts.models import Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.hub_generation import counter_of
from saferhub.core.member_page import member_page
from saferhub.core.page_cache import cached
from saferhub.governance.models import Meeting
from saferhub.governance.selectors import meeting_get
from saferhub.reports.documents import RenderedPack, pack_render
from saferhub.reports.models import PublishedPack
from saferhub.reports.pack import pack_build
from saferhub.reports.selectors import published_packs
from saferhub.reports.services import pack_publish


def _meeting(request: HttpRequest, pk: int, minimum: Role = Role.VIEWER) -> Meeting:
    """The meeting (with its partnership), kept until meetings or partnerships change (a meeting
    not found is asked again)."""
    meeting = cached(
        "reports:meeting",
        (pk,),
        lambda: meeting_get(pk),
        counters=[counter_of("governance"), counter_of("accounts")],
        once_per_request=True,
    )
    if meeting is None:
        raise Http404("There is no such meeting.")
    access_require(request.user, meeting.partnership, minimum)
    return meeting


def _pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _live_pack(request: HttpRequest, meeting: Meeting) -> RenderedPack:
    """The live pack (page body and PDF, laid out once), kept until anything in the hub changes or
    the day turns. The pack does not depend on its reader (it is read as the public will read it),
    so every member shares one copy."""
    today = timezone.localdate()
    base_url = request.build_absolute_uri("/")
    return cached(
        "reports:pack",
        (meeting.pk, today, base_url),
        lambda: pack_render(pack_build(meeting=meeting, today=today), base_url=base_url),
    )


@login_required
def pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The pack as it stands today, from live data, read as the public will read it.

    Access is decided on every request; the page (128 KB of pack, compressed once) is rendered once
    per change of the data for each role in the partnership, and sent with the reader's own CSRF
    token (``member_page``)."""
    meeting = _meeting(request, pk)
    partnership = meeting.partnership
    return member_page(
        request,
        audience=(partnership.pk, access_role(request.user, partnership)),
        build=lambda token: render(
            request,
            "reports/pack.html",
            {
                "meeting": meeting,
                "body": _live_pack(request, meeting).html,
                "published": published_packs(meeting=meeting),
                "can_publish": access_has_role(request.user, partnership, Role.ADMINISTRATOR),
                "csrf_token": token,
            },
        ),
    )


@login_required
def pack_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    rendered = _live_pack(request, meeting)
    return _pdf_response(rendered.pdf, f"{meeting.partnership.slug}-{meeting.date:%Y-%m-%d}-performance-pack-draft.pdf")


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then publish the next version of the pack and attach it to the agenda."""
    meeting = _meeting(request, pk, Role.ADMINISTRATOR)
    error = ""
    if request.method == "POST":
        try:
            published = pack_publish(meeting=meeting, actor=request.user, base_url=request.build_absolute_uri("/"))
        except ValidationProblem as problem:
            error = problem.message
        else:
            messages.success(request, f"Version {published.version} of the performance pack is published.")
            return redirect("reports:published", pk=published.pk)
    return render(
        request,
        "reports/publish.html",
        {"meeting": meeting, "published": published_packs(meeting=meeting), "error": error},
        status=400 if error else 200,
    )


def _published(request: HttpRequest, pk: int) -> PublishedPack:
    """A published pack, for whoever may read its partnership's published figures; anonymous
    readers who may not are sent to sign in, others refused."""
    found = get_object_or_404(PublishedPack.objects.select_related("meeting__partnership", "published_by"), pk=pk)
    if not access_public_read(request.user, found.meeting.partnership):
        if not request.user.is_authenticated:
            raise _SignIn
        raise PermissionDenied("This pack belongs to a partnership you are not a member of.")
    return found


class _SignIn(Exception):
    pass


def published(request: HttpRequest, pk: int) -> HttpResponse:
    """A published version, exactly as it was published."""
    try:
        found = _published(request, pk)
    except _SignIn:
        return redirect_to_login(request.get_full_path())
    return render(
        request,
        "reports/published.html",
        {"p": found, "meeting": found.meeting, "versions": published_packs(meeting=found.meeting)},
    )


def published_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = _published(request, pk)
    except _SignIn:
        return redirect_to_login(request.get_full_path())
    m = found.meeting
    return _pdf_response(
        bytes(found.pdf), f"{m.partnership.slug}-{m.date:%Y-%m-%d}-performance-pack-v{found.version}.pdf"
    )
