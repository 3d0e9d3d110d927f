"""What an upload changes, on the import's page: before confirming, each figure old → new (new ones
marked, unchanged ones counted); after confirming, links to every page whose figures changed; small
numbers hidden from a reader who may not see them; the upload page lists the return templates."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saferhub.accounts.models import Role
from saferhub.framework.models import Indicator
from saferhub.ingest.changes import preview_changes
from saferhub.ingest.indicators import POLICE_UK_NOTE
from saferhub.ingest.models import Import
from saferhub.measures.services import indicator_values_write
from tests.factories import PASSWORD, PartnershipRoleFactory, UserFactory, sign_in
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db

HARLOW, BASILDON, BRAINTREE, CASTLE_POINT = "E07000073", "E07000066", "E07000067", "E07000069"


@pytest.fixture
def world(essex_partnerships):
    """A return-fed count indicator in Safer Essex's plan, with stored 2023 figures for three districts."""
    safer_essex = essex_partnerships["safer-essex"]
    indicator = Indicator.objects.create(
        slug="hate-incidents", title="Hate incidents reported", value_type="count", frequency="annual"
    )
    framework = builders.make_framework(safer_essex, indicators=[indicator])
    indicator_values_write(
        indicator=indicator,
        rows=[
            {"area": HARLOW, "period": "2023", "value": 40},
            {"area": BASILDON, "period": "2023", "value": 3},
        ],
    )
    return {"partnership": safer_essex, "indicator": indicator, "framework": framework}


def _sign_in(client, partnership, role=Role.CONTRIBUTOR):
    user = UserFactory()
    PartnershipRoleFactory(user=user, partnership=partnership, role=role)
    sign_in(client, user.username, PASSWORD)
    return user


def _upload(client, partnership, content: bytes) -> Import:
    client.post(
        reverse("ingest:upload"),
        {"partnership": partnership.slug, "source": "returns", "file": SimpleUploadedFile("return.csv", content)},
    )
    return Import.objects.latest("pk")


RETURN = (
    b"indicator,area_code,period,value\n"
    b"hate-incidents,E07000073,2023,52\n"  # Harlow: 40 -> 52
    b"hate-incidents,E07000066,2023,3\n"  # Basildon: unchanged
    b"hate-incidents,E07000067,2023,1234\n"  # Braintree: new
    b"hate-incidents,E07000069,2023,2\n"  # Castle Point: new, and small
)


def test_the_preview_shows_each_figure_old_to_new_and_counts_the_unchanged(client, world):
    _sign_in(client, world["partnership"])
    run = _upload(client, world["partnership"], RETURN)
    page = client.get(reverse("ingest:detail", args=[run.pk])).content.decode()
    assert "Figures that will change" in page
    table = page.split('id="what-changes"', 1)[1].split("</table>", 1)[0]
    rows = table.split('<tr class="govuk-table__row">')[2:]
    assert len(rows) == 3  # Basildon's unchanged figure is counted, not listed
    braintree, castle_point, harlow = rows  # by area name
    assert "Braintree" in braintree and "New" in braintree and ">1,234<" in braintree
    assert "Castle Point" in castle_point and ">2<" in castle_point
    assert "Harlow" in harlow and ">40<" in harlow and ">52<" in harlow and "2023" in harlow
    assert "Figures whose value stays the same (not listed): 1." in page
    assert "Where the figures changed" not in page  # nothing has changed yet


def test_after_confirming_the_page_links_to_every_page_whose_figures_changed(client, world):
    _sign_in(client, world["partnership"])
    run = _upload(client, world["partnership"], RETURN)
    client.post(reverse("ingest:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == Import.Status.COMMITTED
    assert run.summary["values"]["changed_areas"] == {"hate-incidents": [BRAINTREE, CASTLE_POINT, HARLOW]}
    page = client.get(reverse("ingest:detail", args=[run.pk])).content.decode()
    links = page.split('id="where-figures-changed"', 1)[1]
    indicator_url = f"{reverse('performance:indicator', args=['hate-incidents'])}?area={BRAINTREE}"
    assert f'href="{indicator_url}"' in links
    assert f'href="{reverse("performance:scorecard", args=[world["framework"].slug])}"' in links
    assert f'href="{reverse("performance:area", args=[HARLOW])}"' in links
    assert f'href="{reverse("performance:area", args=[BRAINTREE])}"' in links
    assert f'href="{reverse("performance:area", args=[BASILDON])}"' not in links  # unchanged
    # and each link opens, for the analyst who followed it
    indicator_page = client.get(indicator_url)
    assert indicator_page.status_code == 200 and "1,234" in indicator_page.content.decode()


def test_a_reader_who_may_not_see_small_numbers_gets_them_hidden_in_the_preview(client, world, essex_partnerships):
    """The import's page is its partnership's contributors' only (another partnership gets 403); the
    preview still hides small counts from any reader who is not an owner of the figure."""
    _sign_in(client, world["partnership"])
    run = _upload(client, world["partnership"], RETURN)
    client.logout()
    outsider = _sign_in(client, essex_partnerships["harlow-csp"], Role.CONTRIBUTOR)
    assert client.get(reverse("ingest:detail", args=[run.pk])).status_code == 403
    world["partnership"].publishes_performance = False
    world["partnership"].save()
    preview = preview_changes(summary=run.summary, user=outsider)
    small = next(r for r in preview["rows"] if r.area == "Castle Point")
    harlow = next(r for r in preview["rows"] if r.area == "Harlow")
    assert small.new == "fewer than 5" and preview["masked"]
    assert next(r for r in preview["rows"] if r.area == "Braintree").new == "1,234"
    assert (harlow.old, harlow.new) == ("40", "52")  # Harlow's own partnership sees its area whole anyway
    insider = preview_changes(summary=run.summary, user=UserFactory(is_superuser=True))
    assert next(r for r in insider["rows"] if r.area == "Castle Point").new == "2" and not insider["masked"]


def test_the_upload_page_lists_the_return_templates_with_their_period_format(client, world):
    Indicator.objects.create(slug="all-crime", title="All recorded crime", data_source=POLICE_UK_NOTE)
    _sign_in(client, world["partnership"])
    page = client.get(reverse("ingest:upload"), {"indicator": "hate-incidents"}).content.decode()
    assert "Return templates" in page and "Hate incidents reported" in page
    assert "a calendar year, for example <code>2023</code>" in page
    assert reverse("ingest:template", args=["hate-incidents", "csv"]) in page
    assert reverse("ingest:template", args=["all-crime", "csv"]) not in page  # computed from police.uk records
    assert 'id="chosen-template"' in page and 'value="returns" checked' in page
    indicator_page = client.get(reverse("performance:indicator", args=["hate-incidents"])).content.decode()
    assert f"{reverse('ingest:upload')}?indicator=hate-incidents" in indicator_page
