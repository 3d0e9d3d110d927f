"""Quarters of the financial year (April to March), as public bodies in England monitor money."""

from datetime import date

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.finance.quarters import FinancialQuarter, parse_quarter, quarters_of


@pytest.mark.parametrize(
    ("number", "start", "end"),
    [
        (1, date(2015, 4, 1), date(2015, 6, 30)),
        (2, date(2015, 7, 1), date(2015, 9, 30)),
        (3, date(2015, 10, 1), date(2015, 12, 31)),
        (4, date(2016, 1, 1), date(2016, 3, 31)),  # the last quarter is in the next calendar year
    ],
)
def test_each_quarter_of_2015_16_covers_its_three_months(number, start, end):
    q = FinancialQuarter(2015, number)
    assert (q.start, q.end) == (start, end)
    assert q.label == f"2015/16 Q{number}"


def test_a_quarter_reads_in_words_with_its_months():
    assert FinancialQuarter(2015, 1).words == "Q1 2015/16 (April to June 2015)"
    assert FinancialQuarter(2015, 4).words == "Q4 2015/16 (January to March 2016)"


@pytest.mark.parametrize("text", ["2015/16 Q3", "2015/16-Q3", "Q3 2015/16", "2015-16-q3", " 2015/16q3 "])
def test_the_ways_a_quarter_is_written(text):
    assert parse_quarter(text) == FinancialQuarter(2015, 3)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2015/17 Q1", "the second part must be the year after 2015"),
        ("2015/16 Q5", "is not a quarter"),
        ("2015-Q2", "is not a quarter"),  # a calendar quarter is not a financial one
        ("", "is not a quarter"),
        ("=SUM(A1)", "is not a quarter"),
    ],
)
def test_what_is_not_a_quarter_is_refused_with_the_reason(text, words):
    with pytest.raises(ValidationProblem, match=words):
        parse_quarter(text)


def test_the_quarters_of_a_year_and_of_a_span():
    assert [q.label for q in quarters_of("2015/16")] == ["2015/16 Q1", "2015/16 Q2", "2015/16 Q3", "2015/16 Q4"]
    span = quarters_of("2014/15-2016/17")
    assert len(span) == 12 and span[0] == FinancialQuarter(2014, 1) and span[-1] == FinancialQuarter(2016, 4)


@pytest.mark.parametrize(
    ("day", "containing", "last_ended"),
    [
        (date(2016, 3, 31), "2015/16 Q4", "2015/16 Q4"),  # the last day of a quarter ends it
        (date(2016, 4, 1), "2016/17 Q1", "2015/16 Q4"),
        (date(2016, 6, 29), "2016/17 Q1", "2015/16 Q4"),
        (date(2016, 6, 30), "2016/17 Q1", "2016/17 Q1"),
        (date(2016, 1, 15), "2015/16 Q4", "2015/16 Q3"),
    ],
)
def test_the_quarter_a_day_falls_in_and_the_latest_ended_by_it(day, containing, last_ended):
    assert FinancialQuarter.containing(day).label == containing
    assert FinancialQuarter.last_ended_by(day).label == last_ended


def test_quarters_order_through_the_year_end():
    assert FinancialQuarter(2015, 4) < FinancialQuarter(2016, 1)
    assert FinancialQuarter(2015, 4).next() == FinancialQuarter(2016, 1)
