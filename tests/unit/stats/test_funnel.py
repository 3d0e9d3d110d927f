"""Funnel plots: proportion and Poisson limits, significance, over-dispersion, against PHEindicatormethods,
FunnelPlotR and METHODS.md."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferhub.core.errors import ValidationProblem
from saferhub.stats import (
    funnel_proportions,
    funnel_rates,
    funnel_ratios,
    overdispersion,
    proportion_funnel_limits,
    rate_funnel_limits,
    ratio_funnel_limits,
)
from tests.unit.stats.fixtures import PHE_SIGNIFICANCE, reference_csv, reference_json


def test_methods_example_n500_p02():
    limits = proportion_funnel_limits([500], baseline=0.2)[0]
    assert (round(limits.lower_95, 5), round(limits.upper_95, 5)) == (0.16494, 0.23506)


def test_proportion_limits_match_pheindicatormethods_table():
    # Published to 6 decimals (percent); clipped at 0 and 100 as PHE does.
    for row in reference_csv("phe_funnel_prop_outputs.csv"):
        got = proportion_funnel_limits([float(row["Population"])], baseline=float(row["Baseline"]), multiplier=100)[0]
        assert got.lower_95 == pytest.approx(float(row["Lower2s0025limit"]), abs=1e-6), row["Population"]
        assert got.upper_95 == pytest.approx(float(row["Upper2s0025limit"]), abs=1e-6), row["Population"]
        assert got.lower_998 == pytest.approx(float(row["Lower3s0001limit"]), abs=1e-6), row["Population"]
        assert got.upper_998 == pytest.approx(float(row["Upper3s0001limit"]), abs=1e-6), row["Population"]


def test_proportion_limits_match_pheindicatormethods_axis_variation_table():
    # testFunnels.R "with axis variation": PHE's own axis points for a subset, to its 8 decimals.
    for row in reference_csv("phe_funnel_prop_outputs_with_axis_variation.csv"):
        got = proportion_funnel_limits([float(row["Population"])], baseline=float(row["Baseline"]), multiplier=100)[0]
        assert got.lower_95 == pytest.approx(float(row["Lower2s0025limit"]), abs=1e-6), row["Population"]
        assert got.upper_95 == pytest.approx(float(row["Upper2s0025limit"]), abs=1e-6), row["Population"]
        assert got.lower_998 == pytest.approx(float(row["Lower3s0001limit"]), abs=1e-6), row["Population"]
        assert got.upper_998 == pytest.approx(float(row["Upper3s0001limit"]), abs=1e-6), row["Population"]


def test_proportion_significance_matches_pheindicatormethods_for_every_area():
    rows = reference_csv("phe_funnel_prop_inputs.csv")
    result = funnel_proportions([r["numerator"] for r in rows], [r["denominator"] for r in rows], multiplier=100)
    assert round(result.baseline, 6) == 80.642448  # the baseline of phe_funnel_prop_outputs.csv
    assert [u.outcome for u in result.units] == [PHE_SIGNIFICANCE[r["significance"]] for r in rows]


def test_ratio_significance_matches_pheindicatormethods_for_every_area():
    rows = reference_csv("phe_funnel_ratio_inputs.csv")
    result = funnel_ratios([r["obs"] for r in rows], [r["expected"] for r in rows])
    assert [u.outcome for u in result.units] == [PHE_SIGNIFICANCE[r["significance"]] for r in rows]


@pytest.mark.parametrize(
    ("column", "keep_zero"), [("crude_per_100000_with_0", True), ("crude_per_100000_without_0", False)]
)
def test_crude_rate_significance_matches_pheindicatormethods(column, keep_zero):
    rows = [r for r in reference_csv("phe_funnel_rate_inputs.csv") if keep_zero or r["count"] != "0"]
    result = funnel_rates([r["count"] for r in rows], [r["pop"] for r in rows], multiplier=100_000)
    assert [u.outcome for u in result.units] == [PHE_SIGNIFICANCE[r[column]] for r in rows]


# PHEindicatormethods finds each expected count numerically to about 1e-7; inverting the funnel at those
# expected counts carries that error into the limits, so these compare to 1e-5 relative.
INVERSION_REL = 1e-5


@pytest.mark.parametrize(("tag", "low", "high"), [("2s", "lower_95", "upper_95"), ("3s", "lower_998", "upper_998")])
def test_ratio_funnel_limits_match_pheindicatormethods_table(tag, low, high):
    rows = reference_csv("phe_funnel_ratio_outputs.csv")
    on_lower = ratio_funnel_limits([float(r[f"lower_{tag}_exp_events"]) for r in rows], multiplier=100)
    on_upper = ratio_funnel_limits([float(r[f"upper_{tag}_exp_events"]) for r in rows], multiplier=100)
    for row, lo, hi in zip(rows, on_lower, on_upper, strict=True):
        assert getattr(lo, low) == pytest.approx(float(row[f"lower_{tag}_isr"]), rel=INVERSION_REL)
        assert getattr(hi, high) == pytest.approx(float(row[f"upper_{tag}_isr"]), rel=INVERSION_REL)


@pytest.mark.parametrize(
    "table", ["phe_funnel_rate_outputs.csv", "phe_funnel_rate_outputs_2.csv", "phe_funnel_rate_outputs_3.csv"]
)
@pytest.mark.parametrize(("tag", "low", "high"), [("2s", "lower_95", "upper_95"), ("3s", "lower_998", "upper_998")])
def test_rate_funnel_limits_match_pheindicatormethods_table(table, tag, low, high):
    # The DSR table, and the crude-rate tables with under 10 events and with a zero count (testFunnels.R).
    rows = reference_csv(table)
    baseline = float(rows[0]["baseline"])
    years = 3  # the table is for three years of data: the denominator is 3 × the one-year population
    on_lower = rate_funnel_limits([years * float(r[f"lower_{tag}_population_1_year"]) for r in rows], baseline=baseline)
    on_upper = rate_funnel_limits([years * float(r[f"upper_{tag}_population_1_year"]) for r in rows], baseline=baseline)
    for row, lo, hi in zip(rows, on_lower, on_upper, strict=True):
        assert getattr(lo, low) == pytest.approx(float(row[f"lower_{tag}_limit"]), rel=INVERSION_REL)
        assert getattr(hi, high) == pytest.approx(float(row[f"upper_{tag}_limit"]), rel=INVERSION_REL)


def test_spiegelhalter_limits_match_funnelplotr():
    ref = reference_json("funnelplotr.json")["poisson_limits"]
    got = ratio_funnel_limits(ref["expected"], method="spiegelhalter")
    assert [round(g.lower_95, 7) for g in got] == ref["ll95"]
    assert [round(g.upper_95, 6) for g in got] == ref["ul95"]
    assert [round(g.lower_998, 7) for g in got] == ref["ll99"]
    assert [round(g.upper_998, 6) for g in got] == ref["ul99"]


# --- Over-dispersion -------------------------------------------------------------------------------------


def test_overdispersion_is_reported_and_widens_the_limits_when_applied():
    rows = reference_csv("phe_funnel_prop_inputs.csv")
    x, n = [r["numerator"] for r in rows], [r["denominator"] for r in rows]
    plain = funnel_proportions(x, n, multiplier=100)
    adjusted = funnel_proportions(x, n, multiplier=100, overdispersion_adjust=True)
    assert plain.phi > 1 and plain.tau2 > 0  # PCT data: far more spread than binomial
    assert plain.overdispersion_applied is False
    assert adjusted.overdispersion_applied is True
    assert adjusted.phi == plain.phi and adjusted.tau2 == plain.tau2
    assert all(a.upper_998 > p.upper_998 for a, p in zip(adjusted.units, plain.units, strict=True))
    assert sum(u.outcome != "within" for u in adjusted.units) < sum(u.outcome != "within" for u in plain.units)


def test_tau2_formula_and_winsorisation():
    # τ² = max(0, (kφ − (k − 1)) / (Σw − Σw²/Σw)) with φ the mean square of the Winsorised z-scores.
    z = np.array([-3.0, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 40])
    w = np.arange(1.0, 11.0)
    phi, tau2 = overdispersion(z, w, winsorise=0.1)
    clipped = np.clip(z, np.quantile(z, 0.1), np.quantile(z, 0.9))
    assert phi == pytest.approx((clipped**2).mean())
    assert tau2 == pytest.approx((10 * phi - 9) / (w.sum() - (w**2).sum() / w.sum()))
    assert phi < (z**2).mean()  # the outlier at 40 is pulled in
    assert overdispersion(np.zeros(5), np.ones(5))[1] == 0.0


def test_no_overdispersion_keeps_the_exact_limits_and_says_so():
    result = funnel_ratios([10, 10, 10, 10], [10, 10.5, 9.5, 10], overdispersion_adjust=True)
    assert result.tau2 == 0
    assert result.overdispersion_applied is False
    assert any("τ² = 0" in note for note in result.notes)


# --- Bad input and properties ------------------------------------------------------------------------------


def test_bad_input_is_refused():
    with pytest.raises(ValidationProblem, match="numerator 30 is larger than denominator 20 in row 3"):
        funnel_proportions([65, 80, 30], [100, 100, 20])
    with pytest.raises(ValidationProblem, match="denominator 0 in row 3 must be greater than zero"):
        funnel_proportions([65, 80, 30], [100, 100, 0])
    with pytest.raises(ValidationProblem, match="observed -80 in row 2 is negative"):
        funnel_ratios([65, -80, 30], [100, 100, 20])
    with pytest.raises(ValidationProblem, match="funnel method"):
        funnel_ratios([1, 2], [1, 2], method="normal")
    with pytest.raises(ValidationProblem, match="winsorise"):
        overdispersion(np.zeros(3), np.ones(3), winsorise=0.6)


@given(st.floats(min_value=1e-3, max_value=1e6), st.floats(min_value=0.001, max_value=0.999))
def test_998_limits_lie_outside_95_limits(n, p0):
    got = proportion_funnel_limits([n], baseline=p0)[0]
    assert got.lower_998 <= got.lower_95 <= p0 <= got.upper_95 <= got.upper_998


@given(st.floats(min_value=0.01, max_value=1e5))
def test_poisson_limits_bracket_the_target(expected):
    for method in ("phe", "spiegelhalter"):
        got = ratio_funnel_limits([expected], method=method)[0]
        assert got.lower_998 <= got.lower_95 <= got.upper_95 <= got.upper_998
        assert got.lower_95 <= 1 + 1e-9


# --- FunnelPlotR's scales: SHMI log scale with truncation, arcsine for proportions -------------------------

FUNNELPLOTR = reference_json("funnelplotr.json")


def test_shmi_log_scale_phi_matches_funnelplotr():
    ref = FUNNELPLOTR["phi_example"]
    result = funnel_ratios(ref["observed"], ref["expected"], overdispersion_scale="log", overdispersion_adjust=True)
    assert round(result.phi, 6) == ref["phi_6dp"]
    assert result.overdispersion_scale == "log"
    assert result.overdispersion_units == 6  # with six areas, 10% truncation drops none
    assert result.overdispersion_applied is True
    assert "log scale, SHMI" in result.method
    # limits exp(±z·√(1/E + τ²)): the z-score an area gets is its log ratio over that spread
    unit = result.units[0]
    spread = np.sqrt(1 / 108 + result.tau2)
    assert unit.z_score == pytest.approx(np.log(100 / 108) / spread)
    assert unit.upper_95 == pytest.approx(np.exp(1.959964 * spread), rel=1e-6)
    assert unit.lower_998 == pytest.approx(np.exp(-3.090232 * spread), rel=1e-6)


def test_shmi_truncation_drops_the_extreme_ranks_and_lowers_k():
    # 20 areas, 10% at each end: ranks r with ⌊r·10/21⌋ of 0 or 9 go (r = 1, 2 and 19, 20).
    rng = np.random.default_rng(7)
    expected = rng.uniform(50, 500, 20)
    observed = np.round(expected * rng.uniform(0.7, 1.4, 20))
    result = funnel_ratios(observed, expected, overdispersion_scale="log")
    z = np.sqrt(expected) * np.log(observed / expected)
    kept = np.sort(z)[2:18]
    assert result.overdispersion_units == 16
    assert result.phi == pytest.approx((kept**2).mean())
    assert any("truncating" in n for n in result.notes)


def test_arcsine_scale_for_proportions():
    rows = reference_csv("phe_funnel_prop_inputs.csv")
    x = np.array([float(r["numerator"]) for r in rows])
    n = np.array([float(r["denominator"]) for r in rows])
    result = funnel_proportions(x, n, overdispersion_scale="arcsine", overdispersion_adjust=True)
    p0 = x.sum() / n.sum()
    z = (np.arcsin(np.sqrt(x / n)) - np.arcsin(np.sqrt(p0))) * 2 * np.sqrt(n)
    clipped = np.clip(z, *np.quantile(z, [0.1, 0.9]))
    assert result.phi == pytest.approx((clipped**2).mean())
    unit = result.units[0]
    theta, spread = np.arcsin(np.sqrt(p0)), 1.959964 * np.sqrt(1 / (4 * n[0]) + result.tau2)
    assert unit.lower_95 == pytest.approx(np.sin(theta - spread) ** 2, rel=1e-6)
    assert unit.upper_95 == pytest.approx(np.sin(theta + spread) ** 2, rel=1e-6)
    assert "arcsine" in result.method


def test_a_zero_count_has_no_log_ratio_and_is_left_out_of_phi_with_a_note():
    result = funnel_ratios([0, 10, 12, 9, 11, 30], [10, 10, 11, 9, 10, 12], overdispersion_scale="log")
    assert np.isfinite(result.phi)
    assert any("no events" in n for n in result.notes)


def test_unknown_scales_are_refused():
    with pytest.raises(ValidationProblem, match="for ratios must be 'sqrt' or 'log'"):
        funnel_ratios([1, 2], [1, 2], overdispersion_scale="arcsine")
    with pytest.raises(ValidationProblem, match="for proportions must be 'normal' or 'arcsine'"):
        funnel_proportions([1, 2], [10, 20], overdispersion_scale="log")


@given(st.lists(st.integers(min_value=1, max_value=5000), min_size=3, max_size=30), st.floats(0.05, 0.95))
def test_arcsine_limits_stay_between_0_and_1_and_998_is_wider(n, p0):
    for lim in proportion_funnel_limits(n, baseline=p0, scale="arcsine", tau2=0.01):
        assert 0 <= lim.lower_998 <= lim.lower_95 <= p0 <= lim.upper_95 <= lim.upper_998 <= 1
