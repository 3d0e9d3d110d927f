"""What governance pages read: flags, attendance statistics, matters arising, the structure and changes."""

from __future__ import annotations

from datetime import date, time

import pytest

from saferhub.governance.changes import meeting_changes
from saferhub.governance.models import Attendance, Meeting
from saferhub.governance.selectors import (
    attendance_statistics,
    meeting_record,
    partnership_governance,
)
from saferhub.governance.services import attendance, meetings, membership
from saferhub.governance.structure import governance_structure
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)


def _texts(flags):
    return [f.text for f in flags]


def test_a_partnership_that_met_fewer_times_than_its_terms_require_is_flagged(board):
    membership.terms_of_reference_save(partnership=board, minimum_meetings_per_year=4)
    for day in (date(2024, 5, 1), date(2024, 9, 1)):
        meetings.meeting_create(partnership=board, date=day, status=Meeting.Status.HELD)
    cancelled = meetings.meeting_create(partnership=board, date=date(2024, 12, 1))
    meetings.meeting_update(meeting=cancelled, status=Meeting.Status.CANCELLED)
    flags = _texts(partnership_governance(board, today=TODAY).flags)
    assert (
        "Met or planned to meet 2 times in 2024/25; the terms of reference require at least 4 meetings a year." in flags
    )


def test_a_year_that_meets_the_minimum_is_not_flagged(board):
    membership.terms_of_reference_save(partnership=board, minimum_meetings_per_year=2)
    meetings.meeting_create(partnership=board, date=date(2024, 5, 1), status=Meeting.Status.HELD)
    meetings.meeting_create(partnership=board, date=date(2025, 3, 31), status=Meeting.Status.HELD)
    governance = partnership_governance(board, today=TODAY)
    assert [(y.label, y.count) for y in governance.years] == [("2024/25", 2)]
    assert not [f for f in _texts(governance.flags) if "times in" in f]


def test_a_meeting_without_its_declarations_item_is_flagged_on_the_partnership_and_the_meeting(board):
    membership.terms_of_reference_save(partnership=board, declarations_standing_item=True)
    without = meetings.meeting_create(partnership=board, date=date(2024, 5, 1), standing_items=False)
    meetings.meeting_create(partnership=board, date=date(2024, 9, 1))
    flags = partnership_governance(board, today=TODAY).flags
    missing = [f for f in flags if "declarations" in f.text]
    assert [(f.text, f.meeting) for f in missing] == [
        ("The meeting of 1 May 2024 has no declarations of interest item.", without)
    ]
    assert "This meeting has no declarations of interest item." in _texts(meeting_record(without, today=TODAY).flags)


def test_no_declarations_flag_when_the_terms_do_not_make_it_a_standing_item(board):
    membership.terms_of_reference_save(partnership=board, declarations_standing_item=False)
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 5, 1))
    assert [i.kind for i in meeting.items.all()] == []
    assert not [f for f in _texts(partnership_governance(board, today=TODAY).flags) if "declarations" in f]


def test_a_meeting_below_quorum_is_flagged(board, council, police):
    membership.seat_create(partnership=board, organisation=council, position="Chief Executive")
    membership.seat_create(partnership=board, organisation=police, position="Superintendent")
    membership.terms_of_reference_save(partnership=board, quorum=2)
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 5, 1), status=Meeting.Status.HELD)
    attendance.attendance_record(meeting=meeting, organisation=council, position="Chief Executive", status="present")
    attendance.attendance_record(meeting=meeting, organisation=council, position="Deputy", status="present")
    attendance.attendance_record(meeting=meeting, organisation=police, position="Superintendent", status="apologies")
    expected = "not quorate: 1 members present, quorum 2."
    assert any(expected in f for f in _texts(partnership_governance(board, today=TODAY).flags))
    assert any(expected in f for f in _texts(meeting_record(meeting, today=TODAY).flags))


def test_other_flags_no_terms_past_review_and_meetings_left_as_scheduled(board, other_board):
    meetings.meeting_create(partnership=other_board, date=date(2024, 5, 1))
    assert _texts(partnership_governance(other_board, today=TODAY).flags) == [
        "No terms of reference are recorded.",
        "The meeting of 1 May 2024 has passed but is not recorded as held or cancelled.",
    ]
    membership.terms_of_reference_save(partnership=board, review_by=date(2025, 1, 31))
    assert "The terms of reference were due for review by 31 January 2025." in _texts(
        partnership_governance(board, today=TODAY).flags
    )


def test_attendance_statistics_ignore_cancelled_and_future_meetings(board, council, police):
    membership.seat_create(partnership=board, organisation=council, position="Chief Executive")
    held = meetings.meeting_create(partnership=board, date=date(2024, 5, 1), status=Meeting.Status.HELD)
    attendance.attendance_record(meeting=held, organisation=council, status="present")
    attendance.attendance_record(meeting=held, organisation=police, status="apologies")
    # Apologies were sent for a meeting that was then cancelled, and for one still to come.
    called_off = meetings.meeting_create(partnership=board, date=date(2024, 9, 1))
    attendance.attendance_record(meeting=called_off, organisation=council, status="apologies")
    meetings.meeting_update(meeting=called_off, status=Meeting.Status.CANCELLED)
    upcoming = meetings.meeting_create(partnership=board, date=date(2030, 1, 1))
    attendance.attendance_record(meeting=upcoming, organisation=police, status="apologies")
    stats = {b.name: b for b in attendance_statistics(board)}
    assert (stats[council.name].meetings, stats[council.name].present, stats[council.name].apologies) == (1, 1, 0)
    assert (stats[police.name].present, stats[police.name].apologies, stats[police.name].holds_seat) == (0, 1, False)
    assert stats[council.name].present_percent == 100


def test_a_body_is_counted_by_the_partnership_it_spoke_for(board, council):
    csp = PartnershipFactory(slug="test-csp", name="Test CSP")
    membership.seat_create(partnership=board, represents=csp, position="Chair")
    held = meetings.meeting_create(partnership=board, date=date(2024, 5, 1), status=Meeting.Status.HELD)
    attendance.attendance_record(meeting=held, organisation=council, represents=csp, status=Attendance.Status.PRESENT)
    [body] = attendance_statistics(board)
    assert (body.name, body.holds_seat, body.present) == ("Test CSP", True, 1)


def test_the_structure_is_a_tree_of_accountable_to_and_survives_a_loop(db):
    forum = PartnershipFactory(slug="forum", name="Forum")
    board = PartnershipFactory(slug="board", name="Board", accountable_to=forum)
    PartnershipFactory(slug="csp", name="CSP", accountable_to=board)
    a = PartnershipFactory(slug="loop-a", name="Loop A")
    b = PartnershipFactory(slug="loop-b", name="Loop B", accountable_to=a)
    a.accountable_to = b
    a.save()
    roots = governance_structure()
    assert roots[0].partnership == forum
    assert [n.partnership.slug for n in roots[0].children] == ["board"]
    assert [n.partnership.slug for n in roots[0].children[0].children] == ["csp"]
    assert {n.partnership.slug for n in roots} >= {"loop-a", "loop-b"}


def test_changes_to_a_meeting_record_say_who_did_what(board, secretary):
    meeting = meetings.meeting_create(partnership=board, date=date(2024, 5, 1), start_time=time(10), actor=secretary)
    item = meetings.agenda_item_create(meeting=meeting, title="Budget", actor=secretary)
    meetings.agenda_item_update(item=item, minutes="Agreed.")
    changes = meeting_changes(meeting)
    assert [c.thing for c in changes if c.what == "Changed"] == ["Agenda item: 2. Budget"]
    assert {c.thing for c in changes if c.what == "Added"} == {
        "Meeting: 01 May 2024, Scheduled",
        "Agenda item: 1. Declarations of pecuniary or other interests",
        "Agenda item: 2. Budget",
    }


def test_the_structure_is_drawn_as_a_tree_whose_links_follow_accountable_to(db):
    import re

    from saferhub.governance.diagram import structure_svg

    lone = PartnershipFactory(slug="lone", name="Lone board")
    assert structure_svg(governance_structure()) == ""  # nothing is accountable to anything: the list says it all
    forum = PartnershipFactory(slug="forum", name="Forum")
    board = PartnershipFactory(slug="board", name="Safer board", accountable_to=forum)
    PartnershipFactory(slug="csp-a", name="CSP A", accountable_to=board)
    PartnershipFactory(slug="csp-b", name="CSP B", accountable_to=board)
    svg = structure_svg(governance_structure())
    assert svg.startswith("<svg") and 'role="img"' in svg and "5 partnerships" in svg
    for name in ("Forum", "Safer board", "CSP A", "CSP B", lone.name):
        assert f">{name}</text>" in svg
    # one link per accountable-to relationship (forum←board, board←csp-a, board←csp-b); none to the hidden root
    links = re.findall(r'<g class="mark-path[^"]*"[^>]*>(.*?)</g>', svg, flags=re.S)
    assert len(re.findall(r"<path ", links[0])) == 3
