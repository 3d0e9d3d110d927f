from datetime import date

import pytest

from saferhub.accounts.models import Organisation
from saferhub.sharing.models import Agreement, Classification, Dataset, Disclosure
from saferhub.sharing.services import agreement_create, agreement_terms, dataset_upsert
from tests.integration.delivery.fixtures import *  # noqa: F403


@pytest.fixture
def police(essex_partnerships):
    return Organisation.objects.get(slug="essex-police")


@pytest.fixture
def uploads(police):
    return dataset_upsert(
        slug="uploads",
        name="Partner uploads",
        owner=police,
        classification=Classification.OFFICIAL_SENSITIVE,
        disclosure=Disclosure.PARTNERSHIP,
    )


@pytest.fixture
def open_crime(police):
    return dataset_upsert(slug="open", name="Open crime", owner=police, disclosure=Disclosure.PUBLIC_AGGREGATE)


@pytest.fixture
def protocol(essex_partnerships, police, uploads) -> Agreement:
    """In force between Essex Police and Safer Essex, covering the uploads, review date passed."""
    terms = agreement_terms(
        title="Test protocol",
        purpose="Analysis",
        legal_bases=["cda_s115", "gdpr_6_1_e"],
        retention_months=24,
        review_date=date(2020, 1, 1),
        signatories="Chief Constable, Essex Police",
        status=Agreement.Status.IN_FORCE,
    )
    return agreement_create(
        actor=None,
        partnership=essex_partnerships["safer-essex"],
        slug="test-protocol",
        terms=terms,
        organisations=[police],
        partnerships=[essex_partnerships["safer-essex"]],
        datasets=[uploads],
    )


def dataset_of(slug: str) -> Dataset:
    return Dataset.objects.get(slug=slug)
