"""What the pages read: the indicator page context (which the performance section extends), and
what a user may see."""

import pytest
from django.contrib.auth.models import AnonymousUser

from saferhub.framework.models import Indicator
from saferhub.framework.selectors import (
    CatalogueFilters,
    frameworks_for_user,
    indicator_catalogue,
    indicator_page_context,
)

pytestmark = pytest.mark.django_db


def test_the_indicator_page_defaults_to_the_area_of_the_frameworks_that_list_it(essex_frameworks):
    context = indicator_page_context(AnonymousUser(), Indicator.objects.get(slug="feel-safe-after-dark"))
    assert context["area"].code == "E10000012"
    assert context["area_problem"] == ""
    assert {a.code for a in context["area_options"]} >= {"E10000012", "E07000073", "E07000077"}
    assert "2013" in {v.period_label for v in context["values"]}
    assert context["performance"] is None  # filled by saferhub.performance


def test_the_indicator_page_context_for_a_district(essex_frameworks):
    context = indicator_page_context(
        AnonymousUser(), Indicator.objects.get(slug="feel-safe-after-dark"), area_code="E07000073"
    )
    assert context["area"].name == "Harlow"
    assert [(v.period_label, v.value) for v in context["values"]] == [("2013", 37)]


def test_values_come_in_time_order_with_breakdowns_apart(essex_frameworks):
    context = indicator_page_context(AnonymousUser(), Indicator.objects.get(slug="feel-unsafe-after-dark"))
    assert all(v.breakdown == "" for v in context["values"])
    assert {v.breakdown for v in context["breakdown_values"]} >= {"sex=women", "sex=men"}
    series = indicator_page_context(AnonymousUser(), Indicator.objects.get(slug="feel-safe-after-dark"))["values"]
    starts = [v.period_start for v in series]
    assert starts == sorted(starts)


def test_targets_are_grouped_by_plan_and_ambition(essex_frameworks):
    context = indicator_page_context(AnonymousUser(), Indicator.objects.get(slug="children-in-care"))
    (group,) = context["targets_by_framework"]
    assert group["framework"].slug == "ecc-safe-communities-2014-18"
    assert [a["ambition"] for a in group["ambitions"]] == [
        "Continue the reduction in children in care numbers in line with the ECC Placement Strategy.",
        "Reduce the need for high cost interventions through early intervention",
        "Reduce the period of time that children spend in care",
    ]


def test_anonymous_users_see_published_frameworks_only(essex_frameworks):
    from saferhub.accounts.models import Partnership

    assert len(frameworks_for_user(AnonymousUser())) == len(essex_frameworks)
    Partnership.objects.filter(slug="safer-essex").update(publishes_performance=False)
    visible = {f.slug for f in frameworks_for_user(AnonymousUser())}
    assert "safer-essex-csa-2010-11" not in visible
    assert "ecc-safe-communities-2014-18" in visible
    rows = indicator_catalogue(AnonymousUser(), filters=CatalogueFilters(framework="safer-essex-csa-2010-11"))["rows"]
    assert all(r["memberships"] == [] or r["memberships"][0].framework.slug != "safer-essex-csa-2010-11" for r in rows)
