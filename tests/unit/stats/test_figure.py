"""Numbers in sentences a reader sees are never in scientific notation."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from saferhub.stats.results import figure


def test_large_pooled_denominator_reads_in_full() -> None:
    assert figure(1896590.0) == "1,896,590"


def test_small_and_fractional_values_keep_their_significant_figures() -> None:
    assert figure(0.000123) == "0.000123"
    assert figure(11.4567, 4) == "11.46"
    assert figure(-2.5) == "-2.5"
    assert figure(0) == "0"
    assert figure(None) == "–"


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_never_scientific_and_close_to_the_value(value: float) -> None:
    text = figure(value)
    assert "e" not in text.lower()
    back = float(text.replace(",", ""))
    assert math.isclose(back, value, rel_tol=1e-5, abs_tol=1e-9) or abs(value) < 1e-9
