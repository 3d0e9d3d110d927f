"""Money: the seeded Essex figures reproduce the seeds' tables to the penny, stated totals that do
not add up are flagged (not fixed), and bad input is refused with nothing saved."""

import re
from decimal import Decimal

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.finance.essex import finance_essex_load
from saferhub.finance.models import (
    BudgetLine,
    BudgetTable,
    CommissionedService,
    Fund,
    FundingAllocation,
    OutcomeReturn,
    PipelineBid,
    ReductionScenario,
)
from saferhub.finance.money import in_unit
from saferhub.finance.selectors import budget_view, fund_view, pipeline_expected, service_components_check
from saferhub.finance.services import (
    budget_line_create,
    budget_line_update,
    measure_create,
    outcome_return_submit,
    scenario_create,
)

pytestmark = pytest.mark.django_db
M = Decimal(1_000_000)


def seed_rows(text: str, start: str, stop: str) -> list[list[str]]:
    begin = text.index(start)
    section = text[begin : text.index(stop, begin + len(start))]
    return [line.split("\t") for line in section.splitlines()[1:] if "\t" in line]


def test_the_2015_16_reduction_table_is_reproduced_cell_for_cell(essex_loaded, seed_text):
    text = seed_text("000_7340f0633c80a1b1.txt")
    rows = seed_rows(
        text, "Revenue Budget area\t2015/16 Budget as per MTRS", "** The Council is budgeted to spend a further £2.0m"
    )
    view = budget_view(table=BudgetTable.objects.get(slug="ecc-safe-communities-revenue-2015-16"))
    assert view.percents == [Decimal("10.00"), Decimal("20.00")]
    lines = {r.line.area_of_spend: r for r in view.lines}
    totals = {t.total.label: t for t in view.totals}
    checked = 0
    for raw_label, *cells in rows:
        label = raw_label.strip("* ").strip()
        # The seed prints "Safe Communities - Hospital Admissions" with two figures per cell (two lines).
        figures = [cell.split() for cell in cells]
        if label in totals:
            t = totals[label]
            assert [t.shown_stated] + [view.shown(c.amount) for c, _ in t.scenarios] == [Decimal(f[0]) for f in figures]
            checked += 3
            continue
        names = ["Safe Communities", "Safe Communities – Hospital Admissions"] if "Hospital" in label else [label]
        for i, name in enumerate(names):
            r = lines[name]
            assert [r.shown] + [view.shown(c.amount) for c in r.scenarios] == [Decimal(f[i]) for f in figures], name
            checked += 3
    assert checked == 3 * 7  # five lines, sub total and total, each in three columns


def test_stated_totals_that_do_not_add_up_are_kept_and_flagged(essex_loaded):
    view = budget_view(table=BudgetTable.objects.get(slug="ecc-safe-communities-revenue-2015-16"))
    sub, total = view.totals
    assert sub.total.amount == Decimal("120.4") * M  # as stated
    assert sub.check.computed == (Decimal("113.7") + Decimal("3.9") + Decimal("0.0") + Decimal("2.9")) * M
    assert not sub.adds_up and sub.check.difference == Decimal("-0.1") * M
    assert total.adds_up  # 137.0 is what the lines add to
    # The 20% column: the source reduces its stated sub total (96.3); the reduced lines add to 96.4.
    cell, from_lines = sub.scenarios[1]
    assert view.shown(cell.amount) == Decimal("96.3") and view.shown(from_lines) == Decimal("96.4")


def test_the_2014_15_revenue_and_capital_tables_and_their_totals(essex_loaded, seed_text):
    text = seed_text("000_7340f0633c80a1b1.txt")
    revenue = {
        r[0].strip("* -").strip(): Decimal(r[1])
        for r in seed_rows(text, "Revenue Budget area\t2014/15 Budget (£m)", "** The Council")
    }
    view = budget_view(table=BudgetTable.objects.get(slug="ecc-safe-communities-revenue-2014-15"))
    shown = {r.line.area_of_spend.replace("Safe Communities – ", ""): r.shown for r in view.lines}
    shown |= {t.total.label: t.shown_stated for t in view.totals}
    for label, value in revenue.items():
        assert shown[label] == value, label
    flags = {t.total.label: t.adds_up for t in view.totals}
    assert flags == {"Sub Total": False, "Total": False}  # 115.0+4.1+0.0+3.3 = 122.4, not 122.3
    capital = seed_rows(text, "Capital Budget\t2014/15 Budget (£m)", "Revenue")[0]
    cview = budget_view(table=BudgetTable.objects.get(slug="ecc-safe-communities-capital-2014-17"))
    assert [r.shown for r in cview.lines] + [cview.totals[0].shown_stated] == [Decimal(c) for c in capital[1:]]
    assert not cview.totals[0].adds_up  # 10.5 + 8.2 + 4.0 = 22.7, the table says 22.8


def test_any_percentage_is_computed_to_the_penny(essex_loaded):
    table = BudgetTable.objects.get(slug="ecc-safe-communities-revenue-2015-16")
    view = budget_view(table=table, extra_percents=[Decimal("12.5")])
    safeguarding = next(r for r in view.lines if r.line.area_of_spend == "Safeguarding")
    assert safeguarding.scenarios[1].percent == Decimal("12.5")
    assert safeguarding.scenarios[1].amount == Decimal("113700000") * Decimal("0.875")


def test_the_pipeline_success_factor(essex_loaded, seed_text):
    text = seed_text("000_7340f0633c80a1b1.txt")
    amount, expected = re.search(r"Current Bid Pipeline Activity\t([\d.]+)\t([\d.]+)", text).groups()
    bid = PipelineBid.objects.get()
    check = pipeline_expected(bid)
    assert bid.amount == Decimal(amount) * M
    assert check.computed == Decimal(expected) * M and check.adds_up


def test_the_funding_streams_match_the_csa_table(essex_loaded, seed_text):
    text = seed_text("001_deea0f46161660ae.txt")
    rows = seed_rows(text, "Funding source\t2008/09 £", "*PRG has been cut")
    years = ["2008/09", "2009/10", "2010/11"]
    assert len(rows) == 7
    for name, *cells in rows:
        for year, cell in zip(years, cells, strict=False):
            allocation = FundingAllocation.objects.get(stream__name=name, year=year)
            assert allocation.stated == cell.strip()
            digits = re.fullmatch(r"([\d,]+)\**", cell.strip())
            if digits:
                assert allocation.amount == Decimal(digits[1].replace(",", ""))
    abg = FundingAllocation.objects.get(stream__key="area-based-grant-revenue", year="2010/11")
    assert abg.cut_percent == 10 and "reduced by 10%" in abg.note
    assert "cut by 50%" in FundingAllocation.objects.get(stream__key="performance-reward-grant", year="2009/10").note


def test_the_community_safety_fund_tables_and_totals(essex_loaded, seed_text):
    text = seed_text("002_6d4955b99a8e38db.txt")
    view = fund_view(Fund.objects.get())
    existing, new = view.sections
    for stated, check in (("1.738", existing.check), ("0.790", new.check), ("2.528", view.check)):
        assert f"£{stated}m" in text or f"£{int(Decimal(stated) * 1000)}k" in text
        assert check.stated == Decimal(stated) * M and check.adds_up
    table2 = seed_rows(text, "Table 2: INDICATIVE AREAS", "Commissioning Mechanisms")
    seeded = [(s.priority_area, s.location, s.amount) for s in new.services]
    expected = [(r[0], r[1], Decimal(r[2]) * M) for r in table2 if len(r) == 4 and re.fullmatch(r"\d\.\d{3}", r[2])]
    assert seeded == expected
    table1 = seed_rows(text, "Table 1: EXISTING SERVICE PROVISION", "New PCC community safety commissioning")
    costs = [Decimal(r[-1]) * M for r in table1 if re.fullmatch(r"\d\.\d{3}", r[-1].strip())]
    assert [s.amount for s in existing.services] == costs
    youth = CommissionedService.objects.get(key="youth-offending")
    components = service_components_check(youth)
    assert not components.adds_up and components.difference == Decimal("-500.00")  # £443.5k listed inside £0.443m


def test_the_load_twice_changes_nothing(essex_loaded):
    summary = finance_essex_load()
    assert not summary.changed and summary.count("indicator links").created == 0
    assert summary.count("budget lines").unchanged == BudgetLine.objects.count()
    assert BudgetLine.objects.count() == sum(len(t.lines.all()) for t in BudgetTable.objects.all())


def test_a_negative_budget_is_refused_and_nothing_saved(essex_loaded):
    table = BudgetTable.objects.get(slug="ecc-safe-communities-revenue-2015-16")
    before = BudgetLine.objects.count()
    with pytest.raises(ValidationProblem, match="the budget cannot be negative"):
        budget_line_create(table=table, key="x", area_of_spend="X", year="2015/16", kind="revenue", amount="-1")
    with pytest.raises(ValidationProblem, match="financial year"):
        budget_line_create(table=table, key="x", area_of_spend="X", year="2015", kind="revenue", amount="1")
    assert BudgetLine.objects.count() == before
    line = table.lines.get(key="safeguarding")
    with pytest.raises(ValidationProblem, match="cannot be negative"):
        budget_line_update(line=line, amount="-113700000")
    line.refresh_from_db()
    assert line.amount == Decimal("113700000.00")


def test_a_scenario_of_120_percent_is_refused(essex_loaded):
    table = BudgetTable.objects.get(slug="ecc-safe-communities-revenue-2015-16")
    with pytest.raises(ValidationProblem, match="120% is not possible"):
        scenario_create(table=table, percent="120")
    assert ReductionScenario.objects.filter(table=table).count() == 2
    assert scenario_create(table=table, percent="15").percent == Decimal("15.00")


def test_quarterly_returns(essex_loaded):
    service = CommissionedService.objects.get(key="support-to-victims")
    measure = measure_create(service=service, question="better_off", title="Victims feeling safer", unit="%")
    outcome_return_submit(measure=measure, period="2013-Q3", value="71.5")
    with pytest.raises(ValidationProblem, match="is not a quarter"):
        outcome_return_submit(measure=measure, period="2013-09", value="1")
    with pytest.raises(ValidationProblem, match="already been reported"):
        outcome_return_submit(measure=measure, period="2013-Q3", value="1")
    with pytest.raises(ValidationProblem, match="zero or more"):
        outcome_return_submit(measure=measure, period="2013-Q4", value="-1")
    assert OutcomeReturn.objects.get().value == Decimal("71.5")


def test_display_rounds_half_up():
    assert in_unit(Decimal("14850000.00"), "£m", 1) == Decimal("14.9")
