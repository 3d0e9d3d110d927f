"""Fixtures for the API: imported-style crime counts with many counts of 1 to 4 (no owner, so the
public reads them suppressed), a private partnership's indicator, and tokens for their members."""

from __future__ import annotations

import pytest

from saferhub.accounts.models import Role
from saferhub.api.tokens import api_token_create
from saferhub.framework.models import ValueType
from saferhub.performance.services import performance_refresh
from tests.factories import PartnershipFactory, PartnershipRoleFactory, UserFactory
from tests.integration.performance import builders

HARLOW = "E07000073"


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered sections and throttle counts live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def crime_counts(essex_partnerships):
    return crime_counts_load()


def crime_counts_load():
    """Monthly bicycle theft and robbery counts (small) and ASB for every Essex district, the county
    and the force area, with no owner, as the police.uk import makes them."""
    out = {}
    for slug, base in (("crime-bicycle-theft", 1.2), ("crime-robbery", 2.5)):
        ind = builders.make_indicator(slug, title=f"Crime: {slug[6:].replace('-', ' ')}", value_type=ValueType.COUNT)
        builders.write_monthly(ind, base=base, count=6, first="2024-01")
        out[slug] = ind
    asb = builders.make_indicator("anti-social-behaviour", title="Anti-social behaviour", value_type=ValueType.COUNT)
    builders.write_monthly(asb, base=30, count=6, first="2024-01")
    out["anti-social-behaviour"] = asb
    performance_refresh()
    return out


def member(partnership, role=Role.VIEWER, **user):
    u = UserFactory(**user)
    PartnershipRoleFactory(user=u, partnership=partnership, role=role)
    return u


def token_for(user) -> str:
    return api_token_create(user=user, name="test")[1]


@pytest.fixture
def private_indicator(essex_partnerships):
    """A private partnership's own count (it does not publish its figures), with small counts."""
    private = PartnershipFactory(slug="private-csp", name="Private CSP", publishes_performance=False)
    other = PartnershipFactory(slug="other-csp", name="Other CSP", publishes_performance=True)
    ind = builders.make_indicator("private-referrals", title="Private referrals", value_type=ValueType.COUNT)
    ind.owner = private
    ind.save(update_fields=["owner"])
    builders.write_monthly(ind, base=1.5, count=6, first="2024-01")
    performance_refresh()
    return {"indicator": ind, "private": private, "other": other}
