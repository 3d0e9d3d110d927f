"""Issue 16's national picture on the pages: an area profile against its most similar group (spine
chart spread) and England; region and country totals only when complete; the indicator page's funnel
plot of every CSP area; small numbers kept from a signed-out reader.

A small national-ish fixture: England, two regions, three forces (one with no records), two
counties of four districts each, and a most similar group for a Kent district that spans both forces.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict

import numpy as np
import pytest
from django.urls import reverse

from saferhub.framework.models import Frequency, Indicator, Polarity, ValueType
from saferhub.geography.models import Area, AreaType, ComparatorGroup, Population
from saferhub.ingest.rollup import add_region_and_country_totals
from saferhub.measures.definitions import POLICE_UK_NOTE
from saferhub.measures.services import indicator_values_write
from saferhub.performance.pages.national_funnel import national_funnel
from saferhub.performance.pages.profile import area_profile_context
from saferhub.performance.services import performance_refresh

pytestmark = pytest.mark.django_db

MONTH = "2024-05"
ESSEX = ["E07000066", "E07000067", "E07000068", "E07000069"]
KENT = ["E07000105", "E07000106", "E07000107", "E07000108"]
TARGET = "E07000105"  # the Kent district whose profile is read
MSG = [TARGET, "E07000106", "E07000107", "E07000066", "E07000067", "E07000068"]
# Burglaries in the month: one Essex district (in the group) has 3, a small number.
BURGLARY = {
    "E07000066": 40,
    "E07000067": 3,
    "E07000068": 55,
    "E07000069": 61,
    **dict(zip(KENT, [48, 70, 33, 90], strict=True)),
}
POPULATION = {code: 80_000 + 7_000 * i for i, code in enumerate(ESSEX + KENT)}
Kind, Basis, Level = ComparatorGroup.Kind, ComparatorGroup.Basis, ComparatorGroup.Level


def _area(code, name, area_type, parent=None, force=None):
    return Area.objects.create(code=code, name=name, area_type=area_type, parent=parent, force_area=force)


@pytest.fixture
def nation(db):
    england = _area("E92000001", "England", AreaType.COUNTRY)
    east = _area("E12000006", "East of England", AreaType.REGION, england)
    south_east = _area("E12000008", "South East", AreaType.REGION, england)
    forces = {
        "essex": _area("E23000028", "Essex Police", AreaType.POLICE_FORCE_AREA, england),
        "kent": _area("E23000032", "Kent Police", AreaType.POLICE_FORCE_AREA, england),
        "surrey": _area("E23000035", "Surrey Police", AreaType.POLICE_FORCE_AREA, england),
    }
    essex = _area("E10000012", "Essex", AreaType.COUNTY, east, forces["essex"])
    kent = _area("E10000016", "Kent", AreaType.COUNTY, south_east, forces["kent"])
    areas = {}
    for codes, county, force in ((ESSEX, essex, forces["essex"]), (KENT, kent, forces["kent"])):
        for code in codes:
            areas[code] = _area(code, f"District {code[-3:]}", AreaType.DISTRICT, county, force)
    for code, n in POPULATION.items():
        Population.objects.create(area=areas[code], year=2024, value=n)
    for slug, level, members in (
        ("csps-e92000001", Level.CSP, areas.values()),
        ("forces-e92000001", Level.FORCE, forces.values()),
    ):
        g = ComparatorGroup.objects.create(
            slug=slug, name="Everyone in England", kind=Kind.COUNTRY, basis=Basis.FIXED, level=level, defined_by=england
        )
        g.members.set(list(members))
    for region, codes in ((east, ESSEX), (south_east, KENT)):
        g = ComparatorGroup.objects.create(
            slug=f"csps-{region.code.lower()}",
            name=f"Everyone in {region.name}",
            kind=Kind.REGION,
            basis=Basis.FIXED,
            level=Level.CSP,
            defined_by=region,
        )
        g.members.set([areas[c] for c in codes])
    msg = ComparatorGroup.objects.create(
        slug=f"msg-{TARGET.lower()}",
        name=f"Most similar to {areas[TARGET].name}",
        kind=Kind.MOST_SIMILAR,
        basis=Basis.COMPUTED,
        level=Level.CSP,
        for_area=areas[TARGET],
        description="The district and the five most like it.",
    )
    msg.members.set([areas[c] for c in MSG])
    return {"england": england, "east": east, "south_east": south_east, "areas": areas, "msg": msg, **forces}


def _indicator(slug, value_type, title):
    return Indicator.objects.create(
        slug=slug,
        title=title,
        value_type=value_type,
        polarity=Polarity.LOWER_IS_BETTER,
        frequency=Frequency.MONTHLY,
        unit="crimes",
        data_source=POLICE_UK_NOTE,
    )


@pytest.fixture
def burglary(nation):
    ind = _indicator("crime-burglary", ValueType.COUNT, "Crime: burglary")
    rows = [{"area": code, "period": MONTH, "value": n} for code, n in BURGLARY.items()]
    # The two forces with records have a value; England does not (Surrey's records are not loaded).
    rows += [
        {"area": "E23000028", "period": MONTH, "value": sum(BURGLARY[c] for c in ESSEX)},
        {"area": "E23000032", "period": MONTH, "value": sum(BURGLARY[c] for c in KENT)},
    ]
    indicator_values_write(indicator=ind, rows=rows)
    performance_refresh(indicator=ind)
    return ind


def _rates(codes):
    return {c: BURGLARY[c] / POPULATION[c] * 1000 for c in codes}


# --- the spine: the most similar group's spread ---------------------------------------------------


def test_the_profile_shows_the_most_similar_groups_spread_and_says_why_england_has_no_value(nation, burglary):
    ctx = area_profile_context(area=nation["areas"][TARGET])
    row = next(r for r in ctx["rows"] if r["slug"] == "crime-burglary")
    assert ctx["group"]["most_similar"] and {m.code for m in ctx["group_members"]} == set(MSG)
    rates = list(_rates(MSG).values())
    lo, q1, q3, hi = np.percentile(rates, [0, 25, 75, 100])
    spread = row["spread"]
    assert spread["min"] == pytest.approx(lo) and spread["max"] == pytest.approx(hi)
    assert spread["q1"] == pytest.approx(q1) and spread["q3"] == pytest.approx(q3)
    # statistics' "inclusive" quartiles are numpy's default linear ones
    assert [spread["q1"], spread["q3"]] == pytest.approx(statistics.quantiles(rates, n=4, method="inclusive")[::2])
    pooled = sum(BURGLARY[c] for c in MSG) / sum(POPULATION[c] for c in MSG) * 1000
    assert spread["pooled"] == pytest.approx(pooled)
    assert spread["area"] == pytest.approx(_rates([TARGET])[TARGET])
    assert row["group_count"] == "6 of 6 have a value"
    assert row["per_1000"] is True
    # England has no value: only two of its three forces' records are loaded.
    assert row["england_raw"] is None
    assert row["england_note"] == "No England value for police.uk figures: only 2 of 3 forces' records are loaded."
    assert ctx["spine"] is not None and "crime-burglary" not in ctx["spine"].summary
    # Lower is better: the highest rate is the worst end.
    assert row["worst"] == f"{hi:.2f}" and row["best"] == f"{lo:.2f}"


def test_an_england_value_is_shown_when_there_is_one(nation, burglary):
    indicator_values_write(indicator=burglary, rows=[{"area": "E92000001", "period": MONTH, "value": 1234}])
    row = next(r for r in area_profile_context(area=nation["areas"][TARGET])["rows"] if r["slug"] == "crime-burglary")
    assert row["england_raw"] == 1234 and row["england_value"] == "1,234" and row["england_note"] == ""


def test_a_group_with_too_few_values_says_how_many_it_has(nation):
    ind = _indicator("crime-robbery", ValueType.COUNT, "Crime: robbery")
    indicator_values_write(
        indicator=ind, rows=[{"area": c, "period": MONTH, "value": 20 + i} for i, c in enumerate([TARGET, "E07000106"])]
    )
    performance_refresh(indicator=ind)
    row = next(r for r in area_profile_context(area=nation["areas"][TARGET])["rows"] if r["slug"] == "crime-robbery")
    assert row["group_note"] == "Too few to compare: 2 of 6 have a value"
    assert "spread" not in row


def test_a_signed_out_reader_cannot_recover_a_small_count_from_the_spine(nation, burglary):
    ctx = area_profile_context(area=nation["areas"][TARGET], public=True)
    row = next(r for r in ctx["rows"] if r["slug"] == "crime-burglary")
    spread = row["spread"]
    assert row["group_count"] == "4 of 6 have a value (2 not shown)"

    def figures(shown):
        rates = list(_rates(shown).values())
        pooled = sum(BURGLARY[c] for c in shown) / sum(POPULATION[c] for c in shown) * 1000
        return [min(rates), max(rates), pooled]

    # E07000067's 3 burglaries are hidden, and so is one more member (the pooled value is a total):
    # the spine's ends and centre are exactly those of the four others, so only the two hidden
    # members' sum could be worked out, never the small count alone.
    matches = [
        x
        for x in MSG
        if x not in ("E07000067", TARGET)
        and figures([c for c in MSG if c not in ("E07000067", x)])
        == pytest.approx([spread["min"], spread["max"], spread["pooled"]])
    ]
    assert len(matches) == 1
    hidden_rate = _rates(["E07000067"])["E07000067"]
    assert all(v != pytest.approx(hidden_rate) for v in spread.values() if v is not None)


# --- England, regions and forces: complete sums only ------------------------------------------------


def _counts(codes):
    counts = defaultdict(lambda: defaultdict(int))
    for c in codes:
        counts[(c, MONTH)]["crime-burglary"] = BURGLARY[c]
    return counts


def test_a_region_and_england_get_the_sum_of_their_districts_only_when_all_hold_the_month(nation):
    covered = {MONTH: dict.fromkeys(ESSEX + KENT, False)}
    counts = _counts(ESSEX + KENT)
    add_region_and_country_totals(covered=covered, counts=counts)
    assert counts[("E12000006", MONTH)]["crime-burglary"] == sum(BURGLARY[c] for c in ESSEX)
    assert counts[("E12000008", MONTH)]["crime-burglary"] == sum(BURGLARY[c] for c in KENT)
    assert counts[("E92000001", MONTH)]["crime-burglary"] == sum(BURGLARY.values())
    assert {"E12000006", "E12000008", "E92000001"} <= set(covered[MONTH])


def test_a_partial_month_gives_no_value_rather_than_a_partial_sum(nation):
    held = [c for c in ESSEX + KENT if c != "E07000108"]  # one Kent district's month is missing
    covered = {MONTH: dict.fromkeys(held, False)}
    counts = _counts(held)
    add_region_and_country_totals(covered=covered, counts=counts)
    assert counts[("E12000006", MONTH)]["crime-burglary"] == sum(BURGLARY[c] for c in ESSEX)
    assert ("E12000008", MONTH) not in counts and ("E92000001", MONTH) not in counts
    assert "E12000008" not in covered[MONTH] and "E92000001" not in covered[MONTH]


def test_without_the_national_geographys_groups_no_total_is_made_from_the_districts_the_hub_knows(nation):
    # The built-in Essex geography knows England and the East but only Essex's districts: their sum
    # is not England's, so without the national "everyone in" groups nothing is written.
    ComparatorGroup.objects.filter(kind__in=[Kind.REGION, Kind.COUNTRY]).delete()
    covered = {MONTH: dict.fromkeys(ESSEX + KENT, False)}
    counts = _counts(ESSEX + KENT)
    add_region_and_country_totals(covered=covered, counts=counts)
    assert set(covered[MONTH]) == set(ESSEX + KENT)
    assert not any(code.startswith(("E12", "E92")) for code, _ in counts)


# --- the funnel plot of every CSP area --------------------------------------------------------------


def test_the_funnel_places_every_area_against_the_pooled_rate(nation, burglary):
    out = national_funnel(indicator=burglary, area=nation["areas"][TARGET], period=MONTH, public=False, decided=set())
    chart = out["chart"]
    assert len(chart.table.rows) == 8
    pooled = sum(BURGLARY.values()) / sum(POPULATION.values()) * 1000
    assert f"{pooled:.2f}" in chart.summary
    rates = {row[0]: row[3] for row in chart.table.rows}
    assert rates[nation["areas"][TARGET].name] == f"{_rates([TARGET])[TARGET]:.2f}"
    ring = chart.spec["layer"][-2]
    assert ring["data"]["values"][0]["code"] == TARGET


def test_a_signed_out_readers_funnel_table_holds_no_small_count(nation, burglary):
    out = national_funnel(indicator=burglary, area=nation["areas"][TARGET], period=MONTH, public=True, decided=set())
    table = out["chart"].table
    names = [row[0] for row in table.rows]
    assert "District 067" not in names  # 3 burglaries
    assert len(names) == 6  # and the next smallest, so no total gives it away
    assert "2 not shown" in out["note"]
    assert all(row[1] != "3" for row in table.rows)
    text = io.StringIO()
    csv.writer(text).writerows(table.rows)
    assert "District 067" not in text.getvalue()


def test_the_indicator_page_shows_the_funnel_section(client, nation, burglary):
    url = reverse("performance:indicator", args=["crime-burglary"]) + f"?area={TARGET}"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Every community safety partnership area in England and Wales" in html
    assert 'id="funnel-national"' in html
    assert "District 067" not in html.split('id="all-areas"')[1]


def test_the_profile_page_names_the_group_and_the_england_gap(client, nation, burglary):
    response = client.get(reverse("performance:area", args=[TARGET]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "most similar group" in html
    assert "No England value for police.uk figures: only 2 of 3 forces&#x27; records are loaded." in html
