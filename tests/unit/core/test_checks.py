"""The checks every service runs: each returns the clean value or a problem naming its field."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from saferhub.core.checks import (
    UNCHANGED,
    check_amount,
    check_choice,
    check_count,
    check_date,
    check_dates_in_order,
    check_instance,
    check_text,
    check_time,
    merged,
)
from saferhub.core.errors import ValidationProblem, about_field


def problem(call, **kwargs) -> ValidationProblem:
    with pytest.raises(ValidationProblem) as raised:
        call(**kwargs)
    return raised.value


def test_text_is_stripped_and_refused_when_blank_long_or_with_control_characters():
    assert check_text("  Chair  ", field="position") == "Chair"
    assert check_text(None, field="position") == ""
    blank = problem(lambda **k: check_text("  ", **k), field="title", required=True, where="item 2")
    assert (blank.field, blank.code, blank.where, blank.message) == ("title", "required", "item 2", "title is required")
    assert problem(lambda **k: check_text("x" * 11, **k), field="label", max_length=10).code == "too_long"
    assert "control characters" in problem(lambda **k: check_text("a\x00b", **k), field="note").message
    assert "must be text, not int" in problem(lambda **k: check_text(5, **k), field="note").message


def test_choices_accept_a_text_choices_class_or_strings():
    from saferhub.governance.models import Meeting

    assert check_choice("held", Meeting.Status, field="status") == "held"
    refused = problem(lambda **k: check_choice("late", ["present", "absent"], **k), field="seat-3")
    assert refused.field == "seat-3" and refused.message == "seat-3 'late' is not one of: present, absent"


def test_dates_times_and_their_order():
    assert check_date("2024-06-04", field="date") == date(2024, 6, 4)
    assert check_date(None, field="date", required=False) is None
    assert problem(lambda **k: check_date(None, **k), field="date").code == "required"
    assert problem(lambda **k: check_date(datetime(2024, 6, 4, 10), **k), field="date").field == "date"
    assert problem(lambda **k: check_date("4 June 2024", **k), field="due_date").message.startswith("due date")
    assert check_time("09:30", field="start_time") == time(9, 30)
    assert check_time("", field="start_time") is None
    assert "not a time of day" in problem(lambda **k: check_time("9ish", **k), field="start_time").message
    later = problem(check_dates_in_order, start=date(2024, 6, 4), end=date(2024, 6, 3), end_field="due_date")
    assert (later.field, later.code) == ("due_date", "before_start")
    check_dates_in_order(start=date(2024, 6, 4), end=None, end_field="due_date")


def test_counts_and_money():
    assert check_count(4, field="quorum", low=1, high=10) == 4
    assert check_count("", field="quorum", low=1, high=10) is None
    assert problem(lambda **k: check_count(True, **k), field="quorum", low=1, high=10).field == "quorum"
    assert problem(lambda **k: check_count(11, **k), field="quorum", low=1, high=10).code == "out_of_range"
    assert check_amount("12000.50", field="amount") == Decimal("12000.50")
    assert check_amount(None, field="amount") is None
    for bad, words in [
        (1.5, "not a float"),
        ("-1", "cannot be negative"),
        ("1.001", "fractions of a penny"),
        ("lots", "not a sum of money"),
        ("NaN", "not a sum of money"),
    ]:
        assert words in problem(lambda b=bad, **k: check_amount(b, **k), field="amount").message


def test_records_of_the_right_kind():
    class Organisation:
        pass

    org = Organisation()
    assert check_instance(org, Organisation, field="owner") is org
    assert check_instance(None, Organisation, field="owner") is None
    assert problem(lambda **k: check_instance(None, Organisation, **k), field="owner", required=True).code == "required"
    wrong = problem(lambda **k: check_instance("acme", Organisation, **k), field="owner")
    assert wrong.message == "owner must be an organisation"


def test_an_update_checks_the_given_values_with_the_records_own():
    class Meeting:
        start_time, end_time = time(10), time(12)

    assert merged(Meeting(), start_time=UNCHANGED, end_time=time(11)) == {"start_time": time(10), "end_time": time(11)}


def test_a_problem_from_a_shared_check_is_given_the_field_it_is_about():
    with pytest.raises(ValidationProblem) as raised, about_field("amount"):
        raise ValidationProblem("the budget cannot be negative", where="line 3")
    assert raised.value.field == "amount"
    with pytest.raises(ValidationProblem) as raised, about_field("amount"):
        raise ValidationProblem("x", field="year")
    assert raised.value.field == "year"  # a field already named is kept
