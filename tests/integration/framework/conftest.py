"""The Essex frameworks loaded on top of the Essex geography, organisations and partnerships.

Loading the whole configuration takes seconds, so modules that only read it share one load:
``essex_loaded`` loads once per module inside a transaction that is rolled back at the end of the
module, and each test runs inside its own savepoint within it, as usual. Use it only in modules
whose every database test reads the Essex configuration.
"""

from __future__ import annotations

import pytest
from django.db import transaction


def _load() -> None:
    from saferhub.accounts.services import accounts_essex_load
    from saferhub.framework.services import framework_essex_load
    from saferhub.geography.services import geography_builtin_load

    geography_builtin_load(name="essex")
    accounts_essex_load()
    framework_essex_load()


@pytest.fixture(scope="module")
def essex_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        _load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def essex_frameworks(essex_loaded, db):
    from saferhub.framework.models import Framework

    return {f.slug: f for f in Framework.objects.all()}


@pytest.fixture
def essex_fresh(essex_partnerships):
    """A load of its own, for tests that watch what loading does."""
    from saferhub.framework.models import Framework
    from saferhub.framework.services import framework_essex_load

    framework_essex_load()
    return {f.slug: f for f in Framework.objects.all()}
