"""Shared fixtures. The database suite runs on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests judge our code, not the machine's load: no deadlines, and no health check that fails
# a run because generating examples was slow on a busy machine. Examples stay derandomised in CI so
# that a failure reproduces.
settings.register_profile(
    "saferhub", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=bool(os.environ.get("CI"))
)
settings.load_profile("saferhub")

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Every test starts with an empty cache: a test's rollback rewinds the change counters (and SQLite
    reuses keys), so a page cached in one test could match another test's key with other data. The
    sessions and users kept in the process likewise."""
    from django.core.cache import cache

    from saferhub.accounts import kept

    def empty() -> None:
        cache.clear()
        kept.sessions.clear()
        kept.users.clear()

    empty()
    yield
    empty()


@pytest.fixture
def shared_data() -> Path:
    """The real open data beside the repository (../shared/data), used by path, never copied."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared open data folder is missing: {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def essex_geography(db):
    from saferhub.geography.services import geography_builtin_load

    geography_builtin_load(name="essex")
    from saferhub.geography.models import Area

    return {a.code: a for a in Area.objects.all()}


@pytest.fixture
def essex_partnerships(essex_geography):
    """The built-in Essex geography, organisations and partnerships."""
    from saferhub.accounts.models import Partnership
    from saferhub.accounts.services import accounts_essex_load

    accounts_essex_load()
    return {p.slug: p for p in Partnership.objects.all()}
