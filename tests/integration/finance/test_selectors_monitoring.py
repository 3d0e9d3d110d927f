"""Budget monitoring reads: per line and per budget, as at a quarter, worked out in the database with
a number of queries that does not grow with the lines; the board pack's summary."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from saferhub.finance.models import BudgetLine, BudgetLineQuarter, BudgetProfile, StatedOutturn
from saferhub.finance.quarters import FinancialQuarter
from saferhub.finance.selectors_monitoring import budget_monitoring, budget_monitoring_summary

Q1, Q2, Q3 = FinancialQuarter(2015, 1), FinancialQuarter(2015, 2), FinancialQuarter(2015, 3)


def _record(line, quarter, actual, forecast, reason=""):
    return BudgetLineQuarter.objects.create(
        line=line, period_start=quarter.start, actual=Decimal(actual), forecast_outturn=Decimal(forecast), reason=reason
    )


def test_no_actuals_means_none_not_zero(world):
    view = budget_monitoring(table=world["revenue"], through=Q2)
    assert view.actual_to_date is None and view.forecast_outturn is None and view.outturn_variance is None
    assert view.budget == Decimal("150000.00")  # the line left out of the total stays out
    line = view.lines[0]
    assert line.actual_to_date is None and line.profile_to_date == Decimal("50000.00") and line.over_threshold == []


def test_per_line_and_per_budget_figures_as_at_a_quarter(world):
    lines = world["lines"]
    _record(lines["safeguarding"], Q1, "20000", "100000")
    _record(lines["safeguarding"], Q2, "30000", "96000", "Vacancies in the team")
    _record(lines["roads"], Q1, "15000", "60000", "Speed cameras repaired early")
    _record(lines["outside"], Q1, "5000", "20000")
    _record(lines["safeguarding"], Q3, "99999", "1")  # after the quarter asked about: not counted

    view = budget_monitoring(table=world["revenue"], through=Q2)
    by_key = {ln.line.key: ln for ln in view.lines}
    safeguarding, roads = by_key["safeguarding"], by_key["roads"]
    # Safeguarding: spent 20,000 + 30,000; even profile after two quarters is half of 100,000.
    assert (safeguarding.actual_to_date, safeguarding.profile_to_date) == (Decimal("50000.00"), Decimal("50000.00"))
    assert safeguarding.forecast_outturn == Decimal("96000.00") and safeguarding.forecast_quarter == Q2
    assert safeguarding.outturn_variance == Decimal("4000.00") and safeguarding.profile_variance == Decimal("0.00")
    assert safeguarding.reason == "Vacancies in the team"
    assert safeguarding.over_threshold == []  # 4,000 is not more than 5% of 100,000
    # Road safety: spent 15,000 against 25,000; forecast 60,000 is 10,000 over a 50,000 budget.
    assert roads.profile_variance == Decimal("-10000.00") and roads.outturn_variance == Decimal("-10000.00")
    assert roads.over_threshold == ["£10,000.00 over budget", "£10,000.00 behind profile"]
    # The budget's totals cover the two lines in its total, not the line outside it.
    assert view.actual_to_date == Decimal("65000.00")
    assert view.forecast_outturn == Decimal("156000.00") and view.budget_with_forecast == Decimal("150000.00")
    assert view.outturn_variance == Decimal("-6000.00") and view.outturn_words == "£6,000.00 over budget"
    assert (view.lines_with_actuals, view.lines_with_forecast, view.lines_in_total) == (2, 2, 2)
    # The line outside the total is still monitored: 5,000 spent against an even 10,000 is 5,000 behind,
    # more than 5% of its 20,000.
    assert [ln.line.key for ln in view.over_threshold] == ["roads", "outside"]


def test_a_forecast_for_some_lines_only_is_said_so(world):
    _record(world["lines"]["roads"], Q1, "12500", "45000")
    view = budget_monitoring(table=world["revenue"], through=Q1)
    assert (view.lines_with_forecast, view.lines_in_total) == (1, 2)
    assert view.budget_with_forecast == Decimal("50000.00") and view.outturn_variance == Decimal("5000.00")


def test_a_stored_profile_replaces_the_even_one(world):
    line = world["lines"]["roads"]
    for q, amount in zip((Q1, Q2, Q3, FinancialQuarter(2015, 4)), ("5000", "15000", "15000", "15000"), strict=True):
        BudgetProfile.objects.create(line=line, period_start=q.start, amount=Decimal(amount))
    roads = next(ln for ln in budget_monitoring(table=world["revenue"], through=Q2).lines if ln.line == line)
    assert roads.profile_to_date == Decimal("20000.00") and roads.profile_stored


def test_a_line_over_three_years_is_profiled_over_twelve_quarters(world):
    _record(world["lines"]["capital"], FinancialQuarter(2014, 1), "10000", "120000")
    view = budget_monitoring(table=world["capital"], through=FinancialQuarter(2014, 3))
    cameras = view.lines[0]
    assert cameras.quarters == 12 and cameras.elapsed == 3
    assert cameras.profile_to_date == Decimal("30000.00")  # 3/12 of 120,000


def test_queries_do_not_grow_with_the_lines(world):
    table = world["revenue"]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            budget_monitoring(table=table, through=Q2)
        return len(ctx.captured_queries)

    before = count()
    new = BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                table=table,
                key=f"extra-{i}",
                area_of_spend=f"Extra {i}",
                year="2015/16",
                kind="revenue",
                amount=Decimal("1000"),
            )
            for i in range(40)
        ]
    )
    BudgetLineQuarter.objects.bulk_create(
        [
            BudgetLineQuarter(line=ln, period_start=Q1.start, actual=Decimal("250"), forecast_outturn=Decimal("1000"))
            for ln in new
        ]
    )
    assert count() == before


def test_the_board_summary_picks_the_year_of_the_latest_quarter_ended(world):
    _record(world["lines"]["safeguarding"], Q1, "20000", "100000")
    # 31 July 2015: Q1 2015/16 has ended; 2015/16 lines only (and the capital line whose span covers it).
    summary = budget_monitoring_summary(partnership=world["alpha"], as_of=date(2015, 7, 31))
    assert summary.year == "2015/16" and summary.through == Q1
    assert [b.table.slug for b in summary.budgets] == ["alpha-capital-2014-17", "alpha-revenue-2015-16"]
    revenue = summary.budgets[1]
    assert revenue.actual_to_date == Decimal("20000.00") and summary.has_actuals
    # In May 2016 the year shown is 2015/16, as at its latest quarter with figures (only Q1 has any);
    # a year with none recorded is as at its latest quarter ended.
    assert budget_monitoring_summary(partnership=world["alpha"], as_of=date(2016, 5, 1)).through == Q1
    _record(world["lines"]["roads"], Q3, "1", "50000")
    assert budget_monitoring_summary(partnership=world["alpha"], as_of=date(2016, 5, 1)).through == Q3
    # Before Q3 ends, its figures are not counted: the latest reported quarter ended by then is Q1.
    assert budget_monitoring_summary(partnership=world["alpha"], as_of=date(2015, 12, 30)).through == Q1
    beta = budget_monitoring_summary(partnership=world["beta"], as_of=date(2016, 5, 1))
    assert beta.through == FinancialQuarter(2015, 4) and not beta.has_actuals
    # A year with no lines of the partnership: nothing to show, said so by an empty list.
    assert budget_monitoring_summary(partnership=world["alpha"], as_of=date(2026, 1, 1)).budgets == []


def test_the_board_summary_lists_lines_over_the_threshold_with_their_reasons(world):
    _record(world["lines"]["roads"], Q1, "12500", "60000", "Speed cameras repaired early")
    summary = budget_monitoring_summary(partnership=world["alpha"], as_of=date(2015, 10, 1))
    assert [(ln.line.key, ln.reason) for ln in summary.over_threshold] == [("roads", "Speed cameras repaired early")]
    # Another partnership's summary never holds Alpha's lines.
    beta = budget_monitoring_summary(partnership=world["beta"], as_of=date(2015, 10, 1))
    assert [ln.line.table.partnership for b in beta.budgets for ln in b.lines] == [world["beta"]]


def test_the_board_summary_carries_outturns_reported_without_their_budget(world):
    StatedOutturn.objects.create(
        partnership=world["alpha"],
        key="old",
        title="Old underspend",
        year="2014/15",
        kind="underspend",
        amount=Decimal("1000"),
        reported_on=date(2015, 7, 1),
        source="test",
    )
    assert len(budget_monitoring_summary(partnership=world["alpha"], as_of=date(2015, 7, 31)).stated_outturns) == 1
    assert budget_monitoring_summary(partnership=world["alpha"], as_of=date(2015, 6, 30)).stated_outturns == []
