"""The attendance tick-list: one line per seat at the meeting, marked present, apologies, substitute
(and who) or absent, saved at once; and who may use it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from saferhub.accounts.models import Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.models import AuditEvent
from saferhub.governance.models import Attendance, Meeting
from saferhub.governance.selectors import meeting_record, partnership_governance
from saferhub.governance.services.attendance import SeatMark, attendance_sheet_save, seats_at
from tests.factories import MeetingFactory, OrganisationFactory, PartnershipRoleFactory, SeatFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seats(board):
    return [
        SeatFactory(partnership=board, organisation=OrganisationFactory(name=f"Member body {n}"), position=f"Post {n}")
        for n in range(1, 6)
    ]


@pytest.fixture
def meeting(board):
    return MeetingFactory(partnership=board, date=date(2024, 6, 4))


def _sheet(meeting, seats, marks, **extra):
    data = {f"seat-{s.pk}": m for s, m in zip(seats, marks, strict=True)}
    return {**data, **extra}


def test_the_secretariat_marks_every_member_at_once(client, board, secretary, seats, meeting):
    client.force_login(secretary)
    url = reverse("governance:attendance", args=[meeting.pk])
    page = client.get(url).content.decode()
    for seat in seats:  # one line per seat, nothing marked yet
        assert f'name="seat-{seat.pk}"' in page and f'id="id_seat-{seat.pk}_0"' in page
    assert "checked" not in page
    data = _sheet(
        meeting,
        seats,
        ["present", "present", "substitute", "apologies", "absent"],
        **{f"seat-{seats[2].pk}-substitute": "Deputy Director", "chair": str(seats[0].pk)},
    )
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("#attendance")
    rows = {a.seat_id: a for a in Attendance.objects.filter(meeting=meeting)}
    assert [rows[s.pk].status for s in seats] == ["present", "present", "present", "apologies", "absent"]
    assert rows[seats[2].pk].substitute == "Deputy Director" and rows[seats[2].pk].position == "Post 3"
    assert rows[seats[0].pk].is_chair and sum(a.is_chair for a in rows.values()) == 1
    assert AuditEvent.objects.filter(action="governance.attendance.sheet").count() == 1
    # a substitute counts as the body being present; the record says who came
    record = meeting_record(meeting)
    assert record.bodies_present == 3
    stats = {b.name: b for b in partnership_governance(board).attendance}
    assert stats["Member body 3"].present == 1
    shown = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert "Deputy Director (substitute for Post 3)" in shown


def test_starting_with_everyone_present_marks_only_the_unmarked(client, secretary, seats, meeting):
    attendance_sheet_save(meeting=meeting, marks=[SeatMark(seat=seats[0], mark="apologies")])
    client.force_login(secretary)
    page = client.get(reverse("governance:attendance", args=[meeting.pk]) + "?everyone=present").content.decode()
    assert f'id="id_seat-{seats[0].pk}_1" name="seat-{seats[0].pk}" type="radio" value="apologies" checked' in page
    for seat in seats[1:]:
        assert f'id="id_seat-{seat.pk}_0" name="seat-{seat.pk}" type="radio" value="present" checked' in page
    assert Attendance.objects.filter(meeting=meeting).count() == 1  # nothing is saved by starting


def test_saving_again_changes_the_lines_and_adds_none(client, secretary, seats, meeting):
    attendance_sheet_save(meeting=meeting, marks=[SeatMark(seat=s, mark="present") for s in seats], chair=seats[0])
    saved = attendance_sheet_save(
        meeting=meeting,
        marks=[SeatMark(seat=seats[0], mark="apologies"), *[SeatMark(seat=s, mark="present") for s in seats[1:]]],
        chair=seats[1],
    )
    assert (saved.present, saved.apologies) == (4, 1)
    rows = {a.seat_id: a for a in Attendance.objects.filter(meeting=meeting)}
    assert len(rows) == 5 and rows[seats[0].pk].status == "apologies"
    assert [s.pk for s in seats if rows[s.pk].is_chair] == [seats[1].pk]
    assert rows[seats[0].pk].history.count() == 2  # the change is in its history


def test_an_unmarked_member_and_a_substitute_without_a_name_are_refused_and_nothing_is_saved(
    client, secretary, seats, meeting
):
    client.force_login(secretary)
    url = reverse("governance:attendance", args=[meeting.pk])
    data = _sheet(meeting, seats[:4], ["present", "substitute", "apologies", "absent"])  # the fifth unmarked
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert f'href="#id_seat-{seats[4].pk}_0"' in html and "Select whether Post 5, Member body 5 was present" in html
    assert f'href="#id_seat-{seats[1].pk}-substitute"' in html
    assert "Enter the position of who came instead of Post 2, Member body 2" in html
    assert Attendance.objects.filter(meeting=meeting).count() == 0
    # what was marked is still marked
    assert 'value="apologies" checked' in html


def test_the_chair_must_have_been_there(secretary, seats, meeting):
    with pytest.raises(ValidationProblem, match="cannot have chaired the meeting") as raised:
        attendance_sheet_save(
            meeting=meeting,
            marks=[SeatMark(seat=seats[0], mark="apologies"), SeatMark(seat=seats[1], mark="present")],
            chair=seats[0],
        )
    assert raised.value.field == "chair"
    assert Attendance.objects.count() == 0


def test_a_seat_of_another_partnership_or_marked_twice_is_refused(other_board, seats, meeting):
    stranger = SeatFactory(partnership=other_board)
    with pytest.raises(ValidationProblem, match="is not a seat of Test Community Safety Board") as raised:
        attendance_sheet_save(meeting=meeting, marks=[SeatMark(seat=stranger, mark="present")])
    assert raised.value.field == f"seat-{stranger.pk}"
    with pytest.raises(ValidationProblem, match="marked twice") as raised:
        attendance_sheet_save(
            meeting=meeting, marks=[SeatMark(seat=seats[0], mark="present"), SeatMark(seat=seats[0], mark="absent")]
        )
    assert raised.value.code == "duplicate"
    with pytest.raises(ValidationProblem, match="'late' is not one of"):
        attendance_sheet_save(meeting=meeting, marks=[SeatMark(seat=seats[0], mark="late")])
    assert Attendance.objects.count() == 0


def test_a_posted_seat_that_is_not_on_the_list_is_ignored(client, secretary, other_board, seats, meeting):
    """The form reads only the seats it listed: a forged line for another partnership's seat is
    never saved."""
    stranger = SeatFactory(partnership=other_board)
    client.force_login(secretary)
    data = _sheet(meeting, seats, ["present"] * 5, **{f"seat-{stranger.pk}": "present"})
    response = client.post(reverse("governance:attendance", args=[meeting.pk]), data)
    assert response.status_code == 302
    assert not Attendance.objects.filter(seat=stranger).exists()
    assert Attendance.objects.filter(meeting=meeting).count() == 5


def test_a_cancelled_meeting_has_no_list(client, secretary, seats, meeting):
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    with pytest.raises(ValidationProblem, match="cancelled"):
        attendance_sheet_save(meeting=meeting, marks=[SeatMark(seat=seats[0], mark="present")])
    client.force_login(secretary)
    response = client.get(reverse("governance:attendance", args=[meeting.pk]))
    assert response.status_code == 302


def test_an_ended_seat_is_not_on_the_list_of_a_later_meeting(board, seats, meeting):
    seats[0].ended_on = date(2024, 1, 1)
    seats[0].save()
    assert seats[0] not in seats_at(meeting)
    earlier = MeetingFactory(partnership=board, date=date(2023, 12, 1))
    assert seats[0] in seats_at(earlier)


@pytest.mark.parametrize("role", [None, Role.VIEWER, Role.CONTRIBUTOR, Role.ANALYST])
def test_only_the_secretariat_of_the_partnership_marks_attendance(client, board, other_board, seats, meeting, role):
    user = UserFactory()
    PartnershipRoleFactory(user=user, partnership=other_board, role=Role.ADMINISTRATOR)  # secretariat elsewhere
    if role is not None:
        PartnershipRoleFactory(user=user, partnership=board, role=role)
    client.force_login(user)
    url = reverse("governance:attendance", args=[meeting.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _sheet(meeting, seats, ["present"] * 5)).status_code == 403
    assert Attendance.objects.count() == 0
