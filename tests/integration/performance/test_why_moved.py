"""The why page's "What moved": which crime types and which smaller areas moved the latest month,
checked against counts made independently of the hub (DuckDB straight over the police.uk files as
published, the district taken from the LSOA name), and small numbers hidden from the public and from
other partnerships' members (tried as each)."""

from __future__ import annotations

import re
from collections import defaultdict

import duckdb
import pytest
from django.urls import reverse

from saferhub.accounts.models import Partnership, Role
from saferhub.accounts.services import accounts_essex_load
from saferhub.framework.models import Indicator
from saferhub.geography.models import Area, AreaType
from saferhub.ingest.services import police_uk_import
from saferhub.performance.services import performance_refresh
from tests.factories import PASSWORD, PartnershipRoleFactory, UserFactory, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MONTHS = ("2024-02", "2024-03")
COUNTY, HARLOW = "E10000012", "E07000073"


@pytest.fixture(scope="module")
def _module_import(django_db_setup, django_db_blocker, tmp_path_factory):
    """Essex and two police.uk months imported once for the module, rolled back at its end."""
    from django.conf import settings
    from django.db import transaction

    from saferhub.geography.services import geography_builtin_load
    from tests.conftest import SHARED_DATA

    store = settings.SAFERHUB_RECORD_STORE
    settings.SAFERHUB_RECORD_STORE = str(tmp_path_factory.mktemp("moved") / "records")
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            geography_builtin_load(name="essex")
            accounts_essex_load()
            files = [SHARED_DATA / "police-uk" / m / f"{m}-essex-street.csv" for m in MONTHS]
            police_uk_import(paths=files)
            Indicator.objects.create(slug="hate-incidents", title="Hate incidents", value_type="count")
            performance_refresh()
            yield {"files": files}
            transaction.set_rollback(True)
    finally:
        settings.SAFERHUB_RECORD_STORE = store


@pytest.fixture
def imported(_module_import, db):
    from django.core.cache import cache

    cache.clear()
    return _module_import


def _independent(files) -> dict[str, dict]:
    """Counts by (district, month, type) and by (LSOA, month), from the CSV files alone."""
    names = {a.name: a.code for a in Area.objects.filter(area_type__in=[AreaType.DISTRICT, AreaType.UNITARY])}
    with duckdb.connect() as con:
        rows = con.execute(
            """SELECT regexp_replace("LSOA name", ' [^ ]+$', '') AS district, "LSOA code", "Month", "Crime type",
                      count(*)
               FROM read_csv(?, header = true, all_varchar = true) WHERE "LSOA name" IS NOT NULL GROUP BY ALL""",
            [[str(f) for f in files]],
        ).fetchall()
    by_type: dict[tuple[str, str, str], int] = defaultdict(int)
    by_lsoa: dict[tuple[str, str], int] = defaultdict(int)
    for district, lsoa, month, crime_type, n in rows:
        code = names.get(district)
        if code is None or crime_type == "Anti-social behaviour":
            continue
        by_type[(code, month, crime_type)] += int(n)
        if code == HARLOW:
            by_lsoa[(lsoa, month)] += int(n)
    return {"by_type": by_type, "by_lsoa": by_lsoa}


def _table(page: str, caption_start: str) -> dict[str, list[str]]:
    """The rows of the table whose caption starts so: row name → its cells' text."""
    start = page.index(f'<caption class="govuk-table__caption govuk-table__caption--s">{caption_start}')
    body = page[start : page.index("</table>", start)]
    out = {}
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body.split("<tbody", 1)[1], re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        out[cells[0]] = cells[1:]
    return out


def _why(client, code: str, slug: str = "all-crime") -> str:
    response = client.get(reverse("performance:why", args=[slug, code]))
    assert response.status_code == 200
    return response.content.decode()


def _as(client, user=None):
    client.logout()
    if user is not None:
        sign_in(client, user.username, PASSWORD)


def _member(slug: str):
    user = UserFactory()
    PartnershipRoleFactory(user=user, partnership=Partnership.objects.get(slug=slug), role=Role.VIEWER)
    return user


def test_a_county_s_types_and_districts_agree_with_a_count_of_the_published_files(client, imported):
    expected = _independent(imported["files"])["by_type"]
    essex = set(Area.objects.filter(parent__code=COUNTY).values_list("code", flat=True))
    _as(client, UserFactory(is_superuser=True))
    page = _why(client, COUNTY)
    assert "What moved" in page and "March 2024" in page and "February 2024" in page
    assert "no records for March 2023" in page  # the year before was never imported: said, not zero
    # so the tables are ordered by the change on February, and the page says so (not "a year before")
    assert "With no records for a year before, the biggest changes against the period before come first." in page
    assert "The biggest changes against a year before come first." not in page
    types = _table(page, "Records by type, Essex")
    for crime_type in ("Violence and sexual offences", "Shoplifting", "Burglary"):
        march = sum(n for (c, m, t), n in expected.items() if c in essex and m == "2024-03" and t == crime_type)
        feb = sum(n for (c, m, t), n in expected.items() if c in essex and m == "2024-02" and t == crime_type)
        cells = types[crime_type]
        assert cells[0] == f"{march:,}" and cells[3] == f"{feb:,}"
        assert cells[4] == (f"+{march - feb:,}" if march > feb else f"{march - feb:,}")
    districts = _table(page, "Records by area within Essex")
    harlow = sum(n for (c, m, _), n in expected.items() if c == HARLOW and m == "2024-03")
    assert districts["Harlow"][0] == f"{harlow:,}" and len(districts) == len(essex)


def test_a_district_s_neighbourhoods_agree_and_the_biggest_movers_come_first(client, imported):
    expected = _independent(imported["files"])["by_lsoa"]
    _as(client, UserFactory(is_superuser=True))
    lsoas = _table(_why(client, HARLOW), "The neighbourhoods (LSOAs) of Harlow")
    assert len(lsoas) == 10
    changes = [int(cells[4].replace(",", "").replace("+", "")) for cells in lsoas.values()]
    assert [abs(c) for c in changes] == sorted((abs(c) for c in changes), reverse=True)
    moves = sorted(
        {lsoa for lsoa, _ in expected},
        key=lambda x: -abs(expected.get((x, "2024-03"), 0) - expected.get((x, "2024-02"), 0)),
    )
    biggest = abs(expected.get((moves[0], "2024-03"), 0) - expected.get((moves[0], "2024-02"), 0))
    assert abs(changes[0]) == biggest


def test_small_numbers_are_hidden_from_the_public_and_other_partnerships_but_not_from_maldon(client, imported):
    expected = _independent(imported["files"])["by_type"]
    maldon = Area.objects.get(name="Maldon").code
    small = sorted(t for (c, m, t), n in expected.items() if c == maldon and m == "2024-03" and 0 < n < 5)
    assert len(small) >= 3, "the March 2024 file has crime types with fewer than 5 records in Maldon"
    for reader in (None, _member("basildon-csp")):  # signed out; another partnership's member
        _as(client, reader)
        page = _why(client, maldon)
        types = _table(page, "Records by type, Maldon")
        for crime_type in small:
            assert types[crime_type][0] == "fewer than 5"
            # no year before in the store ("–"); the change on February is hidden with the count
            assert types[crime_type][2] == "–" and types[crime_type][4] == "not shown"
        every_cell = [c for cells in types.values() for c in cells]
        every_cell += [c for cells in _table(page, "The neighbourhoods (LSOAs) of Maldon").values() for c in cells]
        assert not {"1", "2", "3", "4"} & set(every_cell)
        assert "are not shown outside the partnership" in page
        # the order gives nothing away: rows whose change is hidden come last
        orders = [cells[4] == "not shown" for cells in types.values()]
        assert orders == sorted(orders)
    _as(client, _member("maldon-csp"))
    types = _table(_why(client, maldon), "Records by type, Maldon")
    for crime_type in small:
        assert types[crime_type][0] == str(expected[(maldon, "2024-03", crime_type)])


def test_a_return_fed_indicator_says_the_data_cannot_say(client, imported):
    from saferhub.measures.services import indicator_values_write

    indicator = Indicator.objects.get(slug="hate-incidents")
    indicator_values_write(indicator=indicator, rows=[{"area": HARLOW, "period": "2023", "value": 30}])
    performance_refresh(indicator=indicator)
    _as(client, UserFactory(is_superuser=True))
    page = _why(client, HARLOW, slug="hate-incidents")
    assert "The hub cannot say what moved" in page and "Records by type" not in page


def _csv_links(page: str) -> dict[str, list[list[str]]]:
    """Each "Download this table as a CSV file" link of the page: its file name → the CSV's rows."""
    import csv
    import html
    import io
    from urllib.parse import unquote

    out = {}
    for name, href in re.findall(r'<a class="govuk-link" download="([^"]+)" href="(data:text/csv[^"]+)">', page):
        text = unquote(html.unescape(href).split(",", 1)[1])
        out[name] = list(csv.reader(io.StringIO(text)))
    return out


def test_a_signed_out_reader_s_what_moved_csv_holds_only_what_the_page_shows(client, imported):
    expected = _independent(imported["files"])["by_type"]
    maldon = Area.objects.get(name="Maldon").code
    small = {t for (c, m, t), n in expected.items() if c == maldon and m == "2024-03" and 0 < n < 5}
    _as(client)
    page = _why(client, maldon)
    links = _csv_links(page)
    assert set(links) == {f"what-moved-types-{maldon}.csv", f"what-moved-areas-{maldon}.csv"}
    for name, caption in (("types", "Records by type, Maldon"), ("areas", "The neighbourhoods (LSOAs) of Maldon")):
        header, *rows = links[f"what-moved-{name}-{maldon}.csv"]
        assert header[1:4] == ["March 2024", "March 2023", "Change on a year before"]
        shown = _table(page, caption)
        # the same rows in the same order, each cell as the page shows it ("1,234" → 1234, "+5" → 5)
        assert [r[0] for r in rows] == list(shown)
        for row in rows:
            assert row[1:] == [c.replace(",", "").removeprefix("+") for c in shown[row[0]]]
        counts = {c for r in rows for i, c in enumerate(r) if i in (1, 2, 4)}  # not the changes
        assert not {"1", "2", "3", "4"} & counts
    types = {r[0]: r[1:] for r in links[f"what-moved-types-{maldon}.csv"][1:]}
    assert small and all(types[t][0] == "fewer than 5" and types[t][4] == "not shown" for t in small)
