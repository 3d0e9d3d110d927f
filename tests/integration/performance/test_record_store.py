"""With a real police.uk month imported, the pages' figures equal those counted directly from the
record store's Parquet files with DuckDB, and the README's independent counts."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from django.test import override_settings

from saferhub.performance.services import performance_refresh

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def imported(essex_partnerships, shared_data, tmp_path):
    from saferhub.ingest.services import police_uk_import

    store = tmp_path / "records"
    with override_settings(SAFERHUB_RECORD_STORE=str(store)):
        police_uk_import(paths=[shared_data / "police-uk" / "2024-01" / "2024-01-essex-street.csv"])
        performance_refresh()
        yield store


def direct(store: Path, sql: str) -> list[tuple]:
    """Counts straight from the Parquet files, without the hub's store module."""
    files = str(store / "records" / "**" / "*.parquet")
    with duckdb.connect() as con:
        return con.execute(sql.replace("RECORDS", f"read_parquet('{files}')")).fetchall()


def table_cells(html: str, caption: str) -> dict[str, list[str]]:
    """Rows of the table with this caption: first cell → the other cells, as shown."""
    block = html.split(f">{caption}</caption>", 1)[1].split("</table>", 1)[0].split("<tbody", 1)[1]
    out = {}
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", block, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        if cells:
            out[cells[0]] = cells[1:]
    return out


def readme_count(shared_data: Path, month: str, column: int) -> int:
    """A figure from the shared data README's table of counts computed independently of saferhub."""
    text = (shared_data / "README.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith(f"| {month} |"))
    return int(row.strip("|").split("|")[column].strip().replace(",", ""))


def harlow_member(client, essex_partnerships):
    """A viewer of Harlow's community safety partnership sees its counts whole."""
    from saferhub.accounts.models import Role
    from tests.factories import PartnershipRoleFactory, UserFactory

    user = UserFactory()
    PartnershipRoleFactory(user=user, partnership=essex_partnerships["harlow-csp"], role=Role.VIEWER)
    client.force_login(user)
    return client


def test_district_profile_counts_equal_the_record_store(client, essex_partnerships, imported):
    html = harlow_member(client, essex_partnerships).get("/areas/E07000073/").content.decode()
    cells = table_cells(html, "Crime and anti-social behaviour by type and month, Harlow")
    expected = dict(direct(imported, "SELECT kind, count(*) FROM RECORDS WHERE area_code = 'E07000073' GROUP BY kind"))
    assert cells["Anti-social behaviour"] == [f"{expected['asb']:,}"]
    shown_crimes = sum(int(v[0].replace(",", "")) for k, v in cells.items() if k != "Anti-social behaviour")
    assert shown_crimes == expected["crime"]


@pytest.fixture
def signed_in(client):
    """Police.uk indicators outside any framework belong to no partnership: signed-in users see them."""
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    return client


def test_lsoa_map_total_equals_the_record_store(signed_in, imported):
    client = signed_in
    html = client.get("/maps/?area=E07000073&month=2024-01").content.decode()
    (total,) = direct(imported, "SELECT count(*) FROM RECORDS WHERE district_code = 'E07000073' AND lsoa_code <> ''")[0]
    assert f"{total} crimes and anti-social behaviour incidents recorded in Harlow in 2024-01" in html


def test_indicator_page_rate_equals_the_record_store_count_over_population(signed_in, imported, shared_data):
    client = signed_in
    from saferhub.geography.models import Population

    (crimes,) = direct(imported, "SELECT count(*) FROM RECORDS WHERE area_code = 'E07000073' AND kind = 'crime'")[0]
    population = Population.objects.get(area__code="E07000073", year=2023).value
    html = client.get("/performance/indicators/all-crime-rate/?area=E07000073").content.decode()
    assert f"{crimes / population * 1000:.2f}" in html
    # The force area's districts on the map add up to the README's count of ASB in the 14 areas.
    asb_html = client.get("/performance/indicators/anti-social-behaviour/?area=E23000028").content.decode()
    rows = table_cells(asb_html, "Areas in January 2024")
    assert len(rows) == 14
    assert sum(int(v[0].replace(",", "")) for v in rows.values()) == readme_count(shared_data, "2024-01", 3)


def test_the_public_district_profile_and_lsoa_map_hide_counts_of_one_to_four(client, imported):
    from saferhub.core.disclosure import SMALL_TEXT
    from saferhub.geography.models import Area

    counts = direct(
        imported,
        "SELECT area_code, CASE WHEN kind = 'asb' THEN 'Anti-social behaviour' ELSE category END, count(*) "
        "FROM RECORDS WHERE area_code <> '' GROUP BY 1, 2",
    )
    small = sorted((code, category) for code, category, n in counts if 1 <= n <= 4)
    assert small, "some Essex district has a crime type with fewer than 5 records in January 2024"
    area = Area.objects.get(code=small[0][0])
    html = client.get(f"/areas/{area.code}/").content.decode()
    cells = table_cells(html, f"Crime and anti-social behaviour by type and month, {area.name}")
    hidden = [k for k, v in cells.items() if v == [SMALL_TEXT]]
    assert len(hidden) >= sum(1 for code, _ in small if code == area.code)
    assert len(hidden) != 1, "one hidden type would be given away by the month's total"
    for k, v in cells.items():
        if k not in hidden:
            assert int(v[0].replace(",", "")) == 0 or int(v[0].replace(",", "")) >= 5

    lsoas = direct(
        imported,
        "SELECT lsoa_code, count(*) FROM RECORDS WHERE district_code = 'E07000073' AND lsoa_code <> '' GROUP BY 1",
    )
    assert any(1 <= n <= 4 for _, n in lsoas)
    from tests.factories import UserFactory

    client.force_login(UserFactory())  # signed in, but no member of Harlow's partnership: reads it as published
    map_html = client.get("/maps/?area=E07000073&month=2024-01").content.decode()
    numeric = '<td class="govuk-table__cell govuk-table__cell--numeric">'
    for code, n in lsoas:
        if 1 <= n <= 4:
            assert f'<td class="govuk-table__cell">{code}</td>{numeric}{SMALL_TEXT}</td>' in map_html
    # The table's CSV link holds the same rows: every small LSOA "fewer than 5", no count of 1 to 4.
    import csv
    import html as html_lib
    import io
    from urllib.parse import unquote

    href = re.search(r'download="records-by-lsoa-E07000073-2024-01\.csv" href="(data:text/csv[^"]+)"', map_html)
    assert href, "the LSOA table has its CSV link"
    header, *rows = list(csv.reader(io.StringIO(unquote(html_lib.unescape(href.group(1)).split(",", 1)[1]))))
    assert header == ["LSOA", "Code", "Records"]
    by_code = {code: n for _, code, n in rows}
    for code, n in lsoas:
        if 1 <= n <= 4:
            assert by_code[code] == SMALL_TEXT
        elif code in by_code:
            assert by_code[code] in (str(n), SMALL_TEXT)  # a larger one hidden only to protect the total
    assert not {"1", "2", "3", "4"} & set(by_code.values())
