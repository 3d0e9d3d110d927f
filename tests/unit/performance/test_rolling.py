"""The rolling 12-month view of a monthly series (issue 15, item 3)."""

from __future__ import annotations

from saferhub.performance.pages.rolling import rolling_windows


def _month(i: int) -> str:
    year, month = divmod(2023 * 12 + i, 12)
    return f"{year}-{month + 1:02d}"


def _series(values, **extra):
    return [
        {"period": _month(i), "kind": "month", "value": v, "status": "final", **extra} for i, v in enumerate(values)
    ]


def test_each_window_is_the_sum_of_twelve_whole_months_in_a_row():
    series = _series([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140])
    windows = rolling_windows(series, value_type="count", multiplier=1, public=False)
    assert [(w["end"], w["value"]) for w in windows] == [("2024-02", 1020), ("2024-01", 900), ("2023-12", 780)]


def test_a_missing_or_partial_month_leaves_its_windows_out_and_is_never_read_as_zero():
    series = _series([10] * 14)
    del series[5]  # 2023-06 missing
    assert rolling_windows(series, value_type="count", multiplier=1, public=False) == []
    series = _series([10] * 13)
    series[12]["status"] = "partial"
    assert [w["end"] for w in rolling_windows(series, value_type="count", multiplier=1, public=False)] == ["2023-12"]


def test_a_rate_is_the_year_count_over_the_residents():
    series = _series([5] * 12, numerator=5, denominator=80_000)
    for p in series:
        p["value"] = 5 / 80_000 * 1000
    (window,) = rolling_windows(series, value_type="rate_per_1000", multiplier=1000, public=False)
    assert window["numerator"] == 60 and window["value"] == 60 / 80_000 * 1000


def test_a_hidden_month_hides_every_window_that_holds_it_so_subtraction_gives_nothing_away():
    series = _series([50] * 14)
    series[12] = {**series[12], "value": None, "suppressed": True}  # 2024-01 hidden from this reader
    windows = {w["end"]: w for w in rolling_windows(series, value_type="count", multiplier=1, public=True)}
    assert windows["2023-12"]["value"] == 600  # holds no hidden month
    # 2024-01 and 2024-02 both hold the hidden month: shown, 2024-02 minus 2023-12 would give it away
    assert windows["2024-01"]["suppressed"] and windows["2024-01"]["value"] is None
    assert windows["2024-02"]["suppressed"] and windows["2024-02"]["numerator"] is None


def test_a_small_year_total_is_hidden_from_the_public_but_shown_to_members():
    series = _series([0] * 11 + [3])
    (public,) = rolling_windows(series, value_type="count", multiplier=1, public=True)
    (member,) = rolling_windows(series, value_type="count", multiplier=1, public=False)
    assert public["suppressed"] and public["value"] is None
    assert member["value"] == 3
