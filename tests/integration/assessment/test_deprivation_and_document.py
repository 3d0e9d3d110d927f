"""The deprivation page and the strategic assessment document on real data: Essex's police.uk records
of January and February 2024, the English Indices of Deprivation 2019, the 2011 ↔ 2021 LSOA lookup
and Harlow's boundaries, loaded once for the module (rolled back at its end). Each page is tried as
a member, as the public, as a member of another partnership and signed out; the narrative sections
as each role."""

from __future__ import annotations

import csv
import gzip
import re
import subprocess
from collections import Counter

import duckdb
import pytest

from saferhub.core.disclosure import SMALL_TEXT, SUPPRESSED_TEXT
from tests.integration.assessment.test_pages import direct, rows_of

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

HARLOW = "E07000073"
MONTHS = ("2024-01",)
DEPRIVATION = "deprivation/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
POPULATION = "deprivation/File_6_-_IoD2019_Population_Denominators.csv.gz"


@pytest.fixture(scope="module")
def _loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings
    from django.db import transaction

    from saferhub.accounts.models import Partnership
    from saferhub.accounts.services import accounts_essex_load
    from saferhub.assessment.deprivation_data import deprivation_load
    from saferhub.assessment.loaders import assessment_essex_load
    from saferhub.geography.services import (
        geography_boundaries_load,
        geography_builtin_load,
        geography_lsoa_lookup_derive,
        geography_lsoas_load,
    )
    from saferhub.ingest.services import police_uk_import
    from tests.conftest import SHARED_DATA

    data = SHARED_DATA

    store, var = settings.SAFERHUB_RECORD_STORE, settings.SAFERHUB_VAR_DIR
    root = tmp_path_factory.mktemp("deprivation")
    settings.SAFERHUB_RECORD_STORE, settings.SAFERHUB_VAR_DIR = str(root / "records"), root / "var"
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            geography_builtin_load(name="essex")
            accounts_essex_load()
            assessment_essex_load()
            geography_lsoas_load(path=data / "geography" / "lsoa11_to_lad.csv")
            geography_lsoas_load(path=data / "geography" / "lsoa21_to_lad.csv")
            geography_lsoa_lookup_derive(centres=data / "geography" / "lsoa_latlong.csv")
            deprivation_load(imd=data / DEPRIVATION, population=data / POPULATION)
            geography_boundaries_load(path=data / "boundaries" / "essex-lsoa-2021" / f"{HARLOW}.json", vintage="2021")
            police_uk_import(paths=[data / "police-uk" / m / f"{m}-essex-street.csv" for m in MONTHS])
            yield {"store": root / "records", "partnerships": {p.slug: p.pk for p in Partnership.objects.all()}}
            transaction.set_rollback(True)
    finally:
        settings.SAFERHUB_RECORD_STORE, settings.SAFERHUB_VAR_DIR = store, var


@pytest.fixture
def loaded(_loaded, db, settings):
    settings.SAFERHUB_RECORD_STORE = str(_loaded["store"])
    return _loaded


def login(client, slug: str, role_name: str = "VIEWER"):
    from saferhub.accounts.models import Partnership, Role
    from tests.factories import PartnershipRoleFactory, UserFactory

    user = UserFactory()
    PartnershipRoleFactory(user=user, partnership=Partnership.objects.get(slug=slug), role=getattr(Role, role_name))
    client.force_login(user)
    return user


def imd_deciles(shared_data) -> dict[str, int]:
    with gzip.open(shared_data / DEPRIVATION, "rt", encoding="utf-8-sig") as handle:
        return {
            r["LSOA code (2011)"]: int(r["Index of Multiple Deprivation (IMD) Decile"]) for r in csv.DictReader(handle)
        }


def decile_table(page: str, caption_start: str) -> dict[str, list[str]]:
    caption = re.search(re.escape(caption_start) + r"[^<]*: (?:records|casualties), residents and rates", page)
    assert caption, caption_start
    return {r[0]: r for r in rows_of(page, caption.group(0))}


# --- the deprivation page ---------------------------------------------------------------------------------


def test_a_members_gradient_counts_every_harlow_record_in_its_decile(client, loaded, shared_data):
    from saferhub.geography.models import LsoaChange

    login(client, "harlow-csp")
    page = client.get(f"/assessment/deprivation/?area={HARLOW}&type=all&from=2024-01&to=2024-01").content.decode()
    table = decile_table(page, "Crime and anti-social behaviour per 1,000 residents by deprivation decile, Harlow")
    # Independently: each record's LSOA → the IoD file's decile, through the lookup for 2021 codes.
    deciles = imd_deciles(shared_data)
    parents: dict[str, set[int]] = {}
    for old, new in LsoaChange.objects.values_list("lsoa11_code", "lsoa21_code"):
        parents.setdefault(new, set()).add(deciles[old])
    expected: Counter[int] = Counter()
    unmatched = 0
    for code, n in direct(
        loaded["store"],
        f"SELECT lsoa_code, count(*) FROM RECORDS WHERE district_code = '{HARLOW}' AND lsoa_code IS NOT NULL "
        "AND kind IN ('crime', 'asb') GROUP BY lsoa_code",
    ):
        found = {deciles[code]} if code in deciles else parents.get(code, set())
        if len(found) == 1:
            expected[found.pop()] += n
        else:
            unmatched += n
    assert {int(k): int(r[3].replace(",", "")) for k, r in table.items()} == dict(expected)
    assert sum(expected.values()) > 800  # 882 records of January 2024 with an LSOA
    assert "Slope index of inequality" in page and "Relative index of inequality" in page
    assert ("could not be given a decile" in page) == bool(unmatched)
    assert "Road casualties" in page and "no STATS19 road casualty records" in page


def test_the_public_see_a_deciles_count_only_when_the_maps_page_shows_every_lsoa_in_it(client, loaded, shared_data):
    from saferhub.assessment.publication import maps_page_hidden
    from saferhub.geography.models import LsoaChange

    page = client.get(f"/assessment/deprivation/?area={HARLOW}&type=all&from=2024-01&to=2024-01").content.decode()
    table = decile_table(page, "Crime and anti-social behaviour per 1,000 residents by deprivation decile, Harlow")
    counts = dict(
        direct(
            loaded["store"],
            f"SELECT lsoa_code, count(*) FROM RECORDS WHERE district_code = '{HARLOW}' AND month = '2024-01' "
            "AND lsoa_code IS NOT NULL AND kind IN ('crime', 'asb') GROUP BY lsoa_code",
        )
    )
    hidden = maps_page_hidden(counts)
    assert hidden  # Harlow has neighbourhoods of fewer than 5 records in January 2024
    deciles = imd_deciles(shared_data)
    parents: dict[str, set[int]] = {}
    for old, new in LsoaChange.objects.values_list("lsoa11_code", "lsoa21_code"):
        parents.setdefault(new, set()).add(deciles[old])
    hidden_deciles = {d for code in hidden for d in ({deciles[code]} if code in deciles else parents.get(code, set()))}
    for key, row in table.items():
        if int(key) in hidden_deciles:
            assert row[3] in (SMALL_TEXT, SUPPRESSED_TEXT) and row[4] == SUPPRESSED_TEXT and row[5] == "", row
        else:
            assert row[3].replace(",", "").isdigit(), row
    assert "Slope index of inequality<" not in page  # a hidden decile would come back from it
    assert "it would give a suppressed figure back" in page


def test_the_public_see_no_rate_of_a_single_crime_type_by_decile(client, loaded):
    page = client.get(f"/assessment/deprivation/?area={HARLOW}&type=Robbery&from=2024-01&to=2024-01").content.decode()
    assert "shown to members of the partnership only" in page
    assert "Per 1,000 residents</th>" not in page and "Slope index of inequality" not in page.split("</details>", 1)[1]


def test_a_closed_partnerships_gradient_is_for_its_members_only(client, loaded):
    from saferhub.accounts.models import Partnership

    Partnership.objects.filter(slug="harlow-csp").update(publishes_performance=False)
    url = f"/assessment/deprivation/?area={HARLOW}&type=all&from=2024-01&to=2024-01"
    assert client.get(url).status_code == 302
    login(client, "basildon-csp")
    assert client.get(url).status_code == 403
    assert client.get(f"/assessment/document/{HARLOW}/2024/").status_code == 403
    login(client, "harlow-csp")
    page = client.get(url).content.decode()
    assert SMALL_TEXT not in page and SUPPRESSED_TEXT not in page and "Slope index of inequality" in page


def test_a_wrong_month_is_named_and_nothing_is_computed(client, loaded):
    response = client.get(f"/assessment/deprivation/?area={HARLOW}&from=2024-13&to=2024-01")
    assert response.status_code == 400 and "Enter the month as YYYY-MM" in response.content.decode()


# --- the document and its narrative -------------------------------------------------------------------------


def test_narrative_sections_are_written_by_analysts_with_their_history_and_read_as_published(client, loaded):
    from saferhub.assessment.models import NarrativeSection

    url = f"/assessment/document/{HARLOW}/2024/narrative/summary/"
    assert client.get(url).status_code == 302  # signed out: sign in first
    assert client.post(url, {"text": "x", "publication": "published"}).status_code == 302
    assert not NarrativeSection.objects.exists()
    login(client, "harlow-csp", "VIEWER")
    assert client.post(url, {"text": "x", "publication": "members"}).status_code == 403
    login(client, "basildon-csp", "ADMINISTRATOR")
    assert client.post(url, {"text": "x", "publication": "members"}).status_code == 403
    assert not NarrativeSection.objects.exists()

    analyst = login(client, "harlow-csp", "ANALYST")
    response = client.post(url, {"text": "Violence rose in the town centre.", "publication": "members"})
    assert response.status_code == 302
    bad = client.post(url, {"text": "", "publication": "published"})
    assert bad.status_code == 400 and "Write the section before publishing it" in bad.content.decode()
    client.post(url, {"text": "Violence rose in the town centre and at the station.", "publication": "published"})
    section = NarrativeSection.objects.get()
    assert section.updated_by == analyst and section.published
    history = client.get(url).content.decode()
    changes = rows_of(history, "Every change to this section, newest first")
    assert [r[2].split(" The words")[0] for r in changes] == ["Words changed; Published", "Written as a draft"]
    assert all(analyst.username in r[1] for r in changes)
    assert "Violence rose in the town centre." in history  # the words before the change

    client.logout()
    assert "and at the station" in client.get(f"/assessment/document/{HARLOW}/2024/").content.decode()
    section.publication = "members"
    section.save()
    assert "and at the station" not in client.get(f"/assessment/document/{HARLOW}/2024/").content.decode()
    login(client, "basildon-csp", "ADMINISTRATOR")
    assert "and at the station" not in client.get(f"/assessment/document/{HARLOW}/2024/").content.decode()
    login(client, "harlow-csp", "VIEWER")
    page = client.get(f"/assessment/document/{HARLOW}/2024/").content.decode()
    assert "and at the station" in page and "Draft" in page and "/narrative/summary/" not in page


def test_the_public_document_hides_repeat_locations_and_small_counts(client, loaded):
    page = client.get(f"/assessment/document/{HARLOW}/2024/").content.decode()
    assert "Repeat locations are shown to members of the partnership" in page
    assert "The priority matrix for this year has not been set." in page
    assert "On or near" not in page


def test_the_pdf_has_every_section_and_the_members_figures(client, loaded, tmp_path):
    from saferhub.accounts.models import Partnership
    from saferhub.assessment.models import NarrativeSection

    NarrativeSection.objects.create(
        partnership=Partnership.objects.get(slug="harlow-csp"),
        year=2024,
        key="next_steps",
        text="Agree the priorities at the board in March.",
        publication="published",
    )
    login(client, "harlow-csp")
    response = client.get(f"/assessment/document/{HARLOW}/2024/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (tmp_path / "a.pdf").write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for expected in (
        "Strategic assessment 2024: Harlow",
        "1. Summary",
        "2. Trends in the main crime types",
        "3. Hot and cold spots",
        "4. Deprivation and inequality",
        "Slope index of inequality",
        "5. Repeat locations",
        "On or near",
        "6. Cost of harm",
        "7. Priority matrix",
        "(proposed, not yet confirmed)",  # a member reads the matrix the records propose
        "Agree the priorities at the board in March.",
        "Page 1 of",
    ):
        assert expected in text, expected
    assert "The partnership has not written this section yet" not in text  # unwritten sections are not printed
    pages = dict(re.findall(r"(\d\. [A-Z][a-z ]+?), page (\d+)", text))
    assert pages and all(int(n) >= 1 for n in pages.values())
    assert duckdb.__version__  # the store was read with the same engine the page uses
