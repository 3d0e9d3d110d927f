"""Mean with a Student's t interval, against PHEindicatormethods' phe_mean workbook."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferhub.core.errors import ValidationProblem
from saferhub.stats import means
from tests.unit.stats.fixtures import reference_csv

INPUTS = [r for r in reference_csv("phe_mean_inputs.csv") if r["values"]]
RESULTS = {r["area"]: r for r in reference_csv("phe_mean_results.csv")}


def _check(estimate, row):
    assert estimate.value_sum == pytest.approx(float(row["value_sum"]), rel=1e-9)
    assert estimate.value_count == int(row["value_count"])
    assert estimate.standard_deviation == pytest.approx(float(row["stdev"]), rel=1e-9)
    assert estimate.value == pytest.approx(float(row["value"]), rel=1e-9)
    assert estimate.method == row["method"]


@pytest.mark.parametrize(("level", "tag"), [(0.95, "95_0"), (99.8, "99_8")])
def test_grouped_and_ungrouped_means_match_phe(level, tag):
    grouped = means([r["values"] for r in INPUTS], groups=[r["area"] for r in INPUTS], confidence=level)
    (overall,) = means([r["values"] for r in INPUTS], confidence=level)
    for estimate, row in [*((e, RESULTS[e.group]) for e in grouped), (overall, RESULTS["No grouping"])]:
        _check(estimate, row)
        assert estimate.lower == pytest.approx(float(row[f"lower{tag}cl"]), rel=1e-6)
        assert estimate.upper == pytest.approx(float(row[f"upper{tag}cl"]), rel=1e-6)
    assert [e.group for e in grouped] == ["Area1", "Area2"]


def test_one_value_has_a_mean_but_no_interval():
    (estimate,) = means([4.5])
    assert estimate.value == 4.5
    assert estimate.lower is None and estimate.upper is None
    assert "one value" in estimate.note


def test_a_missing_value_is_refused_with_its_row():
    with pytest.raises(ValidationProblem, match="value is missing in row 3"):
        means([1, 2, None], first_row=1)


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=2, max_size=40))
def test_the_interval_brackets_the_mean_and_998_is_wider(values):
    (at95,) = means(values)
    (at998,) = means(values, confidence=0.998)
    assert at95.lower <= at95.value + 1e-9 and at95.value <= at95.upper + 1e-9
    assert at998.lower <= at95.lower + 1e-9 and at998.upper >= at95.upper - 1e-9
