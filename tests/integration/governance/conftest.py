"""Fixtures for governance: a partnership with its secretariat, a member, an outsider, and the Essex data."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferhub.accounts.models import Role
from tests.factories import OrganisationFactory, PartnershipFactory, PartnershipRoleFactory, UserFactory

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


@pytest.fixture
def seed_text():
    """Read a seed document by its number, e.g. seed_text("004")."""

    def read(number: str) -> str:
        [path] = SEEDS.glob(f"{number}_*.txt")
        return path.read_text(encoding="utf-8")

    return read


@pytest.fixture
def board(db):
    return PartnershipFactory(slug="test-board", name="Test Community Safety Board")


@pytest.fixture
def other_board(db):
    return PartnershipFactory(slug="other-board", name="Other Board")


@pytest.fixture
def council(db):
    return OrganisationFactory(slug="test-council", name="Test District Council")


@pytest.fixture
def police(db):
    return OrganisationFactory(slug="test-police", name="Test Police", kind="police")


@pytest.fixture
def secretary(board):
    user = UserFactory(username="secretary")
    PartnershipRoleFactory(user=user, partnership=board, role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def member(board):
    user = UserFactory(username="member")
    PartnershipRoleFactory(user=user, partnership=board, role=Role.VIEWER)
    return user


@pytest.fixture
def outsider(other_board):
    user = UserFactory(username="outsider")
    PartnershipRoleFactory(user=user, partnership=other_board, role=Role.ADMINISTRATOR)
    return user


@pytest.fixture
def essex_governance(essex_partnerships):
    from saferhub.governance.essex import governance_essex_load

    governance_essex_load()
    return essex_partnerships
