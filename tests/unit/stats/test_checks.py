"""Input checks shared by the statistics."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import confidence_level, dates_in_order, numbers, z_value


def test_z_values_for_the_two_levels():
    assert round(z_value(95), 6) == 1.959964
    assert round(z_value(0.998), 6) == 3.090232
    assert confidence_level(99.8) == pytest.approx(0.998)


def test_numbers_accept_numeric_text_and_arrays():
    assert list(numbers(["1", " 2.5 ", "1,000"], "value")) == [1.0, 2.5, 1000.0]
    assert list(numbers(np.array([1, 2]), "value")) == [1.0, 2.0]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1, True], "value True in row 2 is not a number"),
        ([1, float("inf")], "not a finite number"),
        ("123", "must be a list of numbers"),
    ],
)
def test_numbers_refuse(values, message):
    with pytest.raises(ValidationProblem, match=message):
        numbers(values, "value")


def test_dates_in_many_forms():
    parsed = dates_in_order(["2021-01", dt.date(2021, 2, 1), np.datetime64("2021-03-01"), dt.datetime(2021, 4, 1, 9)])
    assert parsed == [dt.date(2021, m, 1) for m in (1, 2, 3, 4)]
    assert dates_in_order(["2019", 2020, 2021.0]) == [2019, 2020, 2021]


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (["2021-01-01", "2021-01-01"], "2021-01-01 in row 2 is a duplicate of row 1"),
        (["2021-02-01", "2021-01-01"], "2021-01-01 in row 2 comes before 2021-02-01 in row 1"),
        (["2021-01-01", "soon"], "date 'soon' in row 2 is not a date"),
        (["2021-01-01", None], "date is missing in row 2"),
        ([2020, "2021-01-01"], "mixes years and full dates"),
    ],
)
def test_dates_refuse(dates, message):
    with pytest.raises(ValidationProblem, match=message):
        dates_in_order(dates)
