"""Compare areas and the profile's period selector and downloads (issue 21, the public reader): two
to six areas side by side, each area's figures masked exactly as its own profile masks them for the
reader; a profile for any period with values; tried signed out, as another partnership's member and
as a member, on the page and through its CSV; counts shown, never compared.

Expected figures come from the stored values (``IndicatorValue``), never from the pages. One Essex
world is built for the module and rolled back at its end."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import transaction

from saferhub.accounts.models import Role
from saferhub.core.codes import period_words
from saferhub.core.disclosure import SMALL_TEXT, is_small
from saferhub.framework.models import ValueType
from saferhub.geography.models import Area
from saferhub.measures.models import IndicatorValue
from saferhub.performance.pages.profile import area_profile_context
from saferhub.sharing.models import ReadAudit
from tests.factories import PartnershipRoleFactory, UserFactory
from tests.integration.performance import builders

HARLOW = "E07000073"
BASILDON = "E07000066"
EPPING = "E07000072"
COUNTS = {"crime-bicycle-theft": 1.2, "crime-robbery": 2.5}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Essex; two imported-style crime type counts with many counts of 1 to 4, and all crime as a
    rate per 1,000; summaries refreshed; the values marked as a police.uk import (so members' reads
    are audited)."""
    from saferhub.accounts.models import Partnership
    from saferhub.accounts.services import accounts_essex_load
    from saferhub.geography.services import geography_builtin_load
    from saferhub.ingest.models import Import
    from saferhub.performance.services import performance_refresh
    from saferhub.sharing.models import Dataset
    from tests.factories import OrganisationFactory

    with django_db_blocker.unblock(), transaction.atomic():
        geography_builtin_load(name="essex")
        accounts_essex_load()
        for slug, base in COUNTS.items():
            ind = builders.make_indicator(slug, title=f"Crime: {slug[6:]}", value_type=ValueType.COUNT)
            builders.write_monthly(ind, base=base, count=4, first="2024-01")
        rate = builders.make_indicator("all-crime", title="All crime")
        builders.write_monthly(rate, base=600, count=4, first="2024-01")
        performance_refresh()
        batch = Import.objects.create(source=Import.Source.POLICE_UK, file_name="2024-01-street.csv", sha256="0" * 64)
        IndicatorValue.objects.update(source_import=batch)
        Dataset.objects.create(
            slug="police-uk",
            name="police.uk",
            source="police-uk",
            owner=OrganisationFactory(slug="compare-police"),
            disclosure="public_aggregate",
        )
        stored = {
            (v.indicator.slug, v.area.code, v.period_label): v.value
            for v in IndicatorValue.objects.filter(breakdown="").select_related("indicator", "area")
        }
        yield {"values": stored, "partnerships": {p.slug: p for p in Partnership.objects.all()}}
        transaction.set_rollback(True)


def member_of(partnership, role=Role.VIEWER):
    user = UserFactory()
    PartnershipRoleFactory(user=user, partnership=partnership, role=role)
    return user


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


URL = f"/areas/compare/?area={HARLOW}&area={BASILDON}&area={EPPING}"


def test_signed_out_every_small_count_is_hidden_on_the_page_and_in_its_csv(client, world, db):
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert SMALL_TEXT in html
    rows = csv_rows(client.get(URL + "&format=csv"))
    assert {r["Area code"] for r in rows} == {HARLOW, BASILDON, EPPING}
    assert {r["Indicator"] for r in rows} == {"Crime: bicycle-theft", "Crime: robbery", "All crime"}
    hidden = 0
    for r in rows:
        slug = {"Crime: bicycle-theft": "crime-bicycle-theft", "Crime: robbery": "crime-robbery"}.get(
            r["Indicator"], "all-crime"
        )
        assert r["Period"] == period_words("2024-04")
        stored = world["values"][(slug, r["Area code"], "2024-04")]
        if r["Value"] == SMALL_TEXT:
            hidden += 1
            assert r["Lower 95%"] == r["Upper 95%"] == ""
        else:
            assert float(r["Value"]) == pytest.approx(stored)
        if slug != "all-crime" and is_small(stored):
            assert r["Value"] == SMALL_TEXT, r
    assert hidden, "the world holds small counts in the latest month"
    assert ReadAudit.objects.count() == 0  # the public's suppressed reads are not restricted reads


def test_each_area_is_masked_exactly_as_its_own_profile_masks_it(client, world, db):
    """Signed out and as one district's member: a cell shows "fewer than 5" where, and only where,
    that area's profile does for the same reader; the member sees their own small counts whole."""
    from saferhub.accounts.models import Partnership

    small = sorted(
        {c for (s, c, p), v in world["values"].items() if s in COUNTS and p == "2024-04" and is_small(v)}
        & set(builders.CSP_CODES)
    )
    own = next(c for c in small if Partnership.objects.filter(area__code=c).exists())
    other = next(c for c in small if c != own)
    codes = [own, other, EPPING if EPPING not in (own, other) else HARLOW]
    url = "/areas/compare/?" + "&".join(f"area={c}" for c in codes)
    member = member_of(Partnership.objects.get(area__code=own))
    for user in (None, member):
        if user is not None:
            client.force_login(user)
        rows = csv_rows(client.get(url + "&format=csv"))
        for code in codes:
            public = user is None or code != own
            profile = area_profile_context(area=Area.objects.get(code=code), public=public)
            on_profile = {r["indicator"]: r["area_value"] for r in profile["rows"]}
            for r in (r for r in rows if r["Area code"] == code):
                assert (r["Value"] == SMALL_TEXT) == (on_profile[r["Indicator"]] == SMALL_TEXT), (user, code, r)
        mine = [r for r in rows if r["Area code"] == own and r["Indicator"].startswith("Crime")]
        theirs = [r for r in rows if r["Area code"] == other and r["Indicator"].startswith("Crime")]
        assert any(r["Value"] == SMALL_TEXT for r in theirs)
        if user is None:
            assert any(r["Value"] == SMALL_TEXT for r in mine)
        else:
            assert all(r["Value"] != SMALL_TEXT for r in mine)
            assert any(is_small(float(r["Value"])) for r in mine)


def test_a_member_sees_every_figure_and_the_read_is_audited(client, world, db):
    analyst = member_of(world["partnerships"]["safer-essex"], Role.ANALYST)
    client.force_login(analyst)
    html = client.get(URL).content.decode()
    assert SMALL_TEXT not in html
    rows = csv_rows(client.get(URL + "&format=csv"))
    for r in rows:
        slug = {"Crime: bicycle-theft": "crime-bicycle-theft", "Crime: robbery": "crime-robbery"}.get(
            r["Indicator"], "all-crime"
        )
        assert float(r["Value"]) == pytest.approx(world["values"][(slug, r["Area code"], "2024-04")])
    reads = list(ReadAudit.objects.filter(user=analyst).order_by("pk"))
    assert [(a.channel, a.what.split(":")[0]) for a in reads] == [
        ("page", "Compare areas"),
        ("export", "Compare areas export"),
    ]
    assert set(reads[0].areas) == {HARLOW, BASILDON, EPPING}


def test_counts_are_shown_but_not_compared_and_rates_are(client, world, db):
    rows = csv_rows(client.get(URL + "&format=csv"))
    for r in rows:
        if r["Indicator"].startswith("Crime"):
            assert r["Compared with benchmark"].startswith("Not compared (Counts are not compared")
            assert r["Benchmark value"] == ""
        else:
            assert r["Benchmark"] == "Essex"
            assert r["Compared with benchmark"] in {"Better", "Similar", "Worse"}
            assert float(r["Lower 95%"]) < float(r["Value"]) < float(r["Upper 95%"])


def test_wrong_choices_get_an_error_naming_them(client, world, db):
    page = client.get(f"/areas/compare/?area={HARLOW}&area=E07999999&compare=1")
    assert page.status_code == 400
    assert "There is no area with the code E07999999." in page.content.decode()
    many = "&".join(f"area={c}" for c in builders.CSP_CODES[:7])
    page = client.get(f"/areas/compare/?{many}&compare=1")
    assert page.status_code == 400
    assert "Choose no more than 6 areas to compare: you chose 7." in page.content.decode()
    page = client.get(f"/areas/compare/?area={HARLOW}&compare=1")
    assert page.status_code == 400 and "Choose at least 2 areas to compare." in page.content.decode()
    assert client.get(f"/areas/compare/?area={HARLOW}&format=csv").status_code == 400
    # From Harlow's profile, one area chosen: the form, no error yet.
    page = client.get(f"/areas/compare/?area={HARLOW}")
    assert page.status_code == 200
    assert "Choose at least one more area to compare with Harlow" in page.content.decode()
    assert f'/areas/compare/?area={HARLOW}"' in client.get(f"/areas/{HARLOW}/").content.decode()
    assert 'href="/areas/compare/"' in client.get("/areas/").content.decode()


# --- the profile's period selector and its downloads -------------------------------------------------


def stored(slug: str, code: str, period: str) -> IndicatorValue:
    return IndicatorValue.objects.get(indicator__slug=slug, area__code=code, period_label=period, breakdown="")


def test_a_period_shows_every_figure_for_it_compared_with_the_countys(client, world, db):
    page = client.get(f"/areas/{HARLOW}/")
    html = page.content.decode()
    for month in ("2024-01", "2024-02", "2024-03", "2024-04"):
        assert f'<option value="{month}"' in html
    assert 'id="headline"' in html
    rows = {r["Indicator"]: r for r in csv_rows(client.get(f"/areas/{HARLOW}/?period=2024-02&format=csv"))}
    mine, county = stored("all-crime", HARLOW, "2024-02"), stored("all-crime", builders.COUNTY, "2024-02")
    row = rows["All crime"]
    assert row["Period"] == "February 2024"
    assert float(row["Value"]) == pytest.approx(mine.value)
    assert (float(row["Lower 95%"]), float(row["Upper 95%"])) == pytest.approx((mine.lower_95, mine.upper_95))
    assert float(row["Benchmark value"]) == pytest.approx(county.value)
    # Fingertips: lower is better; the county outside the interval on its bad (high) side is "Better".
    want = "Better" if county.value > mine.upper_95 else "Worse" if county.value < mine.lower_95 else "Similar"
    assert row["Compared with benchmark"] == want
    for slug in COUNTS:
        assert rows[f"Crime: {slug[6:]}"]["Compared with benchmark"] == "Not compared"
    page = client.get(f"/areas/{HARLOW}/?period=2024-02")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Indicators compared: February 2024" in html and "In February 2024, Harlow was" in html
    assert '<option value="2024-02" selected>' in html


def test_a_period_hides_what_the_profile_hides_for_each_reader(client, world, db):
    small = [
        (s, p)
        for (s, c, p), v in world["values"].items()
        if c == HARLOW and s in COUNTS and p != "2024-04" and is_small(v)
    ]
    assert small, "Harlow has a small count in an earlier month"
    slug, period = small[0]
    title = f"Crime: {slug[6:]}"
    url = f"/areas/{HARLOW}/?period={period}"
    for user in (None, member_of(world["partnerships"]["basildon-csp"])):
        if user is not None:
            client.force_login(user)
        rows = {r["Indicator"]: r for r in csv_rows(client.get(url + "&format=csv"))}
        assert rows[title]["Value"] == SMALL_TEXT
        assert rows[title]["Lower 95%"] == rows[title]["Upper 95%"] == ""
        table = client.get(url).content.decode().split("Indicators compared")[1].split("by type and month")[0]
        assert SMALL_TEXT in table
    client.force_login(member_of(world["partnerships"]["harlow-csp"]))
    rows = {r["Indicator"]: r for r in csv_rows(client.get(url + "&format=csv"))}
    assert float(rows[title]["Value"]) == world["values"][(slug, HARLOW, period)]
    reads = list(ReadAudit.objects.filter(channel="export").values_list("what", flat=True))
    assert reads == ["Area profile export: Harlow"]


def test_a_wrong_period_gets_an_error_naming_it(client, world, db):
    page = client.get(f"/areas/{HARLOW}/?period=2019-13")
    assert page.status_code == 400
    html = page.content.decode()
    assert "There are no figures for Harlow for the period ‘2019-13’: choose one from the list." in html
    assert 'class="govuk-error-summary"' in html and 'href="#period"' in html
    assert client.get(f"/areas/{HARLOW}/?period=2019-13&format=csv").status_code == 400


def test_the_crime_by_type_table_downloads_as_the_page_shows_it(client, world, db):
    rows = csv_rows(client.get(f"/areas/{HARLOW}/?table=by-type&format=csv"))
    assert rows, "the table has rows"
    cells = [v for r in rows for k, v in r.items() if k != next(iter(r))]
    for (slug, code, _), value in world["values"].items():
        if code == HARLOW and slug in COUNTS and is_small(value):
            assert SMALL_TEXT in cells
            break
    else:
        pytest.fail("Harlow has a small count")


def test_the_indicator_pages_areas_table_downloads_as_the_page_shows_it(client, world, db):
    """Signed out and as another partnership's member: every small district count is "fewer than 5"
    with no interval; every figure shown whole is the stored one."""
    url = f"/performance/indicators/crime-bicycle-theft/?area={HARLOW}"
    assert "table=areas&amp;format=csv" in client.get(url).content.decode()
    for user in (None, member_of(world["partnerships"]["basildon-csp"])):
        if user is not None:
            client.force_login(user)
        rows = csv_rows(client.get(url + "&table=areas&format=csv"))
        assert {r["Area code"] for r in rows} >= set(builders.CSP_CODES) - {"E06000033", "E06000034"}
        assert any(r["Value"] == SMALL_TEXT for r in rows)
        for r in rows:
            value = world["values"][("crime-bicycle-theft", r["Area code"], "2024-04")]
            if is_small(value):
                assert r["Value"] == SMALL_TEXT and r["Lower 95%"] == r["Upper 95%"] == "", r
            elif r["Value"] != SMALL_TEXT:
                assert float(r["Value"]) == value
    assert ReadAudit.objects.count() == 0
