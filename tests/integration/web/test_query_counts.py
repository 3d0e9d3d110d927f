"""Query counts per page type, so that no page's queries grow with the data (issue 22).

One world is built for the module and each page is rendered cold (the section cache emptied) twice:
first with small data — two monthly indicators over 12 months in a plan, a meeting with two items —
then after the data grew — six indicators over 24 months in the plan, a meeting with twelve items,
more actions, risks and budget lines. Each page's count must not grow and must stay under its bound.
The bounds are today's counts with a little room; a page that starts querying per row, per period
or per indicator fails here long before it is slow.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from saferhub.accounts.models import Role
from saferhub.core.member_page import HIT, HIT_HEADER
from saferhub.framework.models import IndicatorMembership, Theme, ValueType
from saferhub.governance.models import Decision, Meeting
from saferhub.performance.services import performance_refresh
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    BudgetLineFactory,
    MeetingFactory,
    PartnershipRoleFactory,
    RiskFactory,
    RiskRegisterFactory,
)
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db

HARLOW = "E07000073"

# Page name → (URL template, who opens it, most queries allowed: the count measured on 6 December 2026
# plus a few). ``{meeting}`` is the meeting's key; "member" is an administrator of Safer Essex, "csp member"
# a viewer in Harlow's community safety partnership.
PAGES: dict[str, tuple[str, str, int]] = {
    "start page": ("/", "anon", 3),
    "scorecard list": ("/scorecards/", "anon", 4),
    "scorecard (county)": ("/scorecards/qc-plan/", "anon", 14),
    "scorecard (district)": (f"/scorecards/qc-plan/?area={HARLOW}", "anon", 15),
    "indicator page (framework)": (f"/indicators/qc-crime/?area={HARLOW}", "anon", 26),
    "indicator page (performance)": (f"/performance/indicators/qc-crime/?area={HARLOW}", "anon", 16),
    "why page": (f"/performance/why/qc-crime/{HARLOW}/", "anon", 8),
    "areas list": ("/areas/", "anon", 4),
    "area profile": (f"/areas/{HARLOW}/", "anon", 18),
    "maps": ("/maps/?indicator=qc-crime", "anon", 15),
    "API series": (f"/api/indicators/qc-crime/series?area={HARLOW}", "anon", 15),
    "API series (CSV)": (f"/api/indicators/qc-crime/series?area={HARLOW}&format=csv", "anon", 15),
    "governance meeting page": ("/governance/meetings/{meeting}/", "member", 20),
    "assessment: county priorities": ("/assessment/county-priorities/", "anon", 12),
    "board pack page": ("/reports/meetings/{meeting}/pack/", "member", 35),
    # With no records in the test's store the matrix is the "no records yet" page: its reads of the
    # store are counted by the assessment benchmark, not here.
    "assessment matrix": (f"/assessment/matrix/{HARLOW}/", "csp member", 8),
}


def _plan_indicators(count: int, *, first: str, months: int, start: int = 0) -> list:
    out = []
    for i in range(start, start + count):
        ind = builders.make_indicator(
            "qc-crime" if i == 0 else f"qc-indicator-{i}",
            title="All crime" if i == 0 else f"Indicator {i}",
            value_type=ValueType.RATE_PER_1000 if i % 2 == 0 else ValueType.COUNT,
        )
        builders.write_monthly(ind, first=first, count=months, base=60 + 10 * i)
        out.append(ind)
    return out


def _meeting_business(partnership, meeting, register, *, items: int, first_order: int) -> None:
    """Agenda items each with a decision and an action, risks, and a budget line with its quarters."""
    for n in range(items):
        item = AgendaItemFactory(meeting=meeting, title=f"Item {first_order + n}", order=first_order + n)
        action = ActionFactory(plan__partnership=partnership, title=f"Action {first_order + n}")
        Decision.objects.create(item=item, order=1, text=f"Agreed {first_order + n}", action=action)
        RiskFactory(register=register, event=f"Risk {first_order + n}", inherent_impact=1 + n % 4)
    BudgetLineFactory(table__partnership=partnership, year="2023/24", amount=Decimal("1000"))


def _counts(clients: dict[str, Client], meeting_pk: int) -> dict[str, tuple[int, int]]:
    out = {}
    for name, (url, who, _bound) in PAGES.items():
        cache.clear()  # cold: the sections cached by the change counter are rendered again
        with CaptureQueriesContext(connection) as queries:
            response = clients[who].get(url.format(meeting=meeting_pk))
        out[name] = (len(queries), response.status_code)
    return out


# Members' pages kept whole per partnership and role (saferhub.core.member_page): a kept page reads the
# change counters once (request_generations), and the session, the user, the reader's roles and the
# page's partnership or meeting are kept under them; the matrix adds its read audit when it has records.
KEPT: dict[str, int] = {"board pack page": 1, "assessment matrix": 1}


def _kept_counts(clients: dict[str, Client], meeting_pk: int) -> dict[str, tuple[int, str]]:
    out = {}
    for name in KEPT:
        url, who, _bound = PAGES[name]
        clients[who].get(url.format(meeting=meeting_pk))  # renders and keeps the page
        with CaptureQueriesContext(connection) as queries:
            response = clients[who].get(url.format(meeting=meeting_pk))
        out[name] = (len(queries), response.headers.get(HIT_HEADER, ""))
    return out


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker):
    """Each page's (queries, status) with small data and after the data grew."""
    from saferhub.assessment.loaders import assessment_essex_load
    from saferhub.geography.services import geography_builtin_load

    with django_db_blocker.unblock(), transaction.atomic():
        from saferhub.accounts.models import Partnership
        from saferhub.accounts.services import accounts_essex_load

        geography_builtin_load(name="essex")
        accounts_essex_load()
        assessment_essex_load()
        partnership = Partnership.objects.get(slug="safer-essex")
        member = PartnershipRoleFactory(partnership=partnership, role=Role.ADMINISTRATOR).user
        clients = {"anon": Client(), "member": Client(), "csp member": Client()}
        clients["member"].force_login(member)
        harlow_csp = Partnership.objects.get(slug="harlow-csp")
        clients["csp member"].force_login(PartnershipRoleFactory(partnership=harlow_csp, role=Role.VIEWER).user)

        indicators = _plan_indicators(2, first="2023-01", months=12)
        framework = builders.make_framework(partnership, slug="qc-plan", indicators=indicators)
        performance_refresh()
        meeting = MeetingFactory(partnership=partnership, date=dt.date(2024, 6, 4), status=Meeting.Status.SCHEDULED)
        register = RiskRegisterFactory(partnership=partnership, title="Risks")
        _meeting_business(partnership, meeting, register, items=2, first_order=1)
        small = _counts(clients, meeting.pk)

        # The data grow: twelve earlier months for the plan's indicators, four more indicators in the
        # plan with 24 months each, ten more agenda items with their actions and risks.
        for ind in indicators:
            builders.write_monthly(ind, first="2022-01", count=12, base=70)
        more = _plan_indicators(4, first="2022-01", months=24, start=len(indicators))
        theme = Theme.objects.filter(framework=framework).select_related("outcome").get(code="1")
        for i, ind in enumerate(more, start=len(indicators)):
            IndicatorMembership.objects.create(
                framework=framework, outcome=theme.outcome, theme=theme, indicator=ind, code=f"9{i}", order=i
            )
        _meeting_business(partnership, meeting, register, items=10, first_order=3)
        performance_refresh()
        large = _counts(clients, meeting.pk)
        yield {"small": small, "large": large, "kept": _kept_counts(clients, meeting.pk)}
        transaction.set_rollback(True)


@pytest.mark.parametrize("page", list(PAGES))
def test_the_pages_queries_do_not_grow_with_the_data(counts, page):
    (small, small_status), (large, large_status) = counts["small"][page], counts["large"][page]
    bound = PAGES[page][2]
    assert (small_status, large_status) == (200, 200), f"{page}: status {small_status}, then {large_status}"
    assert large <= small, f"{page}: {small} queries with small data, {large} after the data grew"
    assert large <= bound, f"{page}: {large} queries, more than its bound of {bound}"


@pytest.mark.parametrize("page", list(KEPT))
def test_a_kept_members_page_costs_only_the_readers_own_queries(counts, page):
    queries, hit = counts["kept"][page]
    assert hit == HIT, f"{page}: not served from the kept copy"
    assert queries <= KEPT[page], f"{page}: {queries} queries when kept, more than its bound of {KEPT[page]}"
