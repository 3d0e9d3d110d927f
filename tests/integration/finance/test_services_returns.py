"""Providers' quarterly returns: one per service per quarter, corrections as new versions, every
figure checked, measures of another service refused, cost per outcome and overdue returns."""

from datetime import date
from decimal import Decimal

import pytest

from saferhub.core.errors import ValidationProblem, ValidationProblems
from saferhub.core.models import AuditEvent
from saferhub.finance.models import PerformanceMeasure, ServiceReturn, ServiceReturnValue
from saferhub.finance.quarters import FinancialQuarter
from saferhub.finance.selectors_returns import fund_returns, return_due
from saferhub.finance.services_returns import (
    measure_outcome_count_set,
    service_return_correct,
    service_return_submit,
)

Q1, Q2 = FinancialQuarter(2015, 1), FinancialQuarter(2015, 2)
LATER = date(2016, 6, 1)


def _values(world, supported="120", safer="80"):
    m = world["measures"]
    return {str(m["x_supported"].pk): supported, str(m["x_safer"].pk): safer}


def _submit(world, quarter=Q1, cost="24000", values=None, **kw):
    return service_return_submit(
        service=world["sx"],
        quarter=quarter,
        cost=cost,
        values=_values(world) if values is None else values,
        delivery=kw.pop("delivery", "Advocates in two hubs"),
        submitted_by=world["people"]["provider_x"],
        today=kw.pop("today", LATER),
    )


def _fields(caught):
    return {p.field: p.message for p in caught.value.problems}


def test_a_provider_makes_a_quarters_return(world):
    ret = _submit(world)
    assert (ret.version, ret.is_current, ret.cost, ret.submitted_for) == (1, True, Decimal("24000.00"), world["x"])
    assert {v.measure.title: v.value for v in ret.values.all()} == {
        "Victims supported": Decimal("120.0000"),
        "Victims who feel safer": Decimal("80.0000"),
    }
    assert AuditEvent.objects.get(action="service_return.submit").detail["quarter"] == "2015/16 Q1"


def test_a_second_return_for_the_same_quarter_is_caught_with_a_clear_message(world):
    _submit(world)
    with pytest.raises(ValidationProblems) as caught:
        _submit(world, cost="1")
    assert "A return for Q1 2015/16 (April to June 2015) has already been made (version 1" in _fields(caught)["quarter"]
    assert "to change it, make a correction" in caught.value.message
    assert ServiceReturn.objects.count() == 1


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(world):
    first = _submit(world)
    second = service_return_correct(
        service=world["sx"],
        quarter=Q1,
        cost="25000",
        values=_values(world, safer="90"),
        correction_reason="Ten more victims' surveys came in",
        submitted_by=world["people"]["provider_x"],
        today=LATER,
    )
    first.refresh_from_db()
    assert (first.is_current, first.cost, second.version, second.is_current) == (False, Decimal("24000.00"), 2, True)
    assert first.values.get(measure=world["measures"]["x_safer"]).value == Decimal("80")
    assert second.values.get(measure=world["measures"]["x_safer"]).value == Decimal("90")
    assert first.history.count() == 2  # made, then no longer current
    with pytest.raises(ValidationProblems) as caught:
        service_return_correct(
            service=world["sx"], quarter=Q1, cost="1", values=_values(world), correction_reason="", today=LATER
        )
    assert "Say why the return is being corrected" in _fields(caught)["correction_reason"]


def test_a_correction_of_a_quarter_never_returned_is_refused(world):
    with pytest.raises(ValidationProblems) as caught:
        service_return_correct(
            service=world["sx"], quarter=Q2, cost="1", values=_values(world), correction_reason="why", today=LATER
        )
    assert "No return for Q2 2015/16" in _fields(caught)["quarter"]


def test_a_measure_of_another_service_is_refused_never_ignored(world):
    values = {**_values(world), str(world["measures"]["y_sessions"].pk): "7"}
    with pytest.raises(ValidationProblems) as caught:
        _submit(world, values=values)
    assert f"'{world['measures']['y_sessions'].pk}' is not one of this service's measures" in caught.value.message
    assert not ServiceReturn.objects.exists() and not ServiceReturnValue.objects.exists()


@pytest.mark.parametrize(
    ("cost", "supported", "field", "words"),
    [
        ("-1", "1", "cost", "cannot be negative"),
        ("NaN", "1", "cost", "is not an amount of money"),
        ("1e308", "1", "cost", "too large"),
        ("", "1", "cost", "Enter what the service cost"),
        ("1", "-3", "value", "cannot be negative"),
        ("1", "NaN", "value", "is not a number"),
        ("1", "Infinity", "value", "is not a number"),
        ("1", "1e308", "value", "larger than the hub holds"),
        ("1", "1e999999999", "value", "larger than the hub holds"),
        ("1", "0.00001", "value", "at most four decimal places"),
        ("1", "", "value", "Enter a figure for Victims supported"),
        ("1", "=1+1", "value", "is not a number"),
    ],
)
def test_bad_figures_are_refused_on_their_field(world, cost, supported, field, words):
    with pytest.raises(ValidationProblems) as caught:
        _submit(world, cost=cost, values=_values(world, supported=supported))
    name = "cost" if field == "cost" else f"value-{world['measures']['x_supported'].pk}"
    assert words in _fields(caught)[name]
    assert not ServiceReturn.objects.exists()


def test_a_quarter_outside_the_funds_year_or_not_yet_over_is_refused(world):
    with pytest.raises(ValidationProblems) as caught:
        _submit(world, quarter=FinancialQuarter(2016, 1))
    assert "is outside the fund's year 2015/16" in _fields(caught)["quarter"]
    with pytest.raises(ValidationProblems) as caught:
        _submit(world, quarter=Q2, today=date(2015, 9, 30))
    assert "has not ended yet" in _fields(caught)["quarter"]
    with pytest.raises(ValidationProblems):
        _submit(world, quarter="2015-Q2")  # a calendar quarter, not a financial one


def test_what_was_delivered_has_a_length_limit(world):
    with pytest.raises(ValidationProblems) as caught:
        _submit(world, delivery="x" * 5001)
    assert "5,000 characters or fewer" in _fields(caught)["delivery"]


def test_only_a_better_off_measure_of_the_service_counts_outcomes(world):
    m = world["measures"]
    with pytest.raises(ValidationProblem, match="not one of this service's measures"):
        measure_outcome_count_set(service=world["sx"], measure=m["y_sessions"])
    with pytest.raises(ValidationProblem, match='outcomes are counted by an "Is anyone better off\\?" measure'):
        measure_outcome_count_set(service=world["sx"], measure=m["x_supported"])
    other = PerformanceMeasure.objects.create(service=world["sx"], question="better_off", title="Cases closed")
    measure_outcome_count_set(service=world["sx"], measure=other)
    assert list(world["sx"].measures.filter(counts_outcomes=True)) == [other]


def test_cost_per_outcome_by_quarter_and_for_the_year(world):
    _submit(world, quarter=Q1, cost="24000", values=_values(world, safer="80"))
    _submit(world, quarter=Q2, cost="26000", values=_values(world, safer="120"))
    service_return_submit(
        service=world["sy"],
        quarter=Q1,
        cost="9000",
        values={str(world["measures"]["y_sessions"].pk): "30"},
        today=LATER,
    )
    returns = fund_returns(fund=world["fund"], today=LATER)
    by_quarter = {(c.service.key, c.quarter.label): c for c in returns.by_quarter}
    assert by_quarter[("advocacy", "2015/16 Q1")].value == Decimal("300.00")  # 24,000 / 80
    assert by_quarter[("advocacy", "2015/16 Q2")].value == Decimal("216.67")  # 26,000 / 120 = 216.666…
    assert by_quarter[("advocacy", "2015/16 Q1")].measure_title == "Victims who feel safer"
    # Outreach has no measure counting outcomes: its cost per outcome is not worked out.
    assert (
        by_quarter[("outreach", "2015/16 Q1")].outcomes is None and by_quarter[("outreach", "2015/16 Q1")].value is None
    )
    year = {c.service.key: c for c in returns.year_to_date}
    assert (year["advocacy"].cost, year["advocacy"].outcomes, year["advocacy"].value) == (
        Decimal("50000.00"),
        Decimal("200"),
        Decimal("250.00"),
    )


def test_a_corrected_return_replaces_the_old_figures_in_cost_per_outcome(world):
    _submit(world, cost="24000", values=_values(world, safer="80"))
    service_return_correct(
        service=world["sx"],
        quarter=Q1,
        cost="24000",
        values=_values(world, safer="96"),
        correction_reason="late surveys",
        today=LATER,
    )
    (row,) = fund_returns(fund=world["fund"], today=LATER).by_quarter
    assert row.value == Decimal("250.00")


def test_returns_overdue(world):
    assert return_due(Q1) == date(2015, 7, 31) and return_due(FinancialQuarter(2015, 3)) == date(2016, 1, 31)
    _submit(world, quarter=Q1, today=date(2015, 8, 1))
    returns = fund_returns(fund=world["fund"], today=date(2015, 11, 1))
    # By 1 November 2015 Q1 (due 31 July) and Q2 (due 31 October) are due; advocacy made Q1 only.
    # The indicative research line has no provider and is provisional: nothing is expected of it.
    overdue = {s.key: [q.label for q in qs] for s, qs in returns.overdue}
    assert overdue == {"advocacy": ["2015/16 Q2"], "outreach": ["2015/16 Q1", "2015/16 Q2"]}
    assert returns.overdue_count == 3 and returns.expected_services == 2
