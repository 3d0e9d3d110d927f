"""A small count pinned by the bounds through a chain of relations, not by a 1 beside it.

A reader knows every hidden figure is at least 1. With x0 = 5, x1 = 1, x2 = 1, x3 = 5 and the totals
x0 + x3 = 10, x2 + x3 = 6 and x0 + x1 = 6 shown, x2 ≥ 1 gives x3 ≤ 5 and x1 ≥ 1 gives x3 ≥ 5, so
x1 = x2 = 1, though neither shares a relation with the other. ``protect`` once ran the bound check
only where another hidden 1 shared a relation with the count, and published this (found by the
random families below, seed 1272; the code before 7 December 2026 did the same). The oracle is the
audit's own linear programme (``tests/disclosure_audit.feasible_width``)."""

from __future__ import annotations

import random

import pytest

from saferhub.core import disclosure
from tests.disclosure_audit import feasible_width


def _family(seed: int):
    """Figures of 1 to 9 and a few totals of two or three of them (the shape that found the fault)."""
    rng = random.Random(seed)
    n = rng.randint(4, 9)
    base = {("x", i): rng.choice([1, 1, 1, 2, 5, 9]) for i in range(n)}
    values: dict = dict(base)
    relations = []
    for t in range(rng.randint(2, 6)):
        parts = rng.sample(range(n), rng.randint(2, 3))
        values[("t", t)] = sum(base[("x", i)] for i in parts)
        relations.append([(("t", t), 1), *((("x", i), -1) for i in parts)])
    return values, relations


def _narrowed(values, relations, decision) -> list:
    small = {k for k, v in values.items() if disclosure.is_small(v)} - decision.exposed
    return [k for k in sorted(small) if feasible_width(relations, values, decision.hidden, k) < 0.5 - 1e-9]


def test_a_count_pinned_through_a_chain_is_protected():
    values, relations = _family(1272)
    assert values[("x", 1)] == values[("x", 2)] == 1 and values[("x", 3)] == 5  # the case above
    decision = disclosure.protect(values, relations)
    assert not _narrowed(values, relations, decision)


@pytest.mark.parametrize("first", range(1000, 1500, 100))
def test_no_small_count_of_a_random_family_is_narrowed_by_the_bounds(first):
    for seed in range(first, first + 100):
        values, relations = _family(seed)
        decision = disclosure.protect(values, relations)
        assert not _narrowed(values, relations, decision), seed
