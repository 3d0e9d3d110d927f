"""The same declaration, action agreed or action submitted twice is caught before saving, with a
message saying it is already recorded; and an action agreed is owned by one of the partnership's
member organisations."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from saferhub.accounts.models import Role
from saferhub.core.errors import ValidationProblem
from saferhub.delivery.models import Action
from saferhub.delivery.services import action_create
from saferhub.governance.models import Decision, Declaration
from saferhub.governance.services.minutes import decision_record, declaration_add, member_organisations
from tests.factories import (
    ActionPlanFactory,
    AgendaItemFactory,
    MeetingFactory,
    OrganisationFactory,
    PartnershipRoleFactory,
    SeatFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(board, council):
    SeatFactory(partnership=board, organisation=council)
    return AgendaItemFactory(meeting=MeetingFactory(partnership=board, date=date(2024, 6, 4)), number="5")


def test_a_declaration_submitted_twice_is_kept_once(item, council):
    values = {"position": "Chief Executive", "organisation": council, "kind": "other", "interest": "Owns a bar"}
    declaration_add(item=item, **values)
    with pytest.raises(ValidationProblem, match="already recorded against item 5") as raised:
        declaration_add(item=item, **{**values, "position": " chief executive ", "interest": "owns a bar."})
    assert (raised.value.code, raised.value.field) == ("duplicate", "interest")
    assert Declaration.objects.count() == 1
    # another interest, or another person's, is not a repeat
    declaration_add(item=item, **{**values, "interest": "Chairs the licensing committee"})
    declaration_add(item=item, **{**values, "position": "Deputy Chief Executive"})
    assert Declaration.objects.count() == 3


def test_an_action_agreed_submitted_twice_is_kept_once_with_its_one_tracked_action(item, council):
    values = {"text": "Report back on the scheme", "owner_organisation": council, "due_date": date(2024, 9, 1)}
    first = decision_record(item=item, **values)
    with pytest.raises(ValidationProblem, match=r"already recorded at item 5 \(2024-06-04 5.1\)") as raised:
        decision_record(item=item, **{**values, "text": "report back on the  scheme"})
    assert (raised.value.code, raised.value.field) == ("duplicate", "text")
    assert list(Decision.objects.all()) == [first] and Action.objects.count() == 1


def test_the_form_shows_the_repeat_on_the_action_agreed(client, item, council, secretary):
    client.force_login(secretary)
    url = reverse("governance:decision_add", args=[item.meeting.pk, item.pk])
    data = {
        "text": "Circulate the slides",
        "owner_organisation": council.pk,
        "due_date_0": "1",
        "due_date_1": "7",
        "due_date_2": "2024",
    }
    assert client.post(url, data).status_code == 302
    html = client.post(url, data).content.decode()
    assert 'href="#id_text"' in html and "this action agreed is already recorded at item 5" in html
    assert Decision.objects.count() == 1


def test_an_action_submitted_twice_to_a_plan_is_kept_once(board):
    plan = ActionPlanFactory(partnership=board)
    values = {"plan": plan, "reference": "", "title": "Light the underpass", "due_date": date(2025, 3, 31)}
    action_create(**values)
    with pytest.raises(ValidationProblem, match="already has this action") as raised:
        action_create(**{**values, "title": "light the underpass "})
    assert (raised.value.code, raised.value.field) == ("duplicate", "title")
    # the same words with another due date or lead are another action
    action_create(**{**values, "due_date": date(2025, 6, 30)})
    action_create(**{**values, "lead_role": "Highways"})
    action_create(**{**values, "reference": "X/1"})
    with pytest.raises(ValidationProblem, match="already has an action X/1"):
        action_create(**{**values, "title": "Something else", "reference": "X/1"})
    assert Action.objects.filter(plan=plan).count() == 4


def test_the_action_form_shows_the_repeat_on_the_title(client, board):
    plan = ActionPlanFactory(partnership=board)
    contributor = UserFactory()
    PartnershipRoleFactory(user=contributor, partnership=board, role=Role.CONTRIBUTOR)
    client.force_login(contributor)
    data = {"plan": plan.slug, "title": "Light the underpass", "status": "not_started"}
    assert client.post(reverse("delivery:action_create"), data).status_code == 302
    response = client.post(reverse("delivery:action_create"), data)
    html = response.content.decode()
    assert response.status_code == 400 and 'href="#title"' in html and 'id="title-error"' in html
    assert Action.objects.filter(plan=plan).count() == 1


def test_an_action_agreed_is_owned_by_a_member_organisation(item, council, board):
    outsider = OrganisationFactory(name="Not A Member Ltd")
    assert member_organisations(item.meeting) == [council]
    with pytest.raises(ValidationProblem, match="Not A Member Ltd holds no seat on Test Community Safety Board") as e:
        decision_record(item=item, text="Do it", owner_organisation=outsider, due_date=date(2024, 9, 1))
    assert (e.value.field, e.value.code) == ("owner_organisation", "not_a_member")
    assert Decision.objects.count() == 0


def test_the_form_offers_only_member_organisations_and_requires_one(client, item, council, secretary):
    outsider = OrganisationFactory(name="Not A Member Ltd")
    client.force_login(secretary)
    url = reverse("governance:decision_add", args=[item.meeting.pk, item.pk])
    page = client.get(url).content.decode()
    assert f'value="{council.pk}"' in page and "Not A Member Ltd" not in page
    data = {"text": "Do it", "owner_role": "Treasurer", "due_date_0": "1", "due_date_1": "9", "due_date_2": "2024"}
    html = client.post(url, data).content.decode()
    assert 'href="#id_owner_organisation"' in html and "Choose the organisation that owns the action" in html
    html = client.post(url, {**data, "owner_organisation": outsider.pk}).content.decode()  # a forged choice
    assert 'href="#id_owner_organisation"' in html
    assert Decision.objects.count() == 0
