"""The defects of issue 14 on the performance pages, each tried as an attacker would: by subtraction
across the county's and the districts' tables, from an SPC chart's mean, from a CSV or XLSX export,
signed out, signed in without a role, and as another partnership's member; and the reverse (issue 15
item 5): members of a partnership that owns the figures see its small counts.

Expected figures come from the stored values, never from the pages; whether a hidden figure can be
worked out is audited with SymPy's exact rank (``tests.disclosure_audit``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from saferhub.accounts.models import Role
from saferhub.core.codes import period_words
from saferhub.core.disclosure import SMALL_TEXT, STATISTICS_WITHHELD, SUPPRESSED_TEXT, is_small
from saferhub.core.models import SuppressedFigure
from saferhub.framework.models import Framework, ValueType
from saferhub.geography.models import Area
from saferhub.measures.models import IndicatorValue
from saferhub.performance.pages.crime_table import crime_by_type_and_month
from saferhub.performance.services import performance_refresh
from tests.disclosure_audit import exactly_derivable
from tests.factories import PartnershipFactory, PartnershipRoleFactory, UserFactory
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db

TYPES = {"crime-bicycle-theft": 1.2, "crime-robbery": 2.5, "crime-burglary": 9.0}
HARLOW = "E07000073"


def member_of(partnership, role=Role.VIEWER):
    user = UserFactory()
    PartnershipRoleFactory(user=user, partnership=partnership, role=role)
    return user


@pytest.fixture
def crime_types(essex_partnerships):
    """Imported-style crime type counts with no owner (as the police.uk import makes them) for every
    Essex district, the county and the force area: many months hold counts of 1 to 4."""
    indicators = {}
    for slug, base in TYPES.items():
        ind = builders.make_indicator(slug, title=f"Crime: {slug[6:].replace('-', ' ')}", value_type=ValueType.COUNT)
        builders.write_monthly(ind, base=base, count=4, first="2024-01")
        indicators[slug] = ind
    asb = builders.make_indicator("anti-social-behaviour", title="Anti-social behaviour", value_type=ValueType.COUNT)
    builders.write_monthly(asb, base=30, count=4, first="2024-01")
    indicators["anti-social-behaviour"] = asb
    performance_refresh()
    stored = {
        (v.indicator.slug, v.area.code, v.period_label): v.value
        for v in IndicatorValue.objects.filter(breakdown="").select_related("indicator", "area")
    }
    assert any(is_small(v) for v in stored.values()), "the fixture must hold small counts"
    return {"indicators": indicators, "values": stored, "partnerships": essex_partnerships}


def shown_cells(result):
    """(type, month) → the count the table shows, or None when it shows "fewer than 5"."""
    table = result["chart"].table
    # the table's headings are months in words ("January 2024"); the values are keyed by "2024-01"
    months = [dt.datetime.strptime(words, "%B %Y").strftime("%Y-%m") for words in table.columns[1:]]
    out = {}
    for row in table.rows:
        for month, text in zip(months, row[1:], strict=True):
            out[(row[0], month)] = None if text == SMALL_TEXT else float(text.replace(",", ""))
    return out


def test_the_county_table_minus_the_district_tables_gives_no_hidden_count_away(crime_types):
    """Signed out, 239 (county) − 237 (the districts shown) = 2 gave a hidden count before: now no
    hidden cell of any district or of the county follows from everything the tables publish."""
    county = Area.objects.get(code=builders.COUNTY)
    districts = list(Area.objects.filter(parent=county))
    tables = {a.code: shown_cells(crime_by_type_and_month(area=a, public=True)) for a in [county, *districts]}
    published, hidden, relations = {}, set(), []
    for code, cells in tables.items():
        for (t, m), n in cells.items():
            key = (code, t, m)
            if n is None:
                hidden.add(key)
            else:
                published[key] = n
    for t, m in {(t, m) for cells in tables.values() for t, m in cells}:
        relations.append([((county.code, t, m), 1), *(((d.code, t, m), -1) for d in districts)])
    assert hidden, "some cells are hidden"
    for key in hidden:
        assert not exactly_derivable(relations, hidden, key), key
    # And the shown figures are the stored ones.
    for (code, t, m), n in published.items():
        slug = "anti-social-behaviour" if t == "Anti-social behaviour" else "crime-" + t.lower().replace(" ", "-")
        assert crime_types["values"][(slug, code, m)] == n


def test_every_small_count_is_hidden_on_every_table_it_appears_in(crime_types):
    for code in [builders.COUNTY, *builders.CSP_CODES[:12]]:
        cells = shown_cells(crime_by_type_and_month(area=Area.objects.get(code=code), public=True))
        for (t, m), n in cells.items():
            slug = "anti-social-behaviour" if t == "Anti-social behaviour" else "crime-" + t.lower().replace(" ", "-")
            if is_small(crime_types["values"][(slug, code, m)]):
                assert n is None, (code, t, m)


def test_a_signed_in_account_without_a_role_reads_imported_figures_as_the_public(client, crime_types):
    """Imported figures have no owner: any signed-in account saw their small counts before."""
    code = next(
        c
        for (s, c, p), v in crime_types["values"].items()
        if s == "crime-bicycle-theft" and is_small(v) and c in builders.CSP_CODES
    )
    client.force_login(UserFactory())
    html = client.get(f"/performance/indicators/crime-bicycle-theft/?area={code}").content.decode()
    assert SMALL_TEXT in html
    page = client.get(f"/areas/{code}/")
    assert SMALL_TEXT in page.content.decode()
    # Signed out: the same.
    client.logout()
    assert SMALL_TEXT in client.get(f"/performance/indicators/crime-bicycle-theft/?area={code}").content.decode()


def test_members_of_a_partnership_that_owns_the_area_see_its_small_counts(client, crime_types):
    """A Safer Essex analyst saw "fewer than 5" on Harlow's profile, like an anonymous reader."""
    harlow = Area.objects.get(code=HARLOW)
    small = {(s, p): v for (s, c, p), v in crime_types["values"].items() if c == HARLOW and is_small(v) and s in TYPES}
    assert small, "Harlow has a small count in the fixture"
    county_analyst = member_of(crime_types["partnerships"]["safer-essex"], Role.ANALYST)
    client.force_login(county_analyst)
    html = client.get(f"/areas/{HARLOW}/").content.decode()
    cells = shown_cells(crime_by_type_and_month(area=harlow, public=False))
    assert all(n is not None for n in cells.values())
    assert SMALL_TEXT not in html.split("by type and month")[1].split("</table>")[0]
    # Harlow's own partnership too; Basildon's does not.
    client.force_login(member_of(crime_types["partnerships"]["harlow-csp"]))
    assert (
        SMALL_TEXT
        not in client.get(f"/areas/{HARLOW}/").content.decode().split("by type and month")[1].split("</table>")[0]
    )
    client.force_login(member_of(crime_types["partnerships"]["basildon-csp"]))
    assert SMALL_TEXT in client.get(f"/areas/{HARLOW}/").content.decode()


def test_another_partnerships_member_cannot_work_out_a_neighbours_count_from_their_own(crime_types):
    """Harlow's members see Harlow whole: with the county's figure that must not give Basildon's."""
    decided = {
        (m, a, p)
        for m, a, p in SuppressedFigure.objects.filter(breakdown="").values_list("measure", "area_code", "period_label")
    }
    county = Area.objects.get(code=builders.COUNTY)
    codes = list(Area.objects.filter(parent=county).values_list("code", flat=True))
    for slug in TYPES:
        for period in ("2024-01", "2024-02", "2024-03", "2024-04"):
            hidden = {(slug, c, period) for c in [*codes, county.code] if (slug, c, period) in decided}
            relation = [((slug, county.code, period), 1), *(((slug, c, period), -1) for c in codes)]
            insider_hidden = hidden - {(slug, HARLOW, period)}
            for key in insider_hidden:
                if key[1] != county.code and is_small(crime_types["values"][key]):
                    assert not exactly_derivable([relation], insider_hidden, key), key


def test_the_spc_mean_and_limits_do_not_give_a_hidden_month_back(client, crime_types):
    """mean × n − the values shown gave the hidden count before."""
    code = next(
        c
        for c in builders.CSP_CODES
        if any(is_small(v) for (s, cc, p), v in crime_types["values"].items() if s == "crime-robbery" and cc == c)
        and not all(is_small(v) for (s, cc, p), v in crime_types["values"].items() if s == "crime-robbery" and cc == c)
    )
    from saferhub.performance.models import IndicatorSummary

    spc = IndicatorSummary.objects.get(indicator__slug="crime-robbery", area__code=code).detail["spc"]
    html = client.get(f"/performance/indicators/crime-robbery/?area={code}").content.decode()
    assert STATISTICS_WITHHELD in html
    spc_table = html.split('id="spc"')[1].split("</table>")[0]
    assert f"{spc['mean']:.2f}" not in spc_table
    why = client.get(f"/performance/why/crime-robbery/{code}/").content.decode()
    assert STATISTICS_WITHHELD in why and f"{spc['mean']:.3f}" not in why


def test_the_scorecard_export_hides_a_secondary_figure_in_csv_and_xlsx(client, crime_types):
    """A figure hidden only because it would give a small count away (not small itself) is hidden in
    the exports too."""
    latest = "2024-04"
    secondary = (
        SuppressedFigure.objects.filter(reason="secondary", period_label=latest, breakdown="", measure__in=list(TYPES))
        .exclude(area_code__in=[builders.COUNTY, builders.FORCE])
        .first()
    )
    assert secondary is not None, "the fixture must have a secondary suppression in the latest month"
    ind = crime_types["indicators"][secondary.measure]
    framework = builders.make_framework(crime_types["partnerships"]["safer-essex"], indicators=[ind])
    value = crime_types["values"][(secondary.measure, secondary.area_code, latest)]
    assert not is_small(value)
    url = f"/scorecards/{framework.slug}/?area={secondary.area_code}"
    rows = list(csv.reader(io.StringIO(client.get(url + "&format=csv").content.decode("utf-8-sig"))))
    cell = rows[1][rows[0].index("Latest value")]
    assert cell in (SMALL_TEXT, SUPPRESSED_TEXT) and rows[1][rows[0].index("Lower 95%")] == ""
    sheet = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content)).active
    assert sheet.cell(row=2, column=7).value in (SMALL_TEXT, SUPPRESSED_TEXT)
    html = client.get(url).content.decode()
    assert not re.search(rf">\s*{int(value):,}\s*<", html.split("<tbody")[1]) or SMALL_TEXT in html
    client.force_login(member_of(crime_types["partnerships"]["safer-essex"]))
    rows = list(csv.reader(io.StringIO(client.get(url + "&format=csv").content.decode("utf-8-sig"))))
    assert float(rows[1][rows[0].index("Latest value")]) == value


# --- a private partnership's figures and actions ---------------------------------------------------


@pytest.fixture
def private_plan(crime_framework):
    """The PCC's own indicator (the PCC does not publish) listed in the county's public framework."""
    pcc = crime_framework["partnerships"]["essex-pcc-commissioning"]
    pcc.publishes_performance = False
    pcc.save()
    secret = builders.make_indicator("pcc-secret-measure", title="PCC private measure")
    secret.owner = pcc
    secret.save()
    builders.write_monthly(secret, base=80)
    framework = crime_framework["framework"]
    from saferhub.framework.models import IndicatorMembership

    IndicatorMembership.objects.create(
        framework=framework, outcome=framework.outcomes.first(), indicator=secret, code="9z", order=99
    )
    performance_refresh()
    return {"pcc": pcc, "indicator": secret, **crime_framework}


@pytest.mark.parametrize(
    "url",
    [
        f"/areas/{HARLOW}/",
        f"/areas/{HARLOW}/?format=csv",
        f"/areas/compare/?area={HARLOW}&area=E07000072",
        f"/areas/compare/?area={HARLOW}&area=E07000072&format=csv",
        "/scorecards/essex-safer-communities/?area=" + HARLOW,
        "/scorecards/essex-safer-communities/?area=" + HARLOW + "&format=csv",
        "/maps/",
    ],
)
def test_a_private_partnerships_values_are_not_on_public_pages(client, private_plan, url):
    assert "PCC private measure" not in client.get(url).content.decode("utf-8-sig")
    client.force_login(member_of(private_plan["partnerships"]["basildon-csp"]))
    assert "PCC private measure" not in client.get(url).content.decode("utf-8-sig")
    client.force_login(member_of(private_plan["pcc"]))
    assert "PCC private measure" in client.get(url).content.decode("utf-8-sig")


def test_an_indicator_page_does_not_list_a_private_partnerships_actions(client, crime_framework):
    from saferhub.delivery.models import Action, ActionPlan

    pcc = crime_framework["partnerships"]["essex-pcc-commissioning"]
    pcc.publishes_performance = False
    pcc.save()
    plan = ActionPlan.objects.create(partnership=pcc, title="PCC private plan")
    action = Action.objects.create(plan=plan, title="A private PCC action", reference="P1")
    action.indicators.add(crime_framework["crime"])
    for url in ("/indicators/all-crime/", "/performance/indicators/all-crime/"):
        assert "A private PCC action" not in client.get(url).content.decode()
    client.force_login(member_of(pcc))
    assert "A private PCC action" in client.get("/indicators/all-crime/").content.decode()


def test_a_county_partnership_that_does_not_publish_still_cannot_be_read_by_strangers(client, crime_framework):
    framework = Framework.objects.get(slug="essex-safer-communities")
    framework.owner.publishes_performance = False
    framework.owner.save()
    client.force_login(member_of(PartnershipFactory(slug="elsewhere")))
    assert client.get("/scorecards/essex-safer-communities/?format=csv").status_code == 403


def test_a_family_is_decided_again_only_when_its_figures_change(crime_types):
    """An import refreshes each of its indicators: the family's decision is taken once for the same
    figures, and again as soon as one changes."""
    before = set(SuppressedFigure.objects.values_list("measure", "area_code", "period_label", "reason"))
    again = performance_refresh(indicator=crime_types["indicators"]["crime-robbery"])
    assert not any("hidden from the public" in n for n in again.notes), again.notes
    assert set(SuppressedFigure.objects.values_list("measure", "area_code", "period_label", "reason")) == before
    IndicatorValue.objects.filter(indicator__slug="crime-burglary", area__code=HARLOW, period_label="2024-02").update(
        value=2
    )
    changed = performance_refresh(indicator=crime_types["indicators"]["crime-robbery"])
    assert any("hidden from the public" in n for n in changed.notes)
    assert SuppressedFigure.objects.filter(
        measure="crime-burglary", area_code=HARLOW, period_label="2024-02", reason="primary"
    ).exists()


def test_a_decision_stored_under_older_relations_is_made_again(crime_types, monkeypatch):
    """When the relations the decision is told about change (a new RULES_VERSION), the figures being
    the same does not keep the old decision: an upgraded hub decides again at its next refresh."""
    from saferhub.performance import suppression

    again = performance_refresh(indicator=crime_types["indicators"]["crime-robbery"])
    assert not any("hidden from the public" in n for n in again.notes), again.notes
    monkeypatch.setattr(suppression, "RULES_VERSION", suppression.RULES_VERSION + 1)
    upgraded = performance_refresh(indicator=crime_types["indicators"]["crime-robbery"])
    assert any("hidden from the public" in n for n in upgraded.notes), upgraded.notes


def test_the_indicator_pages_values_download_hides_what_the_page_hides(client, crime_types):
    """Signed out, the CSV of every value carries "fewer than 5" where the page does, and no interval
    or numerator beside it; every figure the page shows whole is in it whole."""
    ind = crime_types["indicators"]["crime-bicycle-theft"]
    code = next(
        c
        for c in builders.CSP_CODES
        if any(is_small(v) for (s, a, _), v in crime_types["values"].items() if (s, a) == (ind.slug, c))
    )
    page = client.get(f"/performance/indicators/{ind.slug}/?area={code}").content.decode()
    assert f"/performance/indicators/{ind.slug}/?area={code}&amp;format=csv" in page
    response = client.get(f"/performance/indicators/{ind.slug}/?area={code}&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Period", "Value", "Lower 95%", "Upper 95%", "Numerator", "Denominator", "Status"]
    by_period = {r[0]: r for r in rows[1:]}
    hidden = [r for r in rows[1:] if r[1] == SMALL_TEXT]
    assert hidden, "the fixture holds small counts for this area"
    assert all(r[2] == r[3] == r[4] == "" for r in hidden)
    for (slug, area, month), value in crime_types["values"].items():
        if slug == ind.slug and area == code:
            row = by_period[period_words(month)]
            if is_small(value):
                assert row[1] == SMALL_TEXT
            elif row[1] != SMALL_TEXT:  # shown whole (secondary suppression may hide more)
                assert float(row[1]) == value
