"""factory_boy factories for the main models, so a test builds only what it is about.

Each factory makes a valid record with the fewest fields; related records are made by
sub-factories unless passed in (``MeetingFactory(partnership=board)``). They write straight to the
database, as fixtures do: a test of a rule calls the service, not a factory. Slugs, codes and
references come from sequences, so two records never collide.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.urls import reverse

from saferhub.accounts.models import Organisation, Partnership, PartnershipRole, Role, User
from saferhub.core.codes import parse_period
from saferhub.delivery.models import Action, ActionPlan
from saferhub.finance.models import (
    BudgetKind,
    BudgetLine,
    BudgetTable,
    CommissionedService,
    Fund,
    FundSection,
    PerformanceMeasure,
)
from saferhub.framework.models import Framework, Indicator, IndicatorMembership, Outcome, Target, Theme
from saferhub.geography.models import Area, AreaType
from saferhub.governance.models import AgendaItem, Meeting, Seat
from saferhub.measures.models import IndicatorValue
from saferhub.risks.models import Risk, RiskRegister

PASSWORD = "correct horse battery staple"


def sign_in(client, username: str, password: str = PASSWORD) -> bool:
    """Sign in through the real sign-in page (login throttling needs the request), as a person does."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


# --- accounts ---------------------------------------------------------------------------------


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.DISTRICT_COUNCIL


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"partnership-{n}")
    name = factory.Sequence(lambda n: f"Partnership {n}")
    kind = Partnership.Kind.CSP


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class PartnershipRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipRole

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    role = Role.VIEWER


# --- geography --------------------------------------------------------------------------------


class AreaFactory(factory.django.DjangoModelFactory):
    """A district with a valid-looking GSS code (E07 and nine characters)."""

    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"E07{900000 + n:06d}")
    name = factory.Sequence(lambda n: f"District {n}")
    area_type = AreaType.DISTRICT


# --- framework --------------------------------------------------------------------------------


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"framework-{n}")
    title = factory.Sequence(lambda n: f"Plan {n}")
    owner = factory.SubFactory(PartnershipFactory)


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"{n + 1}")
    title = factory.Sequence(lambda n: f"Outcome {n}")
    order = factory.Sequence(lambda n: n + 1)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    outcome = factory.SubFactory(OutcomeFactory)
    framework = factory.LazyAttribute(lambda o: o.outcome.framework)
    code = factory.Sequence(lambda n: f"T{n + 1}")
    title = factory.Sequence(lambda n: f"Theme {n}")
    order = factory.Sequence(lambda n: n + 1)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"indicator-{n}")
    title = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "crimes"


class IndicatorMembershipFactory(factory.django.DjangoModelFactory):
    """An indicator in a framework, under a theme of that framework."""

    class Meta:
        model = IndicatorMembership

    theme = factory.SubFactory(ThemeFactory)
    framework = factory.LazyAttribute(lambda o: o.theme.framework)
    outcome = factory.LazyAttribute(lambda o: o.theme.outcome)
    indicator = factory.SubFactory(IndicatorFactory)
    code = factory.Sequence(lambda n: f"{n + 1}a")
    order = factory.Sequence(lambda n: n + 1)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    framework = factory.SubFactory(FrameworkFactory)
    horizon = Target.Horizon.ONE_YEAR
    kind = Target.Kind.VALUE
    value = 100.0
    direction = Target.Direction.REDUCE
    wording = "Reduce to 100"


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    """A figure for an area and period; the period's kind and dates follow from its label, as the
    measures service works them out."""

    class Meta:
        model = IndicatorValue
        exclude = ("period",)

    indicator = factory.SubFactory(IndicatorFactory)
    area = factory.SubFactory(AreaFactory)
    period_label = "2024-01"
    period = factory.LazyAttribute(lambda o: parse_period(o.period_label))
    period_kind = factory.LazyAttribute(lambda o: o.period.kind)
    period_start = factory.LazyAttribute(lambda o: o.period.start)
    period_end = factory.LazyAttribute(lambda o: o.period.end)
    value = 10.0
    numerator = factory.LazyAttribute(lambda o: o.value)


# --- delivery and risks -------------------------------------------------------------------------


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"Action plan {n}")
    partnership = factory.SubFactory(PartnershipFactory)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(ActionPlanFactory)
    reference = factory.Sequence(lambda n: f"A{n + 1}")
    title = factory.Sequence(lambda n: f"Action {n}")
    lead_role = "Community Safety Manager"
    start_date = dt.date(2024, 4, 1)
    due_date = dt.date(2025, 3, 31)
    order = factory.Sequence(lambda n: n + 1)


class RiskRegisterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskRegister
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"register-{n}")
    title = factory.Sequence(lambda n: f"Risk register {n}")
    partnership = factory.SubFactory(PartnershipFactory)


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    register = factory.SubFactory(RiskRegisterFactory)
    reference = factory.Sequence(lambda n: f"R{n + 1}")
    event = "Funding ends before the scheme is evaluated"
    inherent_impact = 3
    inherent_likelihood = 2
    order = factory.Sequence(lambda n: n + 1)


# --- finance ------------------------------------------------------------------------------------


class BudgetTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetTable
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"budget-{n}")
    title = factory.Sequence(lambda n: f"Budget {n}")
    partnership = factory.SubFactory(PartnershipFactory)
    unit_label = "£"


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    table = factory.SubFactory(BudgetTableFactory)
    key = factory.Sequence(lambda n: f"line-{n}")
    area_of_spend = factory.Sequence(lambda n: f"Area of spend {n}")
    year = "2015/16"
    kind = BudgetKind.REVENUE
    amount = Decimal("1000.00")
    order = factory.Sequence(lambda n: n + 1)


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fund
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"fund-{n}")
    title = factory.Sequence(lambda n: f"Community safety fund {n}")
    partnership = factory.SubFactory(PartnershipFactory)
    year = "2013/14"


class CommissionedServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionedService

    section = factory.SubFactory("tests.factories.FundSectionFactory")
    key = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    location = "Essex"
    amount = Decimal("5000.00")


class FundSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundSection

    fund = factory.SubFactory(FundFactory)
    kind = FundSection.Kind.EXISTING
    title = "Existing services"


class PerformanceMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceMeasure

    service = factory.SubFactory(CommissionedServiceFactory)
    question = PerformanceMeasure.Question.HOW_MUCH
    title = "People helped"


# --- governance ---------------------------------------------------------------------------------


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    position = "Chief Executive"
    order = factory.Sequence(lambda n: n + 1)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting without standing items (``meeting_create`` adds those; use it when they matter)."""

    class Meta:
        model = Meeting

    partnership = factory.SubFactory(PartnershipFactory)
    date = dt.date(2024, 6, 4)
    start_time = dt.time(10)
    status = Meeting.Status.HELD


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Item {n}")
    kind = AgendaItem.Kind.DISCUSSION
