"""Issue 15: importing police.uk months fills the Essex plans' own indicators.

Every figure is checked against a count made independently of the hub: DuckDB straight over the
police.uk CSV files as published, with the district taken from the LSOA name (its last word
dropped: "Harlow 012F" is Harlow), which the shared data's README shows holds in every vintage.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest

from saferhub.accounts.services import accounts_essex_load
from saferhub.framework.models import Framework, Indicator
from saferhub.framework.services import framework_essex_load
from saferhub.geography.models import Area, AreaType, Population
from saferhub.ingest.computed import PARTIAL, PROXY
from saferhub.ingest.services import police_uk_import
from saferhub.measures.models import IndicatorValue
from saferhub.performance.models import IndicatorSummary
from saferhub.performance.pages.scorecard import scorecard_rows
from saferhub.performance.services import performance_refresh

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04")
COUNTY = "E10000012"
# slug → (record kind, categories or None for all of the kind, period type)
COMPUTED = {
    "asb-incidents": ("Anti-social behaviour", None, "month"),
    "asb-rate": ("Anti-social behaviour", None, "month"),
    "all-crime-rate": ("crime", None, "financial_year"),
    "criminal-damage": ("crime", ["Criminal damage and arson"], "financial_year"),
    "serious-acquisitive-crime": ("crime", ["Burglary", "Robbery", "Vehicle crime"], "financial_year"),
    "assault-with-injury": ("crime", ["Violence and sexual offences"], "financial_year"),
    "business-crime": ("crime", ["Shoplifting"], "financial_year"),
}
# The CSA's indicators that neither police.uk nor STATS19 can honestly give: partners' returns feed them.
CSA_FROM_RETURNS = {
    "youth-proven-reoffending",
    "adult-reoffending-probation",
    "youth-first-time-entrants-rate",
    "drug-users-effective-treatment",
    "drug-related-offending",
    "street-cleanliness",
    "perceptions-drunk-rowdy",
    "perceptions-drug-use-dealing",
}


def _financial_year(month: str) -> str:
    year, m = int(month[:4]), int(month[5:])
    start = year if m >= 4 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def _independent(files: list[Path]) -> dict[tuple[str, str, str], int]:
    """(slug, area code, period) → count, from the CSV files alone (districts and the county)."""
    names = {a.name: a.code for a in Area.objects.filter(area_type__in=[AreaType.DISTRICT, AreaType.UNITARY])}
    county = set(Area.objects.filter(parent__code=COUNTY).values_list("code", flat=True))
    with duckdb.connect() as con:
        rows = con.execute(
            """SELECT regexp_replace("LSOA name", ' [^ ]+$', '') AS district, "Month", "Crime type", count(*)
               FROM read_csv(?, header = true, all_varchar = true) WHERE "LSOA name" IS NOT NULL GROUP BY ALL""",
            [[str(f) for f in files]],
        ).fetchall()
    out: dict[tuple[str, str, str], int] = defaultdict(int)
    for district, month, crime_type, n in rows:
        code = names.get(district)
        if code is None:
            continue  # an LSOA of a neighbouring authority
        for slug, (kind, categories, period_type) in COMPUTED.items():
            is_asb = crime_type == "Anti-social behaviour"
            if (kind == "Anti-social behaviour") != is_asb or (categories and crime_type not in categories):
                continue
            period = month if period_type == "month" else _financial_year(month)
            out[(slug, code, period)] += int(n)
            if code in county:
                out[(slug, COUNTY, period)] += int(n)
    return out


@pytest.fixture(scope="module")
def _module_import(django_db_setup, django_db_blocker, tmp_path_factory):
    """Essex and four police.uk months imported once for the module, inside a transaction rolled
    back at its end (each test then runs in its own savepoint, as usual)."""
    from django.conf import settings
    from django.db import transaction

    from saferhub.geography.services import geography_builtin_load
    from tests.conftest import SHARED_DATA

    store, var = settings.SAFERHUB_RECORD_STORE, settings.SAFERHUB_VAR_DIR
    settings.SAFERHUB_RECORD_STORE = str(tmp_path_factory.mktemp("computed") / "records")
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            geography_builtin_load(name="essex")
            accounts_essex_load()
            framework_essex_load()
            transcribed = IndicatorValue.objects.filter(source_import__isnull=True).count()
            files = [SHARED_DATA / "police-uk" / m / f"{m}-essex-street.csv" for m in MONTHS]
            police_uk_import(paths=files)
            yield {"files": files, "transcribed": transcribed, "store": settings.SAFERHUB_RECORD_STORE}
            transaction.set_rollback(True)
    finally:
        settings.SAFERHUB_RECORD_STORE, settings.SAFERHUB_VAR_DIR = store, var


@pytest.fixture
def imported(_module_import, db):
    return _module_import


def test_the_plans_indicators_agree_exactly_with_a_count_of_the_published_files(imported):
    expected = _independent(imported["files"])
    for slug, (_, _, period_type) in COMPUTED.items():
        values = IndicatorValue.objects.filter(indicator__slug=slug, breakdown="", source_import__isnull=False)
        got = {(slug, v.area.code, v.period_label): int(v.numerator) for v in values.select_related("area")}
        want = {k: n for k, n in expected.items() if k[0] == slug}
        # Every district and the county, every period; a true zero is written where nothing was recorded.
        assert got.keys() >= want.keys(), slug
        assert {k: got[k] for k in want} == want, slug
        assert {k: n for k, n in got.items() if k not in want and n} == {}, slug
        areas = {k[1] for k in got}
        assert COUNTY in areas and len(areas) == 15, slug  # 14 partnership areas and the county
        periods = {k[2] for k in got}
        assert periods == ({*MONTHS} if period_type == "month" else {"2023/24", "2024/25"}), slug


def test_rates_use_the_population_and_partial_years_say_so(imported):
    harlow = Area.objects.get(code="E07000073")
    population = Population.objects.filter(area=harlow, year__lte=2024).order_by("-year").first().value
    value = IndicatorValue.objects.get(indicator__slug="all-crime-rate", area=harlow, period_label="2024/25")
    assert value.denominator == population
    assert value.value == pytest.approx(value.numerator / population * 1000)
    assert value.quality_flags == [PARTIAL] and value.status == "provisional"
    assert "1 of 12 months" in value.source_note and "police.uk street-level records" in value.source_note
    month = IndicatorValue.objects.get(indicator__slug="asb-rate", area=harlow, period_label="2024-02")
    assert month.quality_flags == [] and month.status == "final"
    proxy = IndicatorValue.objects.filter(indicator__slug="assault-with-injury").exclude(source_import=None).first()
    assert "A proxy, not the plan's own measure" in proxy.source_note
    assert PROXY in proxy.quality_flags


def test_a_proxy_is_its_own_series_and_is_never_judged_against_the_plans_ambition(client, imported):
    """NI 20's transcribed county rate (4.85 per 1,000 in 2009/10) and police.uk's "violence and sexual
    offences" are different measures: neither the statistics nor the ambition join them."""
    performance_refresh()
    summary = IndicatorSummary.objects.get(indicator__slug="assault-with-injury", area__code=COUNTY)
    detail = summary.detail
    assert detail["latest"]["basis"] == PROXY
    assert {p["basis"] for p in detail["series"]} == {"", PROXY}  # both shown ...
    assert summary.target_status == "not_assessed"  # ... but the plan's LAA2 ambition is not applied
    assert "proxy counted from police.uk records" in detail["target"]["reason"]
    page = client.get(f"/performance/indicators/assault-with-injury/?area={COUNTY}").content.decode()
    assert "Proxy from police.uk, not the plan's own measure" in page
    # transcribed values keep no proxy mark: the 2009/10 county rate is the plan's own figure
    own = IndicatorValue.objects.get(indicator__slug="assault-with-injury", area__code=COUNTY, period_label="2009/10")
    assert own.value == 4.85 and PROXY not in own.quality_flags and own.source_import is None


def test_transcribed_values_stay_beside_computed_ones(imported):
    assert IndicatorValue.objects.filter(source_import__isnull=True).count() == imported["transcribed"]
    assert imported["transcribed"] > 0


def test_the_csa_scorecard_shows_values_for_most_of_its_indicators(imported):
    performance_refresh()  # the transcribed values' summaries too, as `make run` does
    framework = Framework.objects.get(slug="safer-essex-csa-2010-11")
    rows = scorecard_rows(framework=framework, area=framework.area, today=date.today(), sparklines=False)
    assert len(rows) == 19
    without = {r.indicator.slug for r in rows if r.summary is None}
    # 11 of 19 show values: six computed from police.uk (two of them proxies), five transcribed from
    # the plans; the other eight need partners' returns, and their pages link the return template.
    assert without == CSA_FROM_RETURNS


def test_a_computed_indicator_says_how_it_is_computed(client, imported):
    indicator = Indicator.objects.get(slug="serious-acquisitive-crime")
    page = client.get(f"/performance/indicators/{indicator.slug}/?area={COUNTY}").content.decode()
    assert "How this is computed" in page
    assert "whose category is Burglary, Robbery or Vehicle crime" in page
    assert "burglary of other buildings" in page  # the proxy note


def test_the_why_page_says_which_types_moved_a_computed_indicator(client, imported, settings):
    """Serious acquisitive crime counts three police.uk types: "What moved" lists just those, and their
    counts add up to the figure counted from the published files. A partial year is compared like
    with like: the same months of the earlier periods, never a whole year (April 2024 against April
    2023, which the store does not hold)."""
    from django.core.cache import cache

    from saferhub.performance.pages.why_moved import what_moved
    from tests.factories import PASSWORD, UserFactory, sign_in

    cache.clear()
    settings.SAFERHUB_RECORD_STORE = imported["store"]  # the module's import, not this test's empty store
    indicator = Indicator.objects.get(slug="serious-acquisitive-crime")
    county = Area.objects.get(code=COUNTY)
    expected = _independent(imported["files"])[("serious-acquisitive-crime", COUNTY, "2023/24")]
    moved = what_moved(indicator=indicator, area=county, latest_label="2023/24", public=False)
    rows = {r["name"]: int(r["latest"].replace(",", "")) for r in moved["types"]["rows"]}
    assert set(rows) == {"Burglary", "Robbery", "Vehicle crime"} and sum(rows.values()) == expected > 0
    assert moved["rate_note"] and moved["missing"] == ["January 2023 to March 2023"]
    assert moved["partial"].startswith("The hub holds 3 of the 12 months of 2023/24")
    performance_refresh(indicator=indicator)
    admin = UserFactory(is_superuser=True)
    sign_in(client, admin.username, PASSWORD)
    page = client.get(f"/performance/why/serious-acquisitive-crime/{COUNTY}/").content.decode()
    latest = _independent(imported["files"])[("serious-acquisitive-crime", COUNTY, "2024/25")]
    assert f"Records counted in April 2024: {latest:,}, against no records a year before (April 2023)" in page
    assert "The hub holds 1 of the 12 months of 2024/25" in page
