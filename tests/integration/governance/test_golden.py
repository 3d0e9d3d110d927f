"""The agenda and the minutes of a meeting, as the page and the PDF render them, against golden files
(tests/golden/governance/). The meeting is built through the services with fixed dates and names:
standing items, a paper held elsewhere, attendance with a substitute and apologies, a declaration,
minutes in outline, actions agreed (one from an earlier meeting still open, so it arises)."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.template.loader import render_to_string

from saferhub.governance.selectors import meeting_record
from saferhub.governance.services import attendance, meetings, membership, minutes, papers
from tests.factories import OrganisationFactory, PartnershipFactory
from tests.golden import assert_golden, without_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_meeting():
    board = PartnershipFactory(slug="golden-board", name="Golden Community Safety Partnership")
    council = OrganisationFactory(slug="golden-council", name="Golden District Council")
    police = OrganisationFactory(slug="golden-police", name="Golden Constabulary", kind="police")
    fire = OrganisationFactory(slug="golden-fire", name="Golden Fire and Rescue Service", kind="fire")
    membership.terms_of_reference_save(partnership=board, minimum_meetings_per_year=4)
    chair = membership.seat_create(partnership=board, organisation=council, position="Chief Executive")
    superintendent = membership.seat_create(partnership=board, organisation=police, position="Superintendent")
    station = membership.seat_create(partnership=board, organisation=fire, position="Station Commander")

    first = meetings.meeting_create(partnership=board, date=date(2024, 3, 5), start_time=time(10), status="held")
    budget = meetings.agenda_item_create(meeting=first, title="Night-time economy", kind="decision")
    minutes.decision_record(
        item=budget,
        text="Fund *street pastors* for a year",
        owner_organisation=council,
        owner_role="Community Safety Manager",
        due_date=date(2099, 3, 31),
        resources_amount="12000",
    )

    second = meetings.meeting_create(
        partnership=board,
        date=date(2024, 6, 4),
        start_time=time(9, 30),
        end_time=time(11, 15),
        location="Council Chamber, Civic Centre",
        status="held",
    )
    item = meetings.agenda_item_create(
        meeting=second,
        title="Anti-social behaviour in the town centre",
        kind="discussion",
        presenter="Superintendent, Golden Constabulary",
        summary="A report on the summer's incidents.\n\n- Hotspots\n- Dispersal orders",
        minutes="The report was noted.\n\n1. Incidents fell by a fifth\n2. Two dispersal orders were made",
    )
    papers.paper_add(item=item, title="Town centre report", note="Circulated by email")
    attendance.attendance_sheet_save(
        meeting=second,
        marks=[
            attendance.SeatMark(seat=chair, mark="present"),
            attendance.SeatMark(seat=superintendent, mark="substitute", substitute="Chief Inspector"),
            attendance.SeatMark(seat=station, mark="apologies"),
        ],
        chair=chair,
    )
    minutes.declaration_add(
        item=item, position="Chief Executive", organisation=council, kind="other", interest="Lives in the town centre"
    )
    minutes.decision_record(
        item=item,
        text="Report the effect of the dispersal orders",
        owner_organisation=police,
        due_date=date(2099, 9, 30),
    )
    return second


@pytest.mark.parametrize("kind", ["agenda", "minutes"])
def test_the_meeting_documents_match_their_golden_files(second_meeting, kind):
    html = render_to_string(f"governance/documents/_{kind}.html", {"r": meeting_record(second_meeting)})
    assert_golden(f"governance/{kind}.html", without_ids(html))
