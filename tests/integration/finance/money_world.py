"""A small world for budget monitoring and providers' returns: two partnerships, each with a
budget; a fund of the first with two providers' services and an indicative one; people of every
role, including two providers and a person of a provider's organisation without the role.

Figures are round so that every expected value in the tests can be worked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saferhub.accounts.models import Organisation, Role
from saferhub.finance.models import (
    BudgetLine,
    BudgetTable,
    CommissionedService,
    Fund,
    FundSection,
    PerformanceMeasure,
)
from tests.factories import OrganisationFactory, PartnershipFactory, PartnershipRoleFactory, UserFactory

__all__ = ["world"]


def _person(*, partnership=None, role=None, organisation=None):
    user = UserFactory(organisation=organisation)
    if partnership is not None:
        PartnershipRoleFactory(user=user, partnership=partnership, role=role)
    return user


@pytest.fixture
def world(db):
    return build_world()


def build_world() -> dict:
    """The world itself (for tests that need it in a transactional database)."""
    a = PartnershipFactory(slug="alpha-csp", name="Alpha Community Safety Partnership")
    b = PartnershipFactory(slug="beta-csp", name="Beta Community Safety Partnership")
    revenue = BudgetTable.objects.create(slug="alpha-revenue-2015-16", title="Alpha revenue 2015/16", partnership=a)
    lines = {
        "safeguarding": BudgetLine.objects.create(
            table=revenue,
            key="safeguarding",
            area_of_spend="Safeguarding",
            year="2015/16",
            kind="revenue",
            amount=Decimal("100000.00"),
            order=1,
        ),
        "roads": BudgetLine.objects.create(
            table=revenue,
            key="roads",
            area_of_spend="Road safety",
            year="2015/16",
            kind="revenue",
            amount=Decimal("50000.00"),
            order=2,
        ),
        "outside": BudgetLine.objects.create(
            table=revenue,
            key="outside",
            area_of_spend="Adults (not in the total)",
            year="2015/16",
            kind="revenue",
            amount=Decimal("20000.00"),
            in_reported_total=False,
            order=3,
        ),
    }
    capital = BudgetTable.objects.create(slug="alpha-capital-2014-17", title="Alpha capital 2014/17", partnership=a)
    lines["capital"] = BudgetLine.objects.create(
        table=capital,
        key="cameras",
        area_of_spend="Cameras",
        year="2014/15-2016/17",
        kind="capital",
        amount=Decimal("120000.00"),
        order=1,
    )
    beta = BudgetTable.objects.create(slug="beta-revenue-2015-16", title="Beta revenue 2015/16", partnership=b)
    lines["beta"] = BudgetLine.objects.create(
        table=beta,
        key="beta",
        area_of_spend="Beta prevention",
        year="2015/16",
        kind="revenue",
        amount=Decimal("40000.00"),
        order=1,
    )
    x = OrganisationFactory(slug="x-advocacy", name="X Advocacy", kind=Organisation.Kind.VOLUNTARY)
    y = OrganisationFactory(slug="y-outreach", name="Y Outreach", kind=Organisation.Kind.VOLUNTARY)
    fund = Fund.objects.create(slug="alpha-fund-2015-16", title="Alpha fund 2015/16", partnership=a, year="2015/16")
    existing = FundSection.objects.create(fund=fund, kind="existing", title="Existing services", order=1)
    new = FundSection.objects.create(fund=fund, kind="new", title="New commissioning", order=2)
    sx = CommissionedService.objects.create(
        section=existing,
        key="advocacy",
        name="Victim advocacy",
        location="Alpha",
        amount=Decimal("80000"),
        provider=x,
        order=1,
    )
    sy = CommissionedService.objects.create(
        section=existing,
        key="outreach",
        name="Youth outreach",
        location="Alpha",
        amount=Decimal("40000"),
        provider=y,
        order=2,
    )
    indicative = CommissionedService.objects.create(
        section=new,
        key="research",
        name="Research",
        location="Alpha",
        amount=Decimal("10000"),
        provisional=True,
        order=1,
    )
    measures = {
        "x_supported": PerformanceMeasure.objects.create(
            service=sx, question="how_much", title="Victims supported", unit="people", order=1
        ),
        "x_safer": PerformanceMeasure.objects.create(
            service=sx,
            question="better_off",
            title="Victims who feel safer",
            unit="people",
            order=1,
            counts_outcomes=True,
        ),
        "y_sessions": PerformanceMeasure.objects.create(
            service=sy, question="how_much", title="Sessions held", unit="sessions", order=1
        ),
    }
    people = {
        "viewer": _person(partnership=a, role=Role.VIEWER),
        "contributor": _person(partnership=a, role=Role.CONTRIBUTOR),
        "administrator": _person(partnership=a, role=Role.ADMINISTRATOR),
        "beta_contributor": _person(partnership=b, role=Role.CONTRIBUTOR),
        "beta_administrator": _person(partnership=b, role=Role.ADMINISTRATOR),
        "provider_x": _person(partnership=a, role=Role.PROVIDER, organisation=x),
        "provider_y": _person(partnership=a, role=Role.PROVIDER, organisation=y),
        "x_without_role": _person(organisation=x),
        "x_provider_in_beta": _person(partnership=b, role=Role.PROVIDER, organisation=x),
        "nobody": _person(),
    }
    return {
        "alpha": a,
        "beta": b,
        "revenue": revenue,
        "capital": capital,
        "beta_table": beta,
        "lines": lines,
        "fund": fund,
        "x": x,
        "y": y,
        "sx": sx,
        "sy": sy,
        "indicative": indicative,
        "measures": measures,
        "people": people,
    }
