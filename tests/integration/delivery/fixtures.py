"""Fixtures shared by the delivery, risks and finance tests (imported into each conftest)."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, PartnershipRoleFactory, UserFactory, sign_in

SEEDS = __import__("pathlib").Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


@pytest.fixture
def seed_text():
    def read(name: str) -> str:
        return (SEEDS / name).read_text(encoding="utf-8")

    return read


@pytest.fixture
def framework_stub(essex_partnerships):
    """A stand-in for the framework engineer's seeded frameworks: the commissioning strategy (seed
    000) with codes 1a–3b under three outcomes, and national indicators NI 17, NI 32, NI 40."""
    from saferhub.framework.models import Framework, Indicator, IndicatorMembership, Outcome, Theme

    fw = Framework.objects.create(
        slug="stub-ecc-safe-communities",
        title="Stub commissioning strategy",
        owner=essex_partnerships["ecc-safer-communities"],
        source="000_7340f0633c80a1b1.txt, stub for tests",
    )
    indicators = {}
    for n in ("1", "2", "3"):
        outcome = Outcome.objects.create(framework=fw, code=n, title=f"Outcome {n}")
        Theme.objects.create(framework=fw, outcome=outcome, code=n, title=f"Theme {n}")
    for code in ("1a", "1b", "1c", "1d", "1e", "2a", "2b", "2c", "2d", "2e", "2f", "2g", "3a", "3b"):
        ind = Indicator.objects.create(slug=f"stub-{code}", title=f"Indicator {code}")
        IndicatorMembership.objects.create(framework=fw, indicator=ind, code=code)
        indicators[code] = ind
    for ni in ("NI 17", "NI 32", "NI 40"):
        indicators[ni] = Indicator.objects.create(
            slug=f"stub-{ni.replace(' ', '-').lower()}", title=f"National indicator {ni}", national_indicator_ref=ni
        )
    return {"framework": fw, "indicators": indicators}


@pytest.fixture
def essex_loaded(framework_stub):
    from saferhub.delivery.essex import delivery_essex_load
    from saferhub.finance.essex import finance_essex_load
    from saferhub.risks.essex import risks_essex_load

    return {
        "delivery": delivery_essex_load(),
        "risks": risks_essex_load(),
        "finance": finance_essex_load(),
        **framework_stub,
    }


@pytest.fixture
def member():
    """``member(partnership, role)`` → a signed-in-able user with that role."""

    def make(partnership, role):
        user = UserFactory()
        PartnershipRoleFactory(user=user, partnership=partnership, role=role)
        return user

    return make


@pytest.fixture
def signed_in(client):
    def as_user(user):
        assert sign_in(client, user.username, PASSWORD)
        return client

    return as_user
