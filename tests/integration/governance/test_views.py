"""Governance pages: who may see and change what, the forms, downloads, and bounded queries."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saferhub.accounts.models import Role
from saferhub.delivery.models import Action
from saferhub.governance.models import AgendaItem, Decision, ForwardPlanItem, Meeting, Paper, TermsOfReference
from saferhub.governance.services import attendance, forward_plan, meetings, membership, minutes, papers
from tests.factories import OrganisationFactory, PartnershipFactory, PartnershipRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a tiny test paper\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


@pytest.fixture
def record(board, council, secretary):
    """A board with terms, a seat, a held meeting with an item, a paper, attendance, a decision and a plan item."""
    membership.terms_of_reference_save(partnership=board, minimum_meetings_per_year=4)
    seat = membership.seat_create(partnership=board, organisation=council, position="Chief Executive")
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 6, 4), start_time=time(10), status="held")
    item = meetings.agenda_item_create(meeting=meeting, title="Budget", minutes="Discussed.")
    paper = papers.paper_add(item=item, title="Budget report", file=SimpleUploadedFile("budget.pdf", PDF))
    present = attendance.attendance_record(meeting=meeting, organisation=council, status="present", is_chair=True)
    minutes.decision_record(item=item, text="Report back", owner_role="Treasurer", due_date=date(2024, 9, 1))
    upcoming = meetings.meeting_create(partnership=board, date=date(2099, 1, 5))
    planned = forward_plan.forward_plan_item_create(
        partnership=board, title="Alcohol strategy", target_meeting=upcoming
    )
    return {
        "seat": seat,
        "meeting": meeting,
        "item": item,
        "paper": paper,
        "attendance": present,
        "upcoming": upcoming,
        "planned": planned,
    }


def _read_urls(board, r):
    m = r["meeting"].pk
    return [
        reverse("governance:partnership", args=[board.slug]),
        reverse("governance:meeting", args=[m]),
        reverse("governance:document", args=[m, "agenda"]),
        reverse("governance:document", args=[m, "minutes"]),
        reverse("governance:document_pdf", args=[m, "minutes"]),
        reverse("governance:meeting_history", args=[m]),
        reverse("governance:forward_plan", args=[board.slug]),
        reverse("governance:partnership_calendar", args=[board.slug]),
        reverse("governance:paper", args=[r["paper"].pk]),
    ]


def _edit_urls(board, r):
    m, i = r["meeting"].pk, r["item"].pk
    return [
        ("get", reverse("governance:terms_edit", args=[board.slug])),
        ("get", reverse("governance:seat_add", args=[board.slug])),
        ("get", reverse("governance:seat_edit", args=[board.slug, r["seat"].pk])),
        ("get", reverse("governance:meeting_add", args=[board.slug])),
        ("get", reverse("governance:meeting_edit", args=[m])),
        ("get", reverse("governance:item_add", args=[m])),
        ("get", reverse("governance:item_edit", args=[m, i])),
        ("get", reverse("governance:paper_add", args=[m, i])),
        ("get", reverse("governance:paper_replace", args=[r["paper"].pk])),
        ("get", reverse("governance:declaration_add", args=[m, i])),
        ("get", reverse("governance:decision_add", args=[m, i])),
        ("get", reverse("governance:attendance_add", args=[m])),
        ("get", reverse("governance:attendance_edit", args=[m, r["attendance"].pk])),
        ("get", reverse("governance:attendance", args=[m])),
        ("post", reverse("governance:attendance", args=[m])),
        ("get", reverse("governance:forward_plan_add", args=[board.slug])),
        ("get", reverse("governance:forward_plan_schedule", args=[board.slug, r["planned"].pk])),
        ("post", reverse("governance:forward_plan_withdraw", args=[board.slug, r["planned"].pk])),
    ]


def test_anonymous_users_are_sent_to_sign_in_everywhere(client, board, record):
    urls = [("get", reverse("governance:calendar"))]
    urls += [("get", u) for u in _read_urls(board, record)] + _edit_urls(board, record)
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    # The structure is public; a partnership that publishes nothing is not linked from it.
    index = client.get(reverse("governance:index")).content.decode()
    assert "Test Community Safety Board" in index
    assert reverse("governance:partnership", args=[board.slug]) not in index


def test_members_of_another_partnership_are_refused(client, board, record, outsider):
    client.force_login(outsider)
    for url in _read_urls(board, record):
        assert client.get(url).status_code == 403, url
    for method, url in _edit_urls(board, record):
        assert getattr(client, method)(url).status_code == 403, url
    # They see the structure, without a link into a partnership they do not belong to.
    index = client.get(reverse("governance:index")).content.decode()
    assert "Test Community Safety Board" in index
    assert reverse("governance:partnership", args=[board.slug]) not in index
    # Their calendar holds none of this partnership's meetings.
    assert "Test Community Safety Board" not in client.get(reverse("governance:calendar")).content.decode()


def test_viewers_read_everything_but_change_nothing(client, board, record, member):
    client.force_login(member)
    for url in _read_urls(board, record):
        assert client.get(url).status_code == 200, url
    for method, url in _edit_urls(board, record):
        assert getattr(client, method)(url).status_code == 403, url
    page = client.get(reverse("governance:meeting", args=[record["meeting"].pk])).content.decode()
    assert "Record an action agreed" not in page


def test_the_secretariat_opens_every_form(client, board, record, secretary):
    client.force_login(secretary)
    for method, url in _edit_urls(board, record):
        response = getattr(client, method)(url)
        # an empty attendance list posted is refused with its errors shown
        assert response.status_code in ((200, 302) if method == "get" else (200, 302, 400)), url
        if method == "get":
            assert 'class="govuk-button"' in response.content.decode(), url


def test_arranging_a_meeting_puts_the_standing_items_on_its_agenda(client, board, record, secretary):
    client.force_login(secretary)
    response = client.post(
        reverse("governance:meeting_add", args=[board.slug]),
        {"date_0": "2", "date_1": "10", "date_2": "2098", "start_time": "9.30am", "status": "scheduled"},
    )
    meeting = Meeting.objects.get(date=date(2098, 10, 2))
    assert response.status_code == 302 and response["Location"] == reverse("governance:meeting", args=[meeting.pk])
    assert meeting.start_time == time(9, 30)
    assert list(meeting.items.values_list("kind", flat=True)) == ["declarations", "previous_minutes", "matters_arising"]
    page = client.get(response["Location"]).content.decode()
    assert "Report back" in page  # the earlier meeting's open action, under matters arising


def test_a_wrong_date_shows_the_error_summary_and_saves_nothing(client, board, record, secretary):
    client.force_login(secretary)
    url = reverse("governance:decision_add", args=[record["meeting"].pk, record["item"].pk])
    response = client.post(
        url, {"text": "Act", "owner_role": "Lead", "due_date_0": "31", "due_date_1": "2", "due_date_2": "2025"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and 'href="#id_due_date_0"' in html and "Enter a real date" in html
    assert "<title>Error: " in html
    assert Decision.objects.count() == 1


def test_a_rule_the_service_refuses_is_shown_in_the_error_summary(client, board, record, secretary):
    client.force_login(secretary)
    url = reverse("governance:decision_add", args=[record["meeting"].pk, record["item"].pk])
    response = client.post(
        url,
        {
            "text": "Act",
            "owner_organisation": record["seat"].organisation_id,
            "owner_role": "Lead",
            "due_date_0": "1",
            "due_date_1": "1",
            "due_date_2": "2024",
        },
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html and "is before the meeting that agreed it (4 June 2024)" in html
    # on the due date field, by its name: the summary links to its day input, the message sits above it
    assert 'href="#id_due_date_0"' in html and 'id="id_due_date-error"' in html
    assert Decision.objects.count() == 1 and Action.objects.count() == 1


def test_an_action_agreed_through_the_form_is_tracked(client, board, record, secretary, council):
    client.force_login(secretary)
    url = reverse("governance:decision_add", args=[record["meeting"].pk, record["item"].pk])
    response = client.post(
        url,
        {
            "text": "Circulate the slides",
            "owner_organisation": council.pk,
            "owner_role": "Head of Community Safety",
            "due_date_0": "1",
            "due_date_1": "7",
            "due_date_2": "2024",
            "resources_amount": "250",
        },
    )
    assert response.status_code == 302
    action = Decision.objects.get(text="Circulate the slides").action
    assert (action.lead_organisation, action.due_date, action.reference) == (
        council,
        date(2024, 7, 1),
        "2024-06-04 2.2",
    )


def test_terms_of_reference_edits_keep_history(client, board, record, secretary):
    client.force_login(secretary)
    url = reverse("governance:terms_edit", args=[board.slug])
    response = client.post(url, {"minimum_meetings_per_year": "6", "declarations_standing_item": "on", "quorum": "1"})
    assert response.status_code == 302
    terms = TermsOfReference.objects.get(partnership=board)
    assert (terms.minimum_meetings_per_year, terms.quorum) == (6, 1)
    latest = terms.history.first()
    assert latest.history_user == secretary and terms.history.count() == 2


def test_papers_upload_download_and_keep_earlier_versions(client, board, record, secretary, member):
    client.force_login(secretary)
    paper = record["paper"]
    response = client.post(
        reverse("governance:paper_replace", args=[paper.pk]),
        {"file": SimpleUploadedFile("budget-v2.pdf", PDF + b"v2", content_type="application/pdf")},
    )
    assert response.status_code == 302
    client.force_login(member)
    current = client.get(reverse("governance:paper", args=[paper.pk]))
    assert current["Content-Disposition"].startswith('attachment; filename="budget-v2.pdf"')
    assert b"".join(current.streaming_content).endswith(b"v2")
    first = Paper.history.filter(id=paper.pk).order_by("history_date").first()
    earlier = client.get(reverse("governance:paper", args=[paper.pk]) + f"?version={first.history_id}")
    assert b"".join(earlier.streaming_content) == PDF
    assert client.get(reverse("governance:paper", args=[paper.pk]) + "?version=x").status_code == 404
    page = client.get(reverse("governance:meeting", args=[record["meeting"].pk])).content.decode()
    assert "Earlier versions" in page


def test_a_bad_upload_is_refused_with_a_message(client, board, record, secretary):
    client.force_login(secretary)
    url = reverse("governance:paper_add", args=[record["meeting"].pk, record["item"].pk])
    response = client.post(url, {"title": "Macro", "file": SimpleUploadedFile("evil.xlsm", b"PK\x03\x04")})
    assert "is not a paper type we accept" in response.content.decode()
    assert Paper.objects.count() == 1


def test_forward_plan_items_go_onto_an_agenda_from_the_page(client, board, record, secretary):
    client.force_login(secretary)
    url = reverse("governance:forward_plan_schedule", args=[board.slug, record["planned"].pk])
    response = client.post(url, {"meeting": record["upcoming"].pk})
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=record["upcoming"], title="Alcohol strategy")
    assert ForwardPlanItem.objects.get().agenda_item == item
    assert "On the agenda" in client.get(reverse("governance:forward_plan", args=[board.slug])).content.decode()


def test_the_calendar_is_icalendar(client, board, record, member):
    client.force_login(member)
    response = client.get(reverse("governance:calendar"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.count("BEGIN:VEVENT") == 2
    assert f"UID:meeting-{record['meeting'].public_id}@saferhub" in body
    assert "DTSTART:20240604T090000Z" in body  # 10am British Summer Time


def _grow(board, council, n: int, offset: int) -> None:
    """More of everything a governance page lists."""
    for k in range(n):
        org = OrganisationFactory()
        membership.seat_create(partnership=board, organisation=org, position=f"Officer {k}")
        meeting = meetings.meeting_create(
            partnership=board, date=date(2020 + offset, 1 + k % 12, 1 + k), status=Meeting.Status.HELD
        )
        item = meetings.agenda_item_create(meeting=meeting, title=f"Item {k}", minutes="Noted.")
        attendance.attendance_record(meeting=meeting, organisation=org, status="present")
        minutes.decision_record(item=item, text=f"Do {k}", owner_organisation=council, due_date=date(2030, 1, 1))
        forward_plan.forward_plan_item_create(partnership=board, title=f"Plan {offset}-{k}")
        PartnershipFactory(accountable_to=board)


def _meeting_grow(meeting, council, n: int) -> None:
    for k in range(n):
        item = meetings.agenda_item_create(meeting=meeting, title=f"Extra {k}", minutes="- a\n- b")
        papers.paper_add(item=item, title=f"Paper {k}", file=SimpleUploadedFile(f"p{k}.pdf", PDF))
        minutes.declaration_add(item=item, position="Chair", organisation=council, kind="other", interest="x")
        minutes.decision_record(item=item, text=f"Act {k}", owner_organisation=council, due_date=date(2030, 1, 1))
        attendance.attendance_record(meeting=meeting, organisation=OrganisationFactory(), status="apologies")


@pytest.mark.parametrize("page", ["index", "partnership", "forward_plan", "calendar"])
def test_partnership_lists_use_a_bounded_number_of_queries(
    client, board, council, record, secretary, django_assert_max_num_queries, page
):
    url = {
        "index": reverse("governance:index"),
        "partnership": reverse("governance:partnership", args=[board.slug]),
        "forward_plan": reverse("governance:forward_plan", args=[board.slug]),
        "calendar": reverse("governance:partnership_calendar", args=[board.slug]),
    }[page]
    client.force_login(secretary)
    _grow(board, council, 2, offset=0)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    _grow(board, council, 8, offset=1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("page", ["meeting", "agenda", "minutes", "history"])
def test_meeting_pages_use_a_bounded_number_of_queries(
    client, board, council, record, secretary, django_assert_max_num_queries, page
):
    meeting = record["meeting"]
    url = {
        "meeting": reverse("governance:meeting", args=[meeting.pk]),
        "agenda": reverse("governance:document", args=[meeting.pk, "agenda"]),
        "minutes": reverse("governance:document", args=[meeting.pk, "minutes"]),
        "history": reverse("governance:meeting_history", args=[meeting.pk]),
    }[page]
    client.force_login(secretary)
    _meeting_grow(meeting, council, 2)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    _meeting_grow(meeting, council, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_a_superuser_is_the_secretariat_of_every_partnership(client, board, record):
    admin = UserFactory(username="root", is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("governance:terms_edit", args=[board.slug])).status_code == 200


def test_an_analyst_is_not_the_secretariat(client, board, record):
    analyst = UserFactory(username="analyst")
    PartnershipRoleFactory(user=analyst, partnership=board, role=Role.ANALYST)
    client.force_login(analyst)
    assert client.get(reverse("governance:meeting", args=[record["meeting"].pk])).status_code == 200
    assert client.get(reverse("governance:meeting_add", args=[board.slug])).status_code == 403


def test_adding_a_seat_marked_as_required_by_legislation(client, board, record, secretary, police):
    client.force_login(secretary)
    url = reverse("governance:seat_add", args=[board.slug])
    assert "Seat ended on" not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "organisation": police.pk,
            "position": "Chief Constable",
            "category": "member",
            "required_by_legislation": "on",
        },
    )
    assert response.status_code == 302
    seat = board.seats.get(organisation=police)
    assert (seat.position, seat.required_by_legislation, seat.nominated_person) == ("Chief Constable", True, "")
    page = client.get(reverse("governance:partnership", args=[board.slug])).content.decode()
    assert "Chief Constable" in page and "Required by legislation</strong>" in page


def test_a_declaration_recorded_through_the_form_appears_in_the_minutes(client, board, record, secretary, council):
    client.force_login(secretary)
    meeting, item = record["meeting"], record["item"]
    response = client.post(
        reverse("governance:declaration_add", args=[meeting.pk, item.pk]),
        {"organisation": council.pk, "position": "Chief Executive", "kind": "pecuniary", "interest": "Owns a bar"},
    )
    assert response.status_code == 302
    minutes = client.get(reverse("governance:document", args=[meeting.pk, "minutes"])).content.decode()
    assert "Interests declared in this item: Chief Executive, Test District Council (pecuniary interest)." in minutes


def test_no_form_label_says_optional_twice(client, board, record, secretary):
    client.force_login(secretary)
    pages = [
        reverse("governance:meeting_add", args=[board.slug]),
        reverse("governance:decision_add", args=[record["meeting"].pk, record["item"].pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "(optional)" in html, url  # the optional fields are still marked
        assert "(optional) (optional)" not in html, url
