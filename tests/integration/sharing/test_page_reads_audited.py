"""Issue 14 (audited reads): a member's read of unsuppressed imported figures — an area profile, an
indicator page, its values download, a scorecard export, the incidents map — is recorded in the read
audit against the dataset the figures were imported from; the public's suppressed reads are not
restricted and write nothing."""

from __future__ import annotations

import pytest

from saferhub.accounts.models import Role
from saferhub.ingest.models import Import
from saferhub.measures.models import IndicatorValue
from saferhub.sharing.models import Dataset, ReadAudit
from tests.factories import OrganisationFactory
from tests.integration.performance.test_disclosure import HARLOW, crime_types, member_of  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(crime_types):  # noqa: F811
    """The fixture's values as a police.uk import made them, and the police.uk dataset."""
    batch = Import.objects.create(source=Import.Source.POLICE_UK, file_name="2024-01-essex-street.csv", sha256="0" * 64)
    IndicatorValue.objects.update(source_import=batch)
    police = OrganisationFactory(slug="audit-police", name="Audit Police")
    Dataset.objects.get_or_create(
        slug="police-uk", defaults={"name": "police.uk", "source": "police-uk", "owner": police}
    )
    return crime_types


def _reads(user) -> list[ReadAudit]:
    return list(ReadAudit.objects.filter(user=user).order_by("pk"))


def test_a_members_unsuppressed_reads_are_audited_with_the_area(client, imported):
    analyst = member_of(imported["partnerships"]["harlow-csp"], Role.ANALYST)
    client.force_login(analyst)
    indicator = imported["indicators"]["crime-robbery"]
    urls = [
        (f"/areas/{HARLOW}/", "page", "Area profile"),
        (f"/performance/indicators/{indicator.slug}/?area={HARLOW}", "page", "Indicator page"),
        (f"/performance/indicators/{indicator.slug}/?area={HARLOW}&format=csv", "export", "Indicator values export"),
    ]
    for url, channel, what in urls:
        before = len(_reads(analyst))
        assert client.get(url).status_code == 200, url
        new = _reads(analyst)[before:]
        assert len(new) == 1, url
        assert (new[0].channel, new[0].dataset.slug) == (channel, "police-uk")
        assert new[0].what.startswith(what) and HARLOW in new[0].areas


def test_the_publics_suppressed_reads_write_nothing(client, imported):
    indicator = imported["indicators"]["crime-robbery"]
    for url in (f"/areas/{HARLOW}/", f"/performance/indicators/{indicator.slug}/?area={HARLOW}&format=csv"):
        assert client.get(url).status_code == 200
    client.force_login(member_of(imported["partnerships"]["basildon-csp"]))
    assert client.get(f"/areas/{HARLOW}/").status_code == 200  # Basildon reads Harlow as the public does
    assert ReadAudit.objects.count() == 0


def test_a_partners_returns_are_shown_in_detail_only_under_an_agreement_in_force(client, imported):
    """Role alone is not enough for restricted data: Harlow's analyst sees the small counts of
    figures from a partner's returns only once an agreement in force covering them includes Harlow."""
    from saferhub.core.disclosure import SMALL_TEXT
    from saferhub.sharing.models import Agreement, Disclosure

    Import.objects.update(source=Import.Source.RETURNS)
    returns = Dataset.objects.create(
        slug="partner-returns",
        name="Partner returns",
        source="returns",
        owner=OrganisationFactory(slug="returns-owner"),
        disclosure=Disclosure.PARTNERSHIP,
    )
    harlow = imported["partnerships"]["harlow-csp"]
    analyst = member_of(harlow, Role.ANALYST)
    client.force_login(analyst)
    profile = f"/areas/{HARLOW}/"
    assert SMALL_TEXT in client.get(profile).content.decode()  # no agreement: read as the public
    assert not ReadAudit.objects.filter(user=analyst).exists()
    agreement = Agreement.objects.create(
        slug="harlow-returns", title="Harlow returns", partnership=harlow, purpose="Test", status="in_force"
    )
    agreement.datasets.add(returns)
    agreement.party_partnerships.add(harlow)
    html = client.get(profile).content.decode()
    assert SMALL_TEXT not in html.split("by type and month")[1].split("</table>")[0]
    read = ReadAudit.objects.get(user=analyst)
    assert (read.dataset, read.agreement) == (returns, agreement)
    agreement.status = "withdrawn"
    agreement.save()
    assert SMALL_TEXT in client.get(profile).content.decode()
