"""How one series becomes a summary: completeness, gaps, SPC, benchmarks, trend, forecast and status.

Every expected figure here comes from the series built in the test or from METHODS.md, never from
running the code under test."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from saferhub.core.codes import parse_period
from saferhub.performance import compute


def month_points(values, first=(2022, 1), kind="month"):
    year, month = first
    out = []
    for v in values:
        p = parse_period(f"{year:04d}-{month:02d}")
        out.append(
            compute.Point(
                period=p.label,
                kind="month",
                start=p.start,
                end=p.end,
                value=v,
                lower_95=None if v is None else v - 1,
                upper_95=None if v is None else v + 1,
                lower_998=None if v is None else v - 2,
                upper_998=None if v is None else v + 2,
            )
        )
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def year_points(values, lower, upper, first=2015):
    out = []
    for i, (v, lo, hi) in enumerate(zip(values, lower, upper, strict=True)):
        p = parse_period(str(first + i))
        out.append(
            compute.Point(period=p.label, kind="year", start=p.start, end=p.end, value=v, lower_95=lo, upper_95=hi)
        )
    return out


def test_a_missing_month_is_listed_as_missing_not_zero():
    points = month_points([10, 11, 12])
    del points[1]
    result = compute.completeness(points)
    assert result == {
        "expected": 3,
        "present": 2,
        "missing": ["2022-02"],
        "share": pytest.approx(2 / 3),
        "kind": "month",
    }


def test_a_gap_of_more_than_a_year_starts_a_new_stretch():
    # police.uk months shared for tests: 2018-10 … 2019-02, then 2024-01 … 2024-04.
    labels = ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02", "2024-01", "2024-02", "2024-03", "2024-04"]
    points = [
        compute.Point(period=lb, kind="month", start=parse_period(lb).start, end=parse_period(lb).end, value=1.0)
        for lb in labels
    ]
    assert compute.segments(points) == [5]
    assert [p.period for p in compute.forecast_base(points)] == labels[5:]


def test_spc_rebases_after_a_long_gap_and_says_which_rule_fired():
    labels = ["2018-10", "2018-11", "2018-12", "2019-01", "2019-02", "2024-01", "2024-02", "2024-03", "2024-04"]
    values = [40, 42, 41, 43, 40, 10, 11, 10, 12]  # a recording break between the stretches
    points = [
        compute.Point(period=lb, kind="month", start=parse_period(lb).start, end=parse_period(lb).end, value=v)
        for lb, v in zip(labels, values, strict=True)
    ]
    spc = compute.spc_summary(points, polarity="lower_is_better", target=None)
    assert spc["rebased_at"] == ["2024-01"]
    assert spc["segment_start"] == "2024-01" and spc["segment_points"] == 4
    assert spc["trial_limits"] is True
    # The second stretch's own mean: (10 + 11 + 10 + 12) / 4.
    assert spc["mean"] == pytest.approx(43 / 4)


def test_a_point_outside_the_limits_is_named_as_the_rule():
    values = [10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 30]
    spc = compute.spc_summary(month_points(values), polarity="lower_is_better", target=None)
    assert spc["variation"] == "concern_high"
    assert "a point outside the process limits" in spc["rules_fired"]


def test_annual_series_get_spc_with_enough_years_and_say_why_not_without():
    points = year_points(
        [30.6, 30.2, 28, 24.6, 24.67], [28.98, 28.63, 26.44, 23.15, 23.16], [32.25, 31.9, 29.64, 26.19, 26.25]
    )
    spc = compute.spc_summary(points, polarity="lower_is_better", target=None)
    assert spc["applicable"] and spc["trial_limits"] is True  # five years: limits, marked as trial
    # XmR by hand: mean of the five values; limits at mean ± 2.66 × the mean moving range.
    values = [30.6, 30.2, 28, 24.6, 24.67]
    mean = sum(values) / 5
    mr = sum(abs(b - a) for a, b in itertools.pairwise(values)) / 4
    assert spc["mean"] == pytest.approx(mean)
    assert spc["upper_limit"] == pytest.approx(mean + 2.66 * mr, rel=1e-3)
    short = compute.spc_summary(points[:4], polarity="lower_is_better", target=None)
    assert short["applicable"] is False and "at least 5 years" in short["reason"]


def test_annual_trend_uses_the_fingertips_recent_trend():
    # METHODS.md: 30.6, 30.2, 28, 24.6, 24.67 with these 95% limits → decreasing (X² 46.76).
    points = year_points(
        [30.6, 30.2, 28, 24.6, 24.67], [28.98, 28.63, 26.44, 23.15, 23.16], [32.25, 31.9, 29.64, 26.19, 26.25]
    )
    trend = compute.trend_summary(points, polarity="lower_is_better", value_type="rate_per_1000", spc=None)
    assert trend["outcome"] == "decreasing"
    assert trend["assessment"] == "getting_better"
    assert trend["statistic"] == pytest.approx(46.76, abs=0.01)


def test_polarity_follows_its_changes_over_time():
    changes = [(dt.date(2016, 4, 1), "lower_is_better")]
    assert compute.polarity_at("higher_is_better", changes, dt.date(2015, 1, 1)) == "higher_is_better"
    assert compute.polarity_at("higher_is_better", changes, dt.date(2017, 1, 1)) == "lower_is_better"


def test_a_comparator_group_is_pooled_from_numerators_and_denominators():
    rows = [
        compute.Point(
            period="2024-01",
            kind="month",
            start=dt.date(2024, 1, 1),
            end=dt.date(2024, 1, 31),
            value=v,
            numerator=n,
            denominator=d,
        )
        for v, n, d in ((5.0, 50, 10_000), (2.0, 40, 20_000))
    ]
    value, note = compute.pooled(rows, multiplier=1000)
    assert value == pytest.approx(90 / 30_000 * 1000)
    assert "pooled" in note


def test_comparison_names_the_benchmark_and_gives_the_reason():
    latest = month_points([10])[0]  # interval 9 to 11
    out = compute.compare(
        latest,
        [
            compute.Benchmark("area:E10000012", "Essex", "county", 12.0),
            compute.Benchmark("area:E92000001", "England", "country", None),
        ],
        polarity="lower_is_better",
    )
    assert out[0]["name"] == "Essex" and out[0]["outcome_95"] == "better"
    assert "below the benchmark 12" in out[0]["reason_95"]
    assert out[1]["outcome_95"] == "not_compared" and out[1]["reason_95"] == "no benchmark value"


def _target(value, due, kind="value", direction=""):
    return compute.TargetInfo(
        id=1,
        wording="an ambition",
        kind=kind,
        horizon="1y",
        value=value,
        direction=direction,
        target_date=due,
        period_label="",
    )


def test_a_falling_series_is_on_track_for_a_lower_ambition_it_will_pass():
    points = month_points([100 - i for i in range(12)])  # 100 down to 89, one a month
    forecast, status = compute.forecast_and_status(
        points, targets=[_target(95, dt.date(2023, 6, 30))], polarity="lower_is_better", parse=parse_period
    )
    assert forecast is not None and forecast["points"][0]["period"] == "2023-01"
    assert status["status"] == "on_track"


def test_a_rising_series_is_off_track_for_an_ambition_far_below_it():
    points = month_points([50 + i + (i % 2) * 0.5 for i in range(12)])
    _, status = compute.forecast_and_status(
        points, targets=[_target(10, dt.date(2023, 6, 30))], polarity="lower_is_better", parse=parse_period
    )
    assert status["status"] == "off_track"
    assert "misses the ambition" in status["reason"]


def test_an_ambition_inside_the_prediction_interval_is_at_risk():
    values = [50, 58, 45, 60, 48, 55, 44, 61, 50, 57, 46, 59]  # noisy, no trend to speak of
    forecast, _ = compute.forecast_and_status(
        month_points(values), targets=[], polarity="lower_is_better", parse=parse_period
    )
    point = forecast["points"][5]
    ambition = point["value"] - (point["value"] - point["lower"]) / 2  # below the forecast, inside its interval
    _, status = compute.forecast_and_status(
        month_points(values),
        targets=[_target(ambition, dt.date(2023, 6, 30))],
        polarity="lower_is_better",
        parse=parse_period,
    )
    assert status["status"] == "at_risk"


def test_no_ambition_means_no_target_and_a_direction_is_judged_from_the_latest_value():
    points = month_points([100 - i for i in range(12)])
    _, none = compute.forecast_and_status(points, targets=[], polarity="lower_is_better", parse=parse_period)
    assert none["status"] == "no_target"
    _, reduce = compute.forecast_and_status(
        points,
        targets=[_target(None, dt.date(2023, 12, 31), "direction", "reduce")],
        polarity="lower_is_better",
        parse=parse_period,
    )
    assert reduce["status"] == "on_track" and reduce["reason"].startswith("to reduce from the latest value 89")


def test_a_passed_ambition_is_judged_on_the_latest_value():
    points = month_points([100 - i for i in range(12)])
    _, status = compute.forecast_and_status(
        points, targets=[_target(80, dt.date(2022, 6, 30))], polarity="lower_is_better", parse=parse_period
    )
    assert status["status"] == "off_track" and "date has passed" in status["reason"]


def test_funnel_for_districts_uses_their_counts_and_populations():
    units = [
        (
            f"E0700006{i}",
            f"District {i}",
            compute.Point(
                period="2024-01",
                kind="month",
                start=dt.date(2024, 1, 1),
                end=dt.date(2024, 1, 31),
                value=n / d * 1000,
                numerator=n,
                denominator=d,
            ),
        )
        for i, (n, d) in enumerate(((500, 80_000), (700, 100_000), (400, 90_000), (900, 120_000)))
    ]
    funnel = compute.funnel(units, value_type="rate_per_1000", multiplier=1000)
    assert funnel["baseline"] == pytest.approx(2500 / 390_000 * 1000)
    assert [u["code"] for u in funnel["units"]] == [u[0] for u in units]
    assert len(funnel["curve"]) == 41


def test_counts_are_not_compared_between_areas():
    latest = month_points([818])[0]
    out = compute.compare(
        latest,
        [compute.Benchmark("area:E10000012", "Essex", "county", 9279.0)],
        polarity="lower_is_better",
        value_type="count",
    )
    assert out[0]["outcome_95"] == "not_compared" and "compare the rate" in out[0]["reason_95"]


def test_a_forecast_interval_never_goes_below_zero_for_a_rate():
    from saferhub.core.codes import parse_period
    from saferhub.performance.compute import Point, forecast_and_status

    months = ["2024-01", "2024-02", "2024-03", "2024-04"]
    values = [6.1, 5.8, 6.3, 5.6]
    points = [
        Point(period=m, kind="month", start=parse_period(m).start, end=parse_period(m).end, value=v)
        for m, v in zip(months, values, strict=True)
    ]
    forecast, _ = forecast_and_status(
        points, targets=[], polarity="lower_is_better", parse=parse_period, value_type="rate_per_1000"
    )
    assert forecast is not None
    assert forecast["method"].startswith("log-linear trend")  # a rate is forecast on the log scale
    assert min(p["lower"] for p in forecast["points"]) >= 0.0  # so its interval never dips below zero
    assert all(p["lower"] <= p["value"] <= p["upper"] for p in forecast["points"])
