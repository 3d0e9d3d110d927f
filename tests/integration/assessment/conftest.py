"""Fixtures for the assessment tests: the Essex areas and partnerships, the seeds beside the
repository, and a record store of each test's own."""

from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


@pytest.fixture(autouse=True)
def empty_cache():
    """Counts from the record store are cached by its stamp; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seed_text():
    def read(prefix: str) -> str:
        (path,) = SEEDS.glob(f"{prefix}_*.txt")
        return path.read_text(encoding="utf-8")

    return read


@pytest.fixture
def essex_reference(essex_partnerships):
    from saferhub.assessment.loaders import assessment_essex_load

    assessment_essex_load()
    return essex_partnerships


@pytest.fixture
def record_store(settings, tmp_path):
    settings.SAFERHUB_RECORD_STORE = str(tmp_path / "records")
    settings.SAFERHUB_VAR_DIR = tmp_path / "var"
    return Path(settings.SAFERHUB_RECORD_STORE)
