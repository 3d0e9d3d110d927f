"""``core.bounds``: a block's programme sliced from one matrix of every relation gives the same interval
as the audit's own linear programme (``tests/disclosure_audit.feasible_width``, built figure by figure
without ``saferhub``), says "pinned" exactly when that width is short (with one programme when it can),
and its point meets every equation and bound, whether one HiGHS model is kept for the block and solved
again from its last basis, or each programme is solved from nothing."""

from __future__ import annotations

import random

import numpy as np
import pytest

from saferhub.core import bounds, determination
from saferhub.core.bounds import Programmes
from tests.disclosure_audit import feasible_width
from tests.unit.core.test_disclosure_national import _by_key, national_family


@pytest.mark.parametrize("kept", [True, False], ids=["one HiGHS model kept", "linprog each time"])
def test_a_sliced_programme_narrows_a_figure_as_the_audit_does(kept, monkeypatch, capfd):
    if not kept:  # as with a SciPy without its HiGHS binding: each programme solved from nothing
        monkeypatch.setattr(bounds, "highs", None)
    else:
        assert bounds.highs is not None  # the binding this SciPy ships is the one used
    values, relations, _ = national_family(17)
    rng = random.Random(17)
    blocks = determination.Blocks(relations, _by_key(relations))
    programmes = Programmes(relations, values)
    keys = sorted((k for k, v in values.items() if v), key=repr)
    narrow = wide = 0
    for _ in range(40):
        # Small figures of some relations, and a few others: blocks some pinned, some wide.
        chosen = rng.sample(relations, rng.randint(3, 30))
        hidden = {k for relation in chosen for k, _ in relation if values[k] and values[k] <= 3}
        hidden = hidden if rng.random() < 0.5 else set(rng.sample(keys, rng.randint(60, min(200, len(keys)))))
        key = rng.choice(sorted(hidden, key=repr))
        cells, rels = blocks.block(hidden, key)
        programme = programmes.of(cells, rels)
        lo, hi = programme.interval(key)
        # The audit's programme over every relation (figures outside the block are free of it).
        width = feasible_width(relations, values, hidden, key)
        assert np.isclose(hi - lo, width)
        assert programme.pinned(key) == (width < 0.5)  # one programme or two, the same answer
        if width < float("inf"):
            assert programme.pinned(key, width=width + 0.25)
        assert not programme.pinned(key, width=max(width - 0.25, 0))
        assert lo <= values[key] <= hi
        narrow += hi - lo < 0.5
        wide += hi - lo >= 0.5
        point = programme.point()
        assert point is not None and set(point) == set(cells)
        for i in rels:  # every relation holds with the point in place of the hidden figures
            assert abs(sum(c * point.get(k, values[k]) for k, c in relations[i])) < 1e-6
        assert all(point[k] >= 1 - 1e-9 for k in cells)
    assert narrow and wide  # both outcomes exercised
    # Nothing on standard output or error (the command line's output is read by machines).
    assert capfd.readouterr() == ("", "")


def test_a_figure_in_no_relation_is_only_bounded_below():
    programmes = Programmes([[("total", 1), ("a", -1)]], {"total": 3, "a": 3, "b": 2})
    programme = programmes.of(["total"], [])
    assert programme.interval("total") == (1.0, float("inf"))
    assert programme.point() is None
    assert not programme.pinned("total")
