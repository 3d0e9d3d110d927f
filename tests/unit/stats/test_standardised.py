"""Directly and indirectly standardised rates and ratios, against PHEindicatormethods' DSR/ISR workbook."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferhub.core.errors import ValidationProblem
from saferhub.stats import dsr, indirectly_standardised_rates, indirectly_standardised_ratios
from tests.unit.stats.fixtures import optional_float, reference_csv

# The 2013 European Standard Population in PHE's 19 bands: ukhsa-collaboration/PHEindicatormethods
# data-raw/LoadTestdata.R @ bde3f676b8378ab8ca14a7a015ee963f2c72e900 (the `esp2013` vector its tests use).
ESP2013 = [
    5000,
    5500,
    5500,
    5500,
    6000,
    6000,
    6500,
    7000,
    7000,
    7000,
    7000,
    6500,
    6000,
    5500,
    5000,
    4000,
    2500,
    1500,
    1000,
]


def _areas(name, count="count", pop="pop"):
    table = defaultdict(lambda: ([], []))
    for row in reference_csv(name):
        table[row["area"]][0].append(row[count] or None)  # an empty cell is a missing count
        table[row["area"]][1].append(row[pop] or None)
    return dict(table)


AREAS = _areas("phe_dsr_inputs.csv")
NAMES = list(AREAS)
DSR_RESULTS = reference_csv("phe_dsr_results.csv")


def _check(estimate, row, tag="95_0"):
    for ours, theirs in (
        (estimate.value, row["value"]),
        (estimate.lower, row[f"lower{tag}cl"]),
        (estimate.upper, row[f"upper{tag}cl"]),
    ):
        expected = optional_float(theirs)
        assert ours is None if expected is None else ours == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(("multiplier", "first"), [(10_000, 0), (100_000, 4)])
def test_dsr_matches_phe_at_95_and_998_including_the_missing_count_and_the_small_area(multiplier, first):
    # testdata_tiny has a missing count (PHE takes it as zero) and 9 events in all (PHE gives NA).
    for level, tag in ((0.95, "95_0"), (0.998, "99_8")):
        results = dsr(
            [AREAS[a][0] for a in NAMES], [AREAS[a][1] for a in NAMES], ESP2013, confidence=level, multiplier=multiplier
        )
        for estimate, row in zip(results, DSR_RESULTS[first : first + 3], strict=True):
            assert estimate.numerator == float(row["total_count"])
            assert estimate.denominator == float(row["total_pop"])
            _check(estimate, row, tag)
    tiny = results[NAMES.index("testdata_tiny")]
    assert "fewer than 10" in tiny.note


def test_dsr_with_the_1976_standard_population_matches_phe():
    rows = reference_csv("phe_dsr_1976.csv")
    rows = [r for r in rows if r["count"]]
    (estimate,) = dsr([r["count"] for r in rows], [r["pop"] for r in rows], [r["esp1976"] for r in rows])
    # PHE's workbook row for this test holds the 95% figures (its 99.8% cells are not used by its test)
    _check(estimate, DSR_RESULTS[7])


ISR_RESULTS = reference_csv("phe_isr_results.csv")
REF = reference_csv("phe_isr_refdata.csv")
REF_X = [r["refcount"] for r in REF if r["Age Band"]]
REF_N = [r["refpop"] for r in REF if r["Age Band"]]


@pytest.mark.parametrize(
    ("kind", "scale", "first"), [("rate", 100_000, 0), ("rate", 1000, 3), ("ratio", 1, 6), ("ratio", 100, 9)]
)
def test_isr_matches_phe(kind, scale, first):
    for level, tag in ((0.95, "95_0"), (0.998, "99_8")):
        pops, counts = [AREAS[a][1] for a in NAMES], [AREAS[a][0] for a in NAMES]
        if kind == "rate":
            results = indirectly_standardised_rates(
                pops, REF_X, REF_N, counts=counts, multiplier=scale, confidence=level
            )
        else:
            results = indirectly_standardised_ratios(
                pops, REF_X, REF_N, counts=counts, reference_value=scale, confidence=level
            )
        for estimate, row in zip(results, ISR_RESULTS[first : first + 3], strict=True):
            assert estimate.numerator == float(row["observed"])
            assert estimate.denominator == pytest.approx(float(row["expected"]), rel=1e-9)
            _check(estimate, row, tag)
            assert ("exact Poisson" if row["method"] == "Exact" else "Byar") in estimate.method


def test_isr_from_observed_totals_equals_isr_from_counts():
    pops = [AREAS[a][1] for a in NAMES]
    by_band = indirectly_standardised_ratios(pops, REF_X, REF_N, counts=[AREAS[a][0] for a in NAMES])
    totals = indirectly_standardised_ratios(pops, REF_X, REF_N, observed_totals=[895, 91, 9])
    assert [e.value for e in totals] == pytest.approx([e.value for e in by_band])


def test_isr_with_a_zero_population_band_matches_phe():
    areas = _areas("phe_isr_zero_population.csv")
    pops, counts = [v[1] for v in areas.values()], [v[0] for v in areas.values()]
    rates = indirectly_standardised_rates(pops, REF_X, REF_N, counts=counts)
    ratios = indirectly_standardised_ratios(pops, REF_X, REF_N, counts=counts, reference_value=100)
    for estimate, row in zip([*rates, *ratios], ISR_RESULTS[12:16], strict=True):
        assert estimate.denominator == pytest.approx(float(row["expected"]), rel=1e-9)
        _check(estimate, row)


# --- Bad input and properties ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"counts": [[10, 20]], "populations": [[100, 200]], "standard_population": [1, 2, 3]},
            "standard population has 3",
        ),
        (
            {"counts": [[10, -1]], "populations": [[100, 200]], "standard_population": [1, 2]},
            "counts for area 1 -1 in row 2 is negative",
        ),
        (
            {"counts": [[10, 20]], "populations": [[100, 0]], "standard_population": [1, 2]},
            "population for area 1, band 2",
        ),
        (
            {"counts": [[10, 20]], "populations": [[100, None]], "standard_population": [1, 2]},
            "populations for area 1 is missing",
        ),
        ({"counts": [[10, 20]], "populations": [[100, 200]], "standard_population": [0, 0]}, "all zeros"),
    ],
)
def test_dsr_bad_input_names_the_area_and_band(kwargs, message):
    with pytest.raises(ValidationProblem, match=message):
        dsr(**kwargs)


def test_isr_refuses_areas_with_no_expected_events():
    with pytest.raises(ValidationProblem, match="expected count for area 1 is zero"):
        indirectly_standardised_ratios([[0, 0]], [5, 5], [100, 100], counts=[[1, 1]])


bands = st.lists(st.integers(min_value=1, max_value=10_000), min_size=3, max_size=3)


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=3, max_size=3), bands, bands)
def test_dsr_limits_bracket_the_value_and_scale_with_the_multiplier(x, n, w):
    per_100k = dsr(x, n, w)[0]
    per_1k = dsr(x, n, w, multiplier=1000)[0]
    if per_100k.value is None:
        assert sum(x) < 10 and per_1k.value is None
        return
    assert per_100k.lower <= per_100k.value <= per_100k.upper
    assert per_100k.value == pytest.approx(per_1k.value * 100)


@given(st.lists(st.integers(min_value=10, max_value=10_000), min_size=3, max_size=3))
def test_isr_ratio_of_the_reference_population_itself_is_one(ref_n):
    # An area whose band rates equal the reference's has O = E: ratio 1, whatever the populations.
    ref_x = [n // 10 for n in ref_n]
    ratio = indirectly_standardised_ratios([ref_n], ref_x, ref_n, observed_totals=[sum(ref_x)])[0]
    assert ratio.value == pytest.approx(1.0)
    assert ratio.lower <= 1.0 <= ratio.upper
