"""Governance services: a meeting cycle end to end, and bad input that changes nothing."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from saferhub.core.errors import ValidationProblem
from saferhub.core.models import AuditEvent
from saferhub.delivery.models import Action, ActionPlan
from saferhub.governance.models import (
    AgendaItem,
    Attendance,
    Decision,
    Declaration,
    ForwardPlanItem,
    Meeting,
    MonitoredIndicator,
    Paper,
    Seat,
    TermsOfReference,
)
from saferhub.governance.selectors import meeting_matters_arising, meeting_record
from saferhub.governance.services import attendance, forward_plan, meetings, membership, minutes, monitoring, papers

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a tiny test paper\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_meeting_cycle_from_agenda_to_the_next_meetings_matters_arising(board, council, police, secretary):
    # Given terms of reference that make declarations a standing item, and two seats
    membership.terms_of_reference_save(
        partnership=board, minimum_meetings_per_year=4, declarations_standing_item=True, actor=secretary
    )
    membership.seat_create(partnership=board, organisation=council, position="Chief Executive", actor=secretary)
    membership.seat_create(partnership=board, organisation=police, position="Chief Superintendent", actor=secretary)

    # When the secretariat arranges the first meeting, its agenda opens with declarations
    first = meetings.meeting_create(partnership=board, date=date(2024, 6, 4), start_time=time(10), actor=secretary)
    assert [i.kind for i in first.items.all()] == [AgendaItem.Kind.DECLARATIONS]
    paper_item = meetings.agenda_item_create(
        meeting=first, title="Night-time economy funding", kind=AgendaItem.Kind.DECISION, actor=secretary
    )
    assert paper_item.number == "2"
    papers.paper_add(
        item=paper_item,
        title="Funding proposal",
        file=SimpleUploadedFile("proposal.pdf", PDF, content_type="application/pdf"),
        actor=secretary,
    )

    # and records who came on the tick-list, an interest declared against the item, the minutes and two
    # actions agreed
    chief_exec, superintendent = attendance.seats_at(first)
    saved = attendance.attendance_sheet_save(
        meeting=first,
        marks=[
            attendance.SeatMark(seat=chief_exec, mark="present"),
            attendance.SeatMark(seat=superintendent, mark="substitute", substitute="Chief Inspector"),
        ],
        chair=chief_exec,
        actor=secretary,
    )
    assert (saved.present, saved.substitutes, saved.apologies, saved.absent) == (2, 1, 0, 0)
    minutes.declaration_add(
        item=paper_item,
        position="Chief Executive",
        organisation=council,
        kind="pecuniary",
        interest="Spouse runs a licensed venue in the town centre",
        action_taken="Left the meeting for the item",
        actor=secretary,
    )
    meetings.agenda_item_update(item=paper_item, minutes="The proposal was discussed.\n\n- Funding agreed")
    meetings.meeting_update(meeting=first, status=Meeting.Status.HELD, actor=secretary)
    open_action = minutes.decision_record(
        item=paper_item,
        text="Fund the night-time economy scheme",
        owner_organisation=police,
        owner_role="Chief Superintendent",
        due_date=date(2024, 9, 30),
        resources_amount="40000.00",
        actor=secretary,
    )
    done = minutes.decision_record(
        item=paper_item,
        text="The proposal be approved",
        owner_role="The board",
        agreed_complete=True,
        actor=secretary,
    )

    # Then each action agreed is a tracked action with its owner and due date, in the board's decisions plan
    plan = ActionPlan.objects.get(slug="test-board-decisions")
    assert open_action.action.plan == plan and open_action.action.reference == "2024-06-04 2.1"
    assert (open_action.action.lead_organisation, open_action.action.lead_role) == (police, "Chief Superintendent")
    assert open_action.action.due_date == date(2024, 9, 30)
    assert open_action.action.resources_amount == Decimal("40000.00")
    assert done.action.status == Action.Status.COMPLETE and done.action.due_date == date(2024, 6, 4)

    # When the next meeting is arranged, its agenda has the standing items and its matters arising
    # list the first meeting's open action (not the completed one)
    second = meetings.meeting_create(partnership=board, date=date(2024, 9, 10), actor=secretary)
    assert [i.kind for i in second.items.order_by("order")] == [
        AgendaItem.Kind.DECLARATIONS,
        AgendaItem.Kind.PREVIOUS_MINUTES,
        AgendaItem.Kind.MATTERS_ARISING,
    ]
    assert list(meeting_matters_arising(second)) == [open_action]

    # and a forward plan item for it goes onto its agenda
    planned = forward_plan.forward_plan_item_create(
        partnership=board, title="Alcohol strategy", lead="Head of Licensing", target_meeting=second, actor=secretary
    )
    record = meeting_record(second)
    assert record.forward_plan == [planned]
    agenda_item = forward_plan.forward_plan_item_schedule(item=planned, meeting=second, actor=secretary)
    planned.refresh_from_db()
    assert planned.status == ForwardPlanItem.Status.ON_AGENDA and planned.agenda_item == agenda_item
    assert (agenda_item.number, agenda_item.title, agenda_item.presenter) == (
        "4",
        "Alcohol strategy",
        "Head of Licensing",
    )
    assert meeting_record(second).forward_plan == []

    # When the action is completed, it no longer arises
    from saferhub.delivery.services import action_progress_add

    action_progress_add(action=open_action.action, on=date(2024, 9, 1), text="Paid", status_after="complete")
    assert list(meeting_matters_arising(second)) == []

    # And the first meeting's record holds it all, with an audit row for each change
    first_record = meeting_record(first)
    assert first_record.chair.organisation == council
    assert [d.interest for d in first_record.declarations] == ["Spouse runs a licensed venue in the town centre"]
    assert first_record.flags == []
    assert AuditEvent.objects.filter(action="governance.decision.record").count() == 2


def test_a_paper_replaced_keeps_its_earlier_version(board, secretary):
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 6, 4))
    item = meetings.agenda_item_create(meeting=meeting, title="Budget")
    paper = papers.paper_add(
        item=item, title="Budget report", file=SimpleUploadedFile("budget.pdf", PDF), actor=secretary
    )
    first_name, first_sha = paper.file.name, paper.sha256
    papers.paper_replace(paper=paper, file=SimpleUploadedFile("budget-v2.pdf", PDF + b"v2"), actor=secretary)
    paper.refresh_from_db()
    assert paper.original_name == "budget-v2.pdf" and paper.sha256 != first_sha
    versions = list(paper.history.order_by("history_date").values_list("file", "sha256"))
    assert versions[0] == (first_name, first_sha)
    assert paper.file.storage.exists(first_name)  # the earlier file is kept


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("minutes.exe", b"MZ", "not a paper type"),
        ("report.pdf", b"<html>not a pdf</html>", "does not look like a PDF"),
        ("report.docx", b"not a zip", "does not look like a DOCX"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_a_bad_paper_is_refused_and_nothing_is_saved(board, name, content, message):
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 6, 4))
    item = meetings.agenda_item_create(meeting=meeting, title="Budget")
    with pytest.raises(ValidationProblem, match=message) as raised:
        papers.paper_add(item=item, title="Report", file=SimpleUploadedFile(name, content))
    assert "item 2, paper" in str(raised.value)
    assert Paper.objects.count() == 0


def test_a_paper_over_the_size_limit_is_refused(board, settings):
    settings.SAFERHUB_MAX_UPLOAD_BYTES = 20
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 6, 4))
    item = meetings.agenda_item_create(meeting=meeting, title="Budget")
    with pytest.raises(ValidationProblem, match="papers can be up to 20 bytes"):
        papers.paper_add(item=item, title="Report", file=SimpleUploadedFile("big.pdf", PDF))
    assert Paper.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due_date": date(2024, 6, 3)}, "before the meeting that agreed it"),
        ({"due_date": None}, "needs a due date"),
        ({"owner_role": "", "owner_organisation": None}, "needs an owner"),
        ({"text": "   "}, "the action agreed is required"),
        ({"resources_amount": "-5"}, "cannot be negative"),
        ({"resources_amount": "5.001"}, "fractions of a penny"),
        ({"resources_amount": 12.5}, "not a float"),
        ({"text": "Fund it\x00now"}, "control characters"),
    ],
)
def test_an_action_agreed_with_bad_input_is_refused_and_nothing_is_saved(board, changes, message):
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 6, 4))
    item = meetings.agenda_item_create(meeting=meeting, title="Budget")
    values = {"text": "Fund it", "owner_role": "Treasurer", "due_date": date(2024, 9, 1), **changes}
    with pytest.raises(ValidationProblem, match=message) as raised:
        minutes.decision_record(item=item, **values)
    assert "Test Community Safety Board meeting of 4 June 2024, item 2, action agreed" in str(raised.value)
    assert Decision.objects.count() == 0 and Action.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"date": "1 July 2008"}, "is not a date"),
        ({"start_time": time(11), "end_time": time(10)}, "ends (10:00) before it starts (11:00)"),
        ({"status": "postponed"}, "status 'postponed' is not one of"),
        ({"date": "2999-01-01", "status": "held"}, "cannot have been held yet"),
        ({"location": "x" * 301}, "longer than 300 characters"),
    ],
)
def test_a_meeting_with_bad_input_is_refused_and_nothing_is_saved(board, values, message):
    with pytest.raises(ValidationProblem, match=re.escape(message)) as raised:
        meetings.meeting_create(partnership=board, **{"date": date(2024, 6, 4), **values})
    assert str(raised.value).startswith("new meeting of Test Community Safety Board: ")
    assert Meeting.objects.count() == 0 and AgendaItem.objects.count() == 0


def test_a_cancelled_meeting_takes_no_items_declarations_attendance_or_decisions(board, council):
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 6, 4))
    item = meeting.items.get()
    meetings.meeting_update(meeting=meeting, status=Meeting.Status.CANCELLED, note="Not quorate")
    with pytest.raises(ValidationProblem, match="cancelled"):
        meetings.agenda_item_create(meeting=meeting, title="Late item")
    with pytest.raises(ValidationProblem, match="cancelled"):
        minutes.declaration_add(item=item, position="Chair", kind="other", interest="x")
    with pytest.raises(ValidationProblem, match="cancelled"):
        attendance.attendance_record(meeting=meeting, organisation=council, status="present")
    with pytest.raises(ValidationProblem, match="cancelled"):
        minutes.decision_record(item=item, text="x", owner_role="y", due_date=date(2024, 7, 1))
    assert meeting.items.count() == 1 and Declaration.objects.count() == 0 and Attendance.objects.count() == 0


def test_only_one_person_chairs_a_meeting(board, council, police):
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 6, 4))
    attendance.attendance_record(meeting=meeting, organisation=council, status="present", is_chair=True)
    with pytest.raises(ValidationProblem, match="already recorded as chairing"):
        attendance.attendance_record(meeting=meeting, organisation=police, status="present", is_chair=True)
    assert meeting.attendance.count() == 1


def test_declarations_need_a_known_kind_and_a_stated_interest(board):
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 6, 4))
    item = meeting.items.get()
    with pytest.raises(ValidationProblem, match="kind of interest 'financial' is not one of: pecuniary, other"):
        minutes.declaration_add(item=item, position="Chair", kind="financial", interest="Shares")
    with pytest.raises(ValidationProblem, match="nature of the interest is required"):
        minutes.declaration_add(item=item, position="Chair", kind="other", interest="")
    assert Declaration.objects.count() == 0


def test_terms_of_reference_changes_keep_history_and_check_the_quorum(board, council, secretary):
    membership.seat_create(partnership=board, organisation=council, position="Chief Executive")
    terms = membership.terms_of_reference_save(partnership=board, minimum_meetings_per_year=4, actor=secretary)
    membership.terms_of_reference_save(partnership=board, minimum_meetings_per_year=6, actor=secretary)
    assert list(terms.history.order_by("history_date").values_list("minimum_meetings_per_year", flat=True)) == [4, 6]
    with pytest.raises(ValidationProblem, match="a quorum of 2 is more than the 1 seats"):
        membership.terms_of_reference_save(partnership=board, quorum=2)
    with pytest.raises(ValidationProblem, match="between 1 and 52"):
        membership.terms_of_reference_save(partnership=board, minimum_meetings_per_year=0)
    assert TermsOfReference.objects.get().quorum is None


def test_a_seat_needs_an_organisation_or_a_partnership_and_cannot_be_the_partnership_itself(board):
    with pytest.raises(ValidationProblem, match="needs an organisation or a partnership"):
        membership.seat_create(partnership=board, position="Chair")
    with pytest.raises(ValidationProblem, match="cannot hold a seat on itself"):
        membership.seat_create(partnership=board, represents=board, position="Chair")
    assert Seat.objects.count() == 0


def test_ending_a_seat_takes_it_out_of_the_next_attendance_list(board, council, police):
    keep = membership.seat_create(partnership=board, organisation=council, position="Chief Executive")
    gone = membership.seat_create(partnership=board, organisation=police, position="Superintendent")
    membership.seat_update(seat=gone, ended_on=date(2024, 1, 1))
    before = meetings.meeting_create(partnership=board, date=date(2023, 12, 1))
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 6, 4))
    assert attendance.seats_at(meeting) == [keep]
    assert attendance.seats_at(before) == [keep, gone]  # the seat had not ended then
    with pytest.raises(ValidationProblem, match="is not a seat of Test Community Safety Board") as raised:
        attendance.attendance_sheet_save(meeting=meeting, marks=[attendance.SeatMark(seat=gone, mark="present")])
    assert raised.value.field == f"seat-{gone.pk}"
    assert meeting.attendance.count() == 0


def test_forward_plan_items_go_only_to_the_partnerships_own_meetings_still_to_come(board, other_board):
    held = meetings.meeting_create(partnership=board, date=date(2024, 6, 4), status="held")
    elsewhere = meetings.meeting_create(partnership=other_board, date=date(2024, 9, 4))
    with pytest.raises(ValidationProblem, match="choose a meeting still to come"):
        forward_plan.forward_plan_item_create(partnership=board, title="Review", target_meeting=held)
    with pytest.raises(ValidationProblem, match="another partnership's"):
        forward_plan.forward_plan_item_create(partnership=board, title="Review", target_meeting=elsewhere)
    item = forward_plan.forward_plan_item_create(partnership=board, title="Review")
    with pytest.raises(ValidationProblem, match="is held"):
        forward_plan.forward_plan_item_schedule(item=item, meeting=held)
    forward_plan.forward_plan_item_withdraw(item=item)
    item.refresh_from_db()
    assert item.status == ForwardPlanItem.Status.WITHDRAWN
    with pytest.raises(ValidationProblem, match="withdrawn, not planned"):
        forward_plan.forward_plan_item_schedule(
            item=item, meeting=meetings.meeting_create(partnership=board, date=timezone.localdate() + timedelta(days=9))
        )


def test_monitored_indicators_link_by_national_reference_and_report_the_rest(board):
    from saferhub.framework.models import Indicator

    MonitoredIndicator.objects.create(partnership=board, title="Perception of ASB", national_indicator_ref="NI 17")
    MonitoredIndicator.objects.create(partnership=board, title="Feeling safe", reference="Local Indicator 7.2")
    report = monitoring.monitored_indicators_link(partnership=board)
    assert report.linked == 0 and len(report.unlinked) == 2
    indicator = Indicator.objects.create(
        slug="asb-perception", title="Perceptions of ASB", national_indicator_ref="NI17"
    )
    report = monitoring.monitored_indicators_link(partnership=board)
    assert report.linked == 1 and report.unlinked == ["Feeling safe (Local Indicator 7.2)"]
    assert MonitoredIndicator.objects.get(title="Perception of ASB").indicator == indicator


def test_without_a_national_reference_an_indicator_links_by_the_partnerships_own_wording(board, other_board):
    from saferhub.framework.models import Framework, Indicator, IndicatorMembership

    row = MonitoredIndicator.objects.create(partnership=board, title="Care leavers misusing drugs/alcohol")
    indicator = Indicator.objects.create(slug="care-leavers", title="Care leavers misusing drugs or alcohol")
    elsewhere = Framework.objects.create(slug="other-plan", title="Other plan", owner=other_board)
    IndicatorMembership.objects.create(framework=elsewhere, indicator=indicator, title_in_plan=row.title)
    assert monitoring.monitored_indicators_link(partnership=board).linked == 0  # another partnership's wording
    own = Framework.objects.create(slug="board-plan", title="Board plan", owner=board)
    IndicatorMembership.objects.create(
        framework=own, indicator=indicator, title_in_plan="Care leavers misusing drugs / alcohol"
    )
    assert monitoring.monitored_indicators_link(partnership=board).linked == 1
    row.refresh_from_db()
    assert row.indicator == indicator


@pytest.mark.parametrize(
    ("written", "ref"),
    [("NI 18; LAA 2", "NI 18"), ("NI 39 LAA 2", "NI 39"), ("NI 195 ; LAA 2", "NI 195"), ("PRG target", ""), ("", "")],
)
def test_national_indicator_references_are_read_from_the_minutes_wording(written, ref):
    assert monitoring.national_indicator_ref(written) == ref
