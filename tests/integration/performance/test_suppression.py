"""Published figures are read by the public with counts of 1 to 4 suppressed (METHODS.md); members of
the owning partnership see them whole. Expected cells come from the stored values, not the pages."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from saferhub.accounts.models import Role
from saferhub.core.disclosure import SMALL_TEXT, is_small
from saferhub.framework.models import ValueType
from saferhub.geography.models import Area
from saferhub.measures.models import IndicatorValue
from saferhub.performance.pages.crime_table import crime_by_type_and_month
from saferhub.performance.pages.indicator import indicator_performance_data
from saferhub.performance.services import performance_refresh
from tests.factories import PartnershipFactory, PartnershipRoleFactory, UserFactory
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db

SCORECARD = "/scorecards/essex-safer-communities/"
TODAY = dt.date(2024, 6, 1)


@pytest.fixture
def small_counts(essex_partnerships):
    """A monthly count of knife crimes small enough that districts have months of 1 to 4."""
    knives = builders.make_indicator("knife-crime", title="Knife crime", value_type=ValueType.COUNT)
    builders.write_monthly(knives, base=1.5)
    framework = builders.make_framework(essex_partnerships["safer-essex"], indicators=[knives])
    performance_refresh()
    values = {
        (v.area.code, v.period_label): v.value
        for v in IndicatorValue.objects.filter(indicator=knives, breakdown="").select_related("area")
    }
    small_areas = sorted({code for (code, _), value in values.items() if is_small(value)})
    assert small_areas, "the fixture must hold small counts"
    return {"indicator": knives, "framework": framework, "values": values, "owner": essex_partnerships["safer-essex"]}


def latest(values, code):
    period = max(p for c, p in values if c == code)
    return period, values[(code, period)]


def district_with_small_latest(values):
    for code in builders.CSP_CODES:
        period, value = latest(values, code)
        if is_small(value):
            return code, period, value
    raise AssertionError("the synthetic series must give some district a small latest month")


def member_of(partnership):
    user = UserFactory()
    PartnershipRoleFactory(user=user, partnership=partnership, role=Role.VIEWER)
    return user


def test_the_scorecard_export_hides_a_small_latest_count_from_the_public_only(client, small_counts):
    code, _, value = district_with_small_latest(small_counts["values"])

    def latest_cell(response):
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header = rows[0]
        return rows[1][header.index("Latest value")], rows[1][header.index("Lower 95%")]

    public = latest_cell(client.get(f"{SCORECARD}?area={code}&format=csv"))
    assert public == (SMALL_TEXT, "")
    client.force_login(member_of(small_counts["owner"]))
    shown, lower = latest_cell(client.get(f"{SCORECARD}?area={code}&format=csv"))
    assert float(shown) == value and lower != ""


def test_a_member_of_another_partnership_reads_published_figures_as_the_public_does(client, small_counts):
    code, _, _ = district_with_small_latest(small_counts["values"])
    client.force_login(member_of(PartnershipFactory(slug="elsewhere")))
    html = client.get(f"{SCORECARD}?area={code}").content.decode()
    assert SMALL_TEXT in html and "not shown outside the partnership" in html


def test_the_indicator_section_masks_each_small_month_and_says_why(small_counts):
    ind = small_counts["indicator"]
    for code in builders.CSP_CODES[:6]:
        area = Area.objects.get(code=code)
        public = indicator_performance_data(indicator=ind, area=area, today=TODAY, public=True)["performance"]
        member = indicator_performance_data(indicator=ind, area=area, today=TODAY, public=False)["performance"]
        for row in public["table"]:
            stored = small_counts["values"][(code, row["period"])]
            if is_small(stored):
                assert row["value_text"] == SMALL_TEXT and row["upper_95"] is None and row["numerator"] is None
            else:
                assert row.get("suppressed") is None and row["value"] == stored
        assert all(not r.get("suppressed") for r in member["table"])
        if any(is_small(v) for (c, _), v in small_counts["values"].items() if c == code):
            assert public["suppression_note"]
        assert not member["suppression_note"]


def test_the_framework_indicator_page_and_why_page_hide_small_counts_from_the_public(client, small_counts):
    code, _, _ = district_with_small_latest(small_counts["values"])
    why = client.get(f"/performance/why/knife-crime/{code}/").content.decode()
    assert SMALL_TEXT in why
    page = client.get(f"/indicators/knife-crime/?area={code}")
    assert page.status_code == 200
    hidden = page.context["suppressed_ids"]
    expected = {
        v.pk
        for v in IndicatorValue.objects.filter(indicator=small_counts["indicator"], area__code=code, breakdown="")
        if is_small(v.value)
    }
    assert hidden == expected and expected
    client.force_login(member_of(small_counts["owner"]))
    assert client.get(f"/indicators/knife-crime/?area={code}").context["suppressed_ids"] == set()
    assert SMALL_TEXT not in client.get(f"/performance/why/knife-crime/{code}/").content.decode()


def test_crime_by_type_and_month_hides_small_cells_and_states_no_total_that_would_reveal_them(essex_partnerships):
    harlow = Area.objects.get(code="E07000073")
    weapons = builders.make_indicator("crime-possession-of-weapons", title="Possession of weapons", value_type="count")
    theft = builders.make_indicator("crime-theft-from-the-person", title="Theft from the person", value_type="count")
    shop = builders.make_indicator("crime-shoplifting", title="Shoplifting", value_type="count")
    from saferhub.measures.services import indicator_values_write

    cells = {
        weapons: {"2024-01": 3, "2024-02": 9, "2024-03": 11},
        theft: {"2024-01": 6, "2024-02": 0, "2024-03": 2},
        shop: {"2024-01": 40, "2024-02": 38, "2024-03": 45},
    }
    for ind, months in cells.items():
        indicator_values_write(
            indicator=ind, rows=[{"area": harlow.code, "period": p, "value": n} for p, n in months.items()]
        )
    performance_refresh()
    public = crime_by_type_and_month(area=harlow, public=True)
    member = crime_by_type_and_month(area=harlow, public=False)
    shown = {r[0]: r[1:] for r in public["chart"].table.rows}
    whole = {r[0]: r[1:] for r in member["chart"].table.rows}
    assert whole["Possession of weapons"] == ["3", "9", "11"]
    h = SMALL_TEXT
    # Only Harlow has figures and the table states no total for a line with a hidden cell, so the
    # small cells alone are hidden: nothing shown adds up to them.
    assert shown == {
        "Possession of weapons": [h, "9", "11"],
        "Theft from the person": ["6", "0", h],
        "Shoplifting": ["40", "38", "45"],
    }
    assert set(public["totals"]) == {"2024-02"}  # the only month with nothing hidden
    assert (
        "Possession of weapons" not in public["chart"].summary
        and "Theft from the person" not in public["chart"].summary
    )
    assert public["suppression_note"] and not member["suppression_note"]


def test_the_framework_page_hides_a_small_latest_count_from_the_public(client, small_counts):
    code, _, value = district_with_small_latest(small_counts["values"])
    framework = small_counts["framework"]
    framework.area = Area.objects.get(code=code)  # a district's plan: its latest count is small
    framework.save()
    url = f"/frameworks/{framework.slug}/"
    rows = client.get(url).context["outcomes"][0]["themes"][0]["rows"]
    assert [r["suppressed_text"] for r in rows] == [SMALL_TEXT]
    assert SMALL_TEXT in client.get(url).content.decode()
    client.force_login(member_of(small_counts["owner"]))
    rows = client.get(url).context["outcomes"][0]["themes"][0]["rows"]
    assert rows[0]["suppressed_text"] == "" and rows[0]["latest"].value == value


def _hidden():
    from saferhub.core.models import SuppressedFigure

    return sorted(
        SuppressedFigure.objects.values_list("family", "measure", "area_code", "period_label", "breakdown", "reason")
    )


def _decide_again():
    """Forget the decisions (and the fingerprints that let a refresh skip an unchanged family)."""
    from saferhub.core.models import ChangeCounter, SuppressedFigure

    ChangeCounter.objects.filter(name__startswith="suppression:").delete()
    SuppressedFigure.objects.all().delete()


def test_families_decided_in_processes_beside_the_summaries_hide_what_one_process_hides(
    small_counts, settings, monkeypatch
):
    """With processors to spare, large families are decided in processes of their own while the
    refresh works out its summaries: the same figures are hidden as when decided in one process, and
    the processes are gone when the refresh returns."""
    import multiprocessing

    from saferhub.core import protection

    here = _hidden()
    assert here, "the fixture's refresh must hide figures"
    _decide_again()
    settings.SAFERHUB_DISCLOSURE_PROCESSES = 2
    monkeypatch.setattr(protection, "FAMILY_FIGURES", 1)  # every family large enough for a process
    pools = []
    real = protection.ProcessPoolExecutor

    def counted(*args, **kwargs):
        pools.append(real(*args, **kwargs))
        return pools[-1]

    monkeypatch.setattr(protection, "ProcessPoolExecutor", counted)
    performance_refresh()
    assert len(pools) == 1
    assert _hidden() == here
    assert not multiprocessing.active_children()


def test_a_refresh_that_fails_while_its_processes_decide_stops_them_and_keeps_what_was_there(
    small_counts, settings, monkeypatch
):
    """A summary that fails while families are being decided elsewhere: the processes are stopped, and
    the transaction keeps every stored decision and summary as it was."""
    import multiprocessing

    from saferhub.core import protection
    from saferhub.performance import compute
    from saferhub.performance.models import IndicatorSummary

    before, summaries = _hidden(), IndicatorSummary.objects.count()
    from saferhub.core.models import ChangeCounter

    ChangeCounter.objects.filter(name__startswith="suppression:").delete()  # so that the families are decided
    settings.SAFERHUB_DISCLOSURE_PROCESSES = 2
    monkeypatch.setattr(protection, "FAMILY_FIGURES", 1)

    def broken(*args, **kwargs):
        raise RuntimeError("a summary failed")

    monkeypatch.setattr(compute, "summarise", broken)
    with pytest.raises(RuntimeError, match="a summary failed"):
        performance_refresh()
    assert not multiprocessing.active_children()
    assert _hidden() == before
    assert IndicatorSummary.objects.count() == summaries
