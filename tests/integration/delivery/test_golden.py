"""The actions export (CSV) against a golden file (tests/golden/delivery/actions.csv): the columns, the
order, dates and money as a spreadsheet reads them, and text that a spreadsheet would run as a
formula written as text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saferhub.accounts.models import Role
from tests.factories import (
    ActionFactory,
    ActionPlanFactory,
    IndicatorFactory,
    OrganisationFactory,
    PartnershipFactory,
    PartnershipRoleFactory,
    UserFactory,
)
from tests.golden import assert_golden

pytestmark = pytest.mark.django_db


def test_the_actions_export_matches_its_golden_file(client):
    board = PartnershipFactory(slug="golden-board", name="Golden Community Safety Partnership")
    plan = ActionPlanFactory(slug="golden-plan", title="Safer streets plan", partnership=board)
    council = OrganisationFactory(slug="golden-council", name="Golden District Council")
    lighting = ActionFactory(
        plan=plan,
        reference="SS/1",
        heading="Streets",
        title="Light the underpass",
        lead_organisation=council,
        lead_role="Highways Manager",
        resources="Capital programme",
        resources_amount=Decimal("15000.50"),
        impact="high",
        priority="medium",
        start_date=date(2024, 4, 1),
        due_date=date(2099, 3, 31),
        status="in_progress",
        progress_summary="Survey done",
        source="Plan, page 4",
        order=1,
    )
    lighting.indicators.set([IndicatorFactory(slug="golden-asb", title="Anti-social behaviour incidents")])
    ActionFactory(
        plan=plan,
        reference="SS/2",
        title='=HYPERLINK("http://example.org","Report")',
        lead_role="-Community Safety Manager",
        start_date=None,
        due_date=date(2099, 6, 30),
        status="not_started",
        order=2,
    )
    user = UserFactory(username="reader")
    PartnershipRoleFactory(user=user, partnership=board, role=Role.VIEWER)
    client.force_login(user)
    response = client.get("/actions/?format=csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert_golden("delivery/actions.csv", response.content.decode("utf-8"))
