"""Restricted assessment figures (no small-number suppression) are recorded in the sharing read
audit, under the reader's agreement; what the public read is not."""

from __future__ import annotations

import pytest

from saferhub.accounts.models import Organisation
from saferhub.sharing.models import Agreement, Disclosure, ReadAudit
from saferhub.sharing.services import agreement_create, agreement_terms, dataset_upsert
from tests.integration.assessment import test_pages
from tests.integration.assessment.test_pages import HARLOW, member

pytestmark = pytest.mark.django_db

harlow_records = test_pages.harlow_records  # the real Harlow records, as the pages test loads them


@pytest.mark.slow
def test_a_members_repeat_locations_are_audited_and_the_publics_are_not(client, harlow_records, essex_reference):
    police = Organisation.objects.get(slug="essex-police")
    street = dataset_upsert(
        slug="street", name="Street crime", owner=police, source="police-uk", disclosure=Disclosure.PUBLIC_AGGREGATE
    )
    terms = agreement_terms(
        title="Harlow sharing",
        purpose="Analysis",
        legal_bases=["cda_s115"],
        status="in_force",
        review_date="2030-01-01",
    )
    harlow_agreement = agreement_create(
        actor=None,
        partnership=essex_reference["harlow-csp"],
        slug="harlow",
        terms=terms,
        partnerships=[essex_reference["harlow-csp"]],
        datasets=[street],
    )
    url = f"/assessment/repeat-locations/?area={HARLOW}&type=Shoplifting&from=2024-01&to=2024-02&rows=10"
    assert client.get(url).status_code == 200
    assert not ReadAudit.objects.exists()  # the public read suppressed figures: nothing restricted
    assert member(client, essex_reference, "harlow-csp").get(url).status_code == 200
    read = ReadAudit.objects.get()
    assert read.dataset == street and read.agreement == harlow_agreement
    assert read.areas == [HARLOW] and read.periods == "2024-01..2024-02" and read.what == "Repeat locations"
    assert Agreement.objects.count() == 1
