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


def test_an_indicator_an_importer_made_from_open_records_is_open_with_its_small_counts_hidden(
    client, essex_partnerships
):
    """Issue 21: police.uk's crime types answered "You cannot see this page" even to an analyst, though the
    same figures are open on the performance pages. Open to all; counts of 1 to 4 hidden from the public."""
    from saferhub.geography.models import Area
    from saferhub.measures.definitions import POLICE_UK_NOTE
    from saferhub.measures.services import indicator_values_write

    made = Indicator.objects.create(
        slug="crime-robbery", title="Robbery", value_type="count", data_source=POLICE_UK_NOTE
    )
    indicator_values_write(
        indicator=made,
        rows=[
            {"area": "E07000073", "period": "2024-01", "value": 3},
            {"area": "E07000073", "period": "2024-02", "value": 17},
        ],
    )
    assert Area.objects.filter(code="E07000073").exists()
    page = client.get("/indicators/crime-robbery/?area=E07000073")
    assert page.status_code == 200
    text = page.content.decode()
    assert "17" in text and "fewer than 5" in text  # the small count is hidden from a signed-out reader
    # counted from open records by the hub: said so, and no partner's return template is offered
    assert "Counted by the hub from police.uk street-level crime" in text
    analyst = PartnershipRoleFactory(partnership=essex_partnerships["safer-essex"], role=Role.ANALYST).user
    client.force_login(analyst)
    signed_in = client.get("/indicators/crime-robbery/?area=E07000073").content.decode()
    assert "Counted by the hub" in signed_in and "return template" not in signed_in
    client.logout()
    # A partnership's own indicator stays closed to a reader the partnership has not published it to.
    owned = Indicator.objects.create(slug="owned-closed", title="Owned", owner=essex_partnerships["safer-essex"])
    essex_partnerships["safer-essex"].publishes_performance = False
    essex_partnerships["safer-essex"].save()
    assert client.get(f"/indicators/{owned.slug}/").status_code in (302, 403)
