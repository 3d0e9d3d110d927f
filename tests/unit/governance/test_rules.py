"""Financial years, meeting counts against the terms of reference, and attendance per body."""

from datetime import date

from saferhub.governance.rules import (
    BodyAttendance,
    attendance_by_body,
    financial_year,
    financial_year_label,
    meeting_shortfalls,
    meetings_per_year,
)


def test_the_financial_year_starts_on_1_april():
    assert financial_year(date(2008, 3, 31)) == 2007
    assert financial_year(date(2008, 4, 1)) == 2008
    assert financial_year(date(2009, 3, 5)) == 2008
    assert financial_year_label(2008) == "2008/09"
    assert financial_year_label(1999) == "1999/00"


def test_years_are_counted_from_the_first_to_the_last_meeting_including_empty_years():
    years = meetings_per_year([date(2008, 7, 1), date(2008, 10, 2), date(2010, 6, 1)])
    assert [(y.label, y.count) for y in years] == [("2008/09", 2), ("2009/10", 0), ("2010/11", 1)]
    assert meetings_per_year([]) == []


def test_a_year_with_fewer_meetings_than_the_minimum_is_a_shortfall():
    dates = [date(2008, 7, 1), date(2008, 10, 2), date(2009, 1, 22), date(2009, 3, 5), date(2009, 7, 1)]
    assert [(y.label, y.count) for y in meeting_shortfalls(dates, 4)] == [("2009/10", 1)]
    assert meeting_shortfalls(dates, None) == []


def test_a_body_is_present_if_anyone_came_for_it_and_unheld_meetings_do_not_count():
    rows = [
        (1, "present", "maldon", "Maldon CSP"),
        (1, "apologies", "maldon", "Maldon CSP"),  # the chief executive sent apologies; a colleague came
        (1, "apologies", "yos", "Youth offending"),
        (2, "absent", "yos", "Youth offending"),
        (3, "present", "yos", "Youth offending"),  # meeting 3 was cancelled
    ]
    result = {b.key: b for b in attendance_by_body(rows, held_meetings=[1, 2], seat_bodies={"braintree": "Braintree"})}
    assert result["maldon"] == BodyAttendance("maldon", "Maldon CSP", False, 2, 1, 0, 0)
    assert (result["yos"].present, result["yos"].apologies, result["yos"].absent) == (0, 1, 1)
    assert result["braintree"].holds_seat and result["braintree"].no_record == 2
    assert result["maldon"].present_percent == 50 and result["braintree"].present_percent == 0


def test_with_no_held_meetings_there_is_no_percentage():
    [body] = attendance_by_body([], held_meetings=[], seat_bodies={"x": "X"})
    assert body.present_percent is None and body.no_record == 0
