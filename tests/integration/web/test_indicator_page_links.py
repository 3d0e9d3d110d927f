"""The indicator page brings the parts together: performance, overdue actions, risks and spending."""

import datetime as dt

import pytest

from saferhub.accounts.models import Role
from saferhub.delivery.models import Action, ActionPlan
from saferhub.framework.models import Indicator
from saferhub.risks.models import Risk, RiskRegister
from tests.factories import PASSWORD, PartnershipRoleFactory, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(essex_partnerships):
    owner = essex_partnerships["safer-essex"]
    return Indicator.objects.create(slug="ksi", title="People killed or seriously injured on roads", owner=owner)


@pytest.fixture
def overdue_action(indicator, essex_partnerships):
    plan = ActionPlan.objects.create(
        slug="plan", title="Road safety plan", partnership=essex_partnerships["safer-essex"]
    )
    action = Action.objects.create(
        plan=plan,
        reference="RS/1",
        title="Speed awareness in schools",
        due_date=dt.date.today() - dt.timedelta(days=30),
        status=Action.Status.IN_PROGRESS,
    )
    action.indicators.add(indicator)
    return action


def test_an_overdue_action_shows_as_overdue_on_its_indicator_page(client, indicator, overdue_action):
    html = client.get(f"/indicators/{indicator.slug}/").content.decode()
    assert "Speed awareness in schools" in html
    row = html[html.index("Speed awareness in schools") :]
    row = row[: row.index("</tr>")]
    assert "Overdue" in row


def test_the_page_has_the_performance_section(client, indicator):
    response = client.get(f"/indicators/{indicator.slug}/")
    assert response.status_code == 200
    assert "performance" in response.templates[0].name or any(
        t.name == "performance/indicator_performance.html" for t in response.templates
    )


def test_risks_show_to_members_and_not_to_the_public(client, indicator, essex_partnerships):
    register = RiskRegister.objects.create(
        slug="roads", title="Road safety risks", partnership=essex_partnerships["safer-essex"]
    )
    risk = Risk.objects.create(register=register, reference="R1", event="Casualty data stops arriving")
    risk.indicators.add(indicator)
    assert "Casualty data stops arriving" not in client.get(f"/indicators/{indicator.slug}/").content.decode()
    member = PartnershipRoleFactory(partnership=essex_partnerships["safer-essex"], role=Role.VIEWER)
    sign_in(client, member.user.username, PASSWORD)
    assert "Casualty data stops arriving" in client.get(f"/indicators/{indicator.slug}/").content.decode()
