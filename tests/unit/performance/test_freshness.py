"""Freshness: a value is current, due or overdue against its indicator's frequency and the day given."""

from __future__ import annotations

import datetime as dt

import pytest

from saferhub.performance.freshness import freshness


@pytest.mark.parametrize(
    ("days_since_end", "status"), [(10, "current"), (93, "current"), (94, "due"), (124, "due"), (125, "overdue")]
)
def test_monthly_values_are_due_after_two_months_and_overdue_after_three(days_since_end, status):
    end = dt.date(2024, 4, 30)
    result = freshness(frequency="monthly", period_end=end, today=end + dt.timedelta(days=days_since_end))
    assert result["status"] == status and result["age_days"] == days_since_end


def test_freshness_without_a_schedule_or_a_value_is_unknown():
    assert (
        freshness(frequency="ad_hoc", period_end=dt.date(2024, 1, 31), today=dt.date(2025, 1, 1))["status"] == "unknown"
    )
    assert freshness(frequency="monthly", period_end=None, today=dt.date(2025, 1, 1))["status"] == "unknown"
