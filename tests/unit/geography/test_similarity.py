"""Nearest neighbours on weighted z-scores, checked against distances worked out by hand."""

import math

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.geography.similarity import nearest_neighbours, standardise


def test_neighbours_follow_hand_computed_weighted_z_score_distances():
    # Variable 1: 0, 1, 2, 3 → mean 1.5, sample sd √(5/3); variable 2: 10, 10, 20, 20 → sd √(100/3).
    table = {"A": [0, 10], "B": [1, 10], "C": [2, 20], "D": [3, 20]}
    sd1, sd2 = math.sqrt(5 / 3), math.sqrt(100 / 3)
    # Weight 4 on variable 2 doubles its z-score differences.
    expected_ab = math.hypot(1 / sd1, 0)
    expected_ac = math.hypot(2 / sd1, 2 * 10 / sd2)
    found = nearest_neighbours(list(table), table, weights=[1, 4], k=2)
    assert [n.code for n in found["A"]] == ["B", "C"]
    assert found["A"][0].distance == pytest.approx(expected_ab)
    assert found["A"][1].distance == pytest.approx(expected_ac)
    # With variable 2 weighted zero, only the first variable counts: D is 3 steps from A.
    flat = nearest_neighbours(list(table), table, weights=[1, 0], k=3)
    assert [n.code for n in flat["A"]] == ["B", "C", "D"]
    assert flat["A"][2].distance == pytest.approx(3 / sd1)


def test_ties_are_broken_by_code_whatever_the_input_order():
    table = {"M": [0.0], "Z": [1.0], "B": [-1.0], "Q": [5.0]}
    one = nearest_neighbours(["M", "Z", "B", "Q"], table, weights=[1], k=2, targets=["M"])
    two = nearest_neighbours(["Q", "B", "Z", "M"], table, weights=[1], k=2, targets=["M"])
    assert [n.code for n in one["M"]] == [n.code for n in two["M"]] == ["B", "Z"]


def test_standardise_gives_mean_zero_and_sample_sd_one():
    import numpy as np

    z = standardise(np.array([[1.0], [2.0], [3.0], [10.0]]))
    assert z.mean() == pytest.approx(0)
    assert z.std(ddof=1) == pytest.approx(1)


@pytest.mark.parametrize(
    ("table", "weights", "k", "message"),
    [
        ({"A": [1], "B": [1], "C": [1]}, [1], 1, "same value for every area"),
        ({"A": [1], "B": [2]}, [1], 2, "cannot give 2 neighbours"),
        ({"A": [1], "B": [2], "C": [3]}, [0], 1, "at least one above zero"),
        ({"A": [1], "B": [float("nan")], "C": [3]}, [1], 1, "every area needs a value"),
        ({"A": [1], "B": [2], "C": [3]}, [1], 0, "k must be at least 1"),
    ],
)
def test_unusable_input_is_refused_in_plain_words(table, weights, k, message):
    with pytest.raises(ValidationProblem, match=message):
        nearest_neighbours(list(table), table, weights=weights, k=k)
