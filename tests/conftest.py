"""Shared fixtures. The database suite runs on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


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
