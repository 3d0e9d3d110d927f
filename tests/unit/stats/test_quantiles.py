"""Quantiles as PHEindicatormethods' phe_quantile, and Fingertips' quintile bounds and colours."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferhub.core.errors import ValidationProblem
from saferhub.stats.quantiles import category_bounds, percentile, phe_quantiles, quintile_categories
from tests.unit.stats.fixtures import reference_csv, reference_json

# --- phe_quantile: every row of testdata_Quantiles.xlsx that tests/testthat/testQuantiles.R checks ----------

ROWS = [r for r in reference_csv("phe_quantiles.csv") if r["Test"].startswith("Good")]
# LoadTestdata.R: "RAG - Low is good" → invert TRUE, "RAG - High is good" → invert FALSE; some rows hold the logical
INVERT = {"RAG - Low is good": True, "RAG - High is good": False, "True": True, "False": False}


def _expected(rows):
    return [int(r["QuantileInGrp"]) if r["QuantileInGrp"] not in ("", "NA") else None for r in rows]


def test_deciles_within_region_for_each_indicator():
    # testQuantiles.R "test grouped df field": grouped by IndSexRef and ParentCode, invert from the polarity.
    rows = [r for r in ROWS if r["GroupSet"] == "IndSexReg"]
    groups = defaultdict(list)
    for r in rows:
        groups[(r["IndSexRef"], r["ParentCode"])].append(r)
    got, want = [], []
    for members in groups.values():
        invert = INVERT[members[0]["Polarity"]]
        result = phe_quantiles([m["Value"] for m in members], quantiles=10, invert=invert)
        got += list(result.quantile)
        want += _expected(members)
    assert got == want
    assert len(got) == 304 + 35  # every IndSexReg row, duplicate-value rows included


def test_septiles_by_indicator_with_one_call_for_all_groups():
    # "test ungrouped df field" with nquantiles 7 on df3, which keeps test_quantiles_g's grouping by IndSexRef;
    # its rows are one indicator, "RAG - High is good" (invert FALSE).
    rows = [r for r in ROWS if r["GroupSet"] == "IndSex"]
    assert {r["Polarity"] for r in rows} == {"RAG - High is good"}
    result = phe_quantiles([r["Value"] for r in rows], groups=[r["IndSexRef"] for r in rows], quantiles=7, invert=False)
    assert list(result.quantile) == _expected(rows)


def test_quartiles_of_an_ungrouped_table():
    # "test nquantiles" / "test ungrouped df logical nohighergeog": GroupSet None, nquantiles 4, invert TRUE.
    rows = [r for r in ROWS if r["GroupSet"] == "None"]
    result = phe_quantiles([r["Value"] for r in rows], quantiles=4)
    assert list(result.quantile) == _expected(rows)
    assert result.meaning == "quantile 1 holds the highest values"


def test_groups_with_fewer_areas_than_quantiles_get_none_and_are_named():
    result = phe_quantiles([5, 3, 1, 4, 2, 9], groups=["a", "a", "a", "a", "a", "b"], quantiles=5, invert=False)
    assert result.quantile == (5, 3, 1, 4, 2, None)
    assert result.too_small == ("b",)


def test_missing_values_get_no_quantile_and_do_not_count():
    result = phe_quantiles([1, None, 2, 3, 4, 5], quantiles=5, invert=False)
    assert result.quantile == (1, None, 2, 3, 4, 5)


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=10, max_size=200))
def test_quantiles_are_ordered_and_each_roughly_equal(values):
    result = phe_quantiles(values, quantiles=10, invert=False)
    pairs = sorted(zip(values, result.quantile, strict=True))
    assert all(q is not None and 1 <= q <= 10 for _, q in pairs)
    assert [q for _, q in pairs] == sorted(q for _, q in pairs)  # a higher value never gets a lower decile


def test_bad_quantile_counts_are_refused():
    with pytest.raises(ValidationProblem, match="at least 2"):
        phe_quantiles([1, 2, 3], quantiles=1)
    with pytest.raises(ValidationProblem, match="value 'x' in row 2 is not a number"):
        phe_quantiles([1, "x"], quantiles=2)


# --- Fingertips' percentiles, bounds and quintile colours ------------------------------------------------------

FT = reference_json("fingertips.json")


def test_quintile_and_quartile_bounds_match_fingertips():
    ref = FT["category_bounds"]
    values = list(range(1, 51))
    assert category_bounds(values, categories=5) == tuple(ref["quintiles_1_to_50"])
    assert category_bounds(values, categories=4) == tuple(ref["quartiles_1_to_50"])
    assert category_bounds([4, 5, 6]) == ()


@pytest.mark.parametrize("case", FT["category_bounds"]["percentiles"], ids=lambda c: f"{c['from']}-{c['to']}")
def test_percentiles_match_fingertips(case):
    values = np.arange(case["from"], case["to"] + 1, dtype=float)
    for key, fraction in (("p25", 0.25), ("p50", 0.5), ("p75", 0.75)):
        if key in case:
            assert percentile(values, fraction) == case[key]


@pytest.mark.parametrize(
    ("key", "polarity"),
    [
        ("default_polarity", "lower_is_better"),
        ("default_polarity", "no_judgement"),
        ("higher_is_better", "higher_is_better"),
        ("lower_is_better", "lower_is_better"),
    ],
)
def test_quintile_categories_match_fingertips(key, polarity):
    ref = FT["quintile_categories"]
    values = [float(v) for v in ref[key]]
    result = quintile_categories(values, polarity=polarity, comparators=ref["comparators"])
    assert list(result.category) == list(ref[key].values())


def test_fewer_than_five_areas_get_no_quintile():
    result = quintile_categories([1, 2, 3, 4], polarity="higher_is_better")
    assert result.category == (None, None, None, None)
    assert "fewer than 5" in result.meaning


def test_a_value_outside_the_comparators_is_refused():
    with pytest.raises(ValidationProblem, match="value 11 in row 1 lies outside the comparators' range 1 to 10"):
        quintile_categories([11], polarity="lower_is_better", comparators=list(range(1, 11)))


@given(st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=5, max_size=60))
def test_quintile_colours_reverse_with_polarity(values):
    low = quintile_categories(values, polarity="lower_is_better").category
    high = quintile_categories(values, polarity="higher_is_better").category
    assert all(a + b == 6 for a, b in zip(low, high, strict=True))
