"""Budget monitoring writes: a quarter's figures are checked whole and written in one go, with
history and audit; every bad amount, quarter, line and missing reason is refused by name."""

from decimal import Decimal

import pytest

from saferhub.core.errors import ValidationProblems
from saferhub.core.models import AuditEvent
from saferhub.finance.models import BudgetLineQuarter, BudgetProfile, VarianceThreshold
from saferhub.finance.quarters import FinancialQuarter
from saferhub.finance.services_monitoring import (
    QuarterEntry,
    budget_profile_set,
    budget_quarter_report,
    variance_threshold_set,
)

Q1 = FinancialQuarter(2015, 1)
Q2 = FinancialQuarter(2015, 2)


def _report(world, quarter, entries, actor=None):
    lines = world["lines"]
    return budget_quarter_report(
        table=world["revenue"],
        quarter=quarter,
        entries={lines[k].pk: QuarterEntry(*v) for k, v in entries.items()},
        actor=actor or world["people"]["contributor"],
    )


def _fields(caught):
    return {p.field: p.message for p in caught.value.problems}


def test_a_quarter_is_recorded_for_several_lines_with_history_and_one_audit_row(world):
    saved = _report(world, Q1, {"safeguarding": ("25000", "100000", ""), "roads": ("£12,500.00", "50000", "")})
    assert (saved.created, saved.changed) == (2, 0)
    row = BudgetLineQuarter.objects.get(line=world["lines"]["safeguarding"])
    assert (row.period_start, row.actual, row.forecast_outturn) == (Q1.start, Decimal("25000.00"), Decimal("100000.00"))
    assert row.history.count() == 1 and row.entered_by == world["people"]["contributor"]
    audit = AuditEvent.objects.get(action="budget_quarter.report")
    assert audit.detail["quarter"] == "2015/16 Q1" and sorted(audit.detail["created"]) == sorted(
        [world["lines"]["safeguarding"].pk, world["lines"]["roads"].pk]
    )


def test_a_correction_changes_the_figures_and_keeps_what_they_said_before(world):
    _report(world, Q1, {"safeguarding": ("25000", "100000", "")})
    saved = _report(world, Q1, {"safeguarding": ("26000", "101000", "")})
    assert (saved.created, saved.changed) == (0, 1)
    row = BudgetLineQuarter.objects.get()
    assert row.actual == Decimal("26000.00")
    assert [h.actual for h in row.history.order_by("history_date")] == [Decimal("25000.00"), Decimal("26000.00")]


def test_one_bad_line_and_nothing_is_written(world):
    with pytest.raises(ValidationProblems) as caught:
        _report(world, Q1, {"safeguarding": ("25000", "100000", ""), "roads": ("-5", "50000", "")})
    assert "cannot be negative" in _fields(caught)[f"actual-{world['lines']['roads'].pk}"]
    assert not BudgetLineQuarter.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("-0.01", "cannot be negative"),
        ("NaN", "is not an amount of money"),
        ("sNaN", "is not an amount of money"),
        ("Infinity", "is not an amount of money"),
        ("1e308", "too large"),
        ("1e999999999", "is not an amount of money"),
        ("100000000000000", "too large"),
        ("12.345", "fractions of a penny"),
        ("twelve", "is not an amount of money"),
        ("=1+1", "is not an amount of money"),
    ],
)
def test_amounts_that_are_not_money_are_refused_on_their_field(world, typed, words):
    pk = world["lines"]["roads"].pk
    with pytest.raises(ValidationProblems) as caught:
        _report(world, Q1, {"roads": ("1000", typed, "")})
    assert words in _fields(caught)[f"forecast_outturn-{pk}"]
    assert not BudgetLineQuarter.objects.exists()


def test_every_problem_is_named_at_once(world):
    lines = world["lines"]
    with pytest.raises(ValidationProblems) as caught:
        _report(world, Q1, {"safeguarding": ("", "100000", ""), "roads": ("1000", "", "")})
    fields = _fields(caught)
    assert "Enter spend in the quarter" in fields[f"actual-{lines['safeguarding'].pk}"]
    assert "Enter forecast out-turn" in fields[f"forecast_outturn-{lines['roads'].pk}"]


def test_a_quarter_outside_the_budgets_year_is_refused(world):
    with pytest.raises(ValidationProblems) as caught:
        _report(world, FinancialQuarter(2016, 1), {"safeguarding": ("1", "100000", "")})
    assert "Q1 2016/17 (April to June 2016) is outside this budget's years (2015/16)" in _fields(caught)["quarter"]
    with pytest.raises(ValidationProblems):
        _report(world, "2014/15 Q4", {"safeguarding": ("1", "100000", "")})
    assert not BudgetLineQuarter.objects.exists()


def test_a_line_of_another_budget_or_partnership_is_refused_not_written(world):
    beta_line = world["lines"]["beta"]
    with pytest.raises(ValidationProblems) as caught:
        budget_quarter_report(
            table=world["revenue"],
            quarter=Q1,
            entries={
                world["lines"]["safeguarding"].pk: QuarterEntry("1", "100000"),
                beta_line.pk: QuarterEntry("1", "40000"),
            },
        )
    assert "1 of the lines sent are not lines of Alpha revenue 2015/16" in caught.value.problems[0].message
    assert not BudgetLineQuarter.objects.exists()


def test_a_variance_past_the_default_threshold_needs_a_reason(world):
    pk = world["lines"]["roads"].pk
    # Road safety £50,000: 5% is £2,500 (less than £10,000). Forecast £52,500.01 is £2,500.01 over.
    with pytest.raises(ValidationProblems) as caught:
        _report(world, Q1, {"roads": ("12500", "52500.01", "")})
    message = _fields(caught)[f"reason-{pk}"]
    assert "give a reason, as the line is £2,500.01 over budget" in message
    assert "more than 5% of the line's budget or more than £10,000.00 needs one" in message
    # £2,500 over is not past the threshold; nor is spend of £12,500 against an even profile of £12,500.
    assert _report(world, Q1, {"roads": ("12500", "52500", "")}).created == 1


def test_spend_ahead_of_profile_needs_a_reason_too(world):
    pk = world["lines"]["roads"].pk
    # Even profile after Q1: £12,500. Spend £15,000.01 is £2,500.01 ahead, past 5% of £50,000.
    with pytest.raises(ValidationProblems) as caught:
        _report(world, Q1, {"roads": ("15000.01", "50000", "")})
    assert "£2,500.01 ahead of profile" in _fields(caught)[f"reason-{pk}"]
    _report(world, Q1, {"roads": ("15000.01", "50000", "Winter campaign brought forward")})
    assert BudgetLineQuarter.objects.get().reason == "Winter campaign brought forward"


def test_the_partnerships_own_threshold_is_used(world):
    variance_threshold_set(
        partnership=world["alpha"], percent="", amount="20000", actor=world["people"]["administrator"]
    )
    # With only £20,000, a £10,000 overspend on £50,000 (20%) needs no reason.
    assert _report(world, Q1, {"roads": ("12500", "60000", "")}).created == 1
    with pytest.raises(ValidationProblems):
        _report(world, Q2, {"roads": ("12500", "70000.01", "")})


def test_a_profile_moves_what_is_expected_to_date(world):
    line = world["lines"]["roads"]
    budget_profile_set(
        line=line, amounts={"2015/16 Q1": "5000", "2015/16 Q2": "15000", "2015/16 Q3": "15000", "2015/16 Q4": "15000"}
    )
    # Against a profile of £5,000, spending £12,500 in Q1 is £7,500 ahead: a reason is needed.
    with pytest.raises(ValidationProblems) as caught:
        _report(world, Q1, {"roads": ("12500", "50000", "")})
    assert "£7,500.00 ahead of profile" in _fields(caught)[f"reason-{line.pk}"]


def test_recorded_figures_cannot_be_blanked(world):
    _report(world, Q1, {"roads": ("12500", "50000", "")})
    with pytest.raises(ValidationProblems) as caught:
        _report(world, Q1, {"roads": ("", "", ""), "safeguarding": ("25000", "100000", "")})
    assert "already recorded" in _fields(caught)[f"actual-{world['lines']['roads'].pk}"]


def test_a_reason_has_a_length_limit(world):
    with pytest.raises(ValidationProblems) as caught:
        _report(world, Q1, {"roads": ("12500", "50000", "x" * 100_000)})
    assert "2,000 characters or fewer (it has 100,000)" in _fields(caught)[f"reason-{world['lines']['roads'].pk}"]


def test_a_profile_must_cover_every_quarter_and_add_up_to_the_budget(world):
    line = world["lines"]["roads"]
    with pytest.raises(ValidationProblems) as caught:
        budget_profile_set(line=line, amounts={"2015/16 Q1": "5000"})
    assert set(_fields(caught)) == {"profile-2015-16-q2", "profile-2015-16-q3", "profile-2015-16-q4"}
    with pytest.raises(ValidationProblems) as caught:
        budget_profile_set(
            line=line, amounts=dict.fromkeys(("2015/16 Q1", "2015/16 Q2", "2015/16 Q3", "2015/16 Q4"), "10000")
        )
    assert "add up to £40,000.00 but the line's budget is £50,000.00" in caught.value.message
    with pytest.raises(ValidationProblems):
        budget_profile_set(line=line, amounts={"2016/17 Q1": "50000"})
    assert not BudgetProfile.objects.exists()


def test_a_threshold_needs_a_sensible_percentage_or_amount(world):
    with pytest.raises(ValidationProblems) as caught:
        variance_threshold_set(partnership=world["alpha"], percent="", amount="")
    assert "Enter a percentage, an amount, or both" in caught.value.message
    with pytest.raises(ValidationProblems) as caught:
        variance_threshold_set(partnership=world["alpha"], percent="120", amount="-1")
    assert set(_fields(caught)) == {"percent", "amount"}
    threshold = variance_threshold_set(partnership=world["alpha"], percent="2.5", amount="")
    assert (threshold.percent, threshold.amount) == (Decimal("2.50"), None)
    assert VarianceThreshold.objects.get().history.count() == 1


def test_someone_saving_the_same_quarter_at_the_same_moment_is_told_and_nothing_is_kept(world, monkeypatch):
    from django.db import IntegrityError

    import saferhub.finance.services_monitoring as services

    def clash(*args, **kwargs):
        raise IntegrityError("budget_line_quarter_once")

    monkeypatch.setattr(services, "bulk_create_with_history", clash)
    with pytest.raises(ValidationProblems) as caught:
        _report(world, Q1, {"roads": ("12500", "50000", "")})
    assert "were recorded by someone else just now" in _fields(caught)["quarter"]
    assert not BudgetLineQuarter.objects.exists() and not AuditEvent.objects.exists()
