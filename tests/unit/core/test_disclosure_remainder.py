"""A total that holds more than its parts (police.uk counts a force's crimes with no place in the
force's figure and in no district's) must not switch off the bound check: two hidden 1s beside a
shown 5 under a shown district total of 7 are given away, whatever the force's figures say."""

from __future__ import annotations

from saferhub.core import disclosure
from saferhub.core.bounds import Programmes
from tests.disclosure_audit import feasible_width

# District D (7) is a (1) + b (1) + e (5); district E (7) is c (1) + h (6). The force's figure F is 8:
# a and c, and 6 crimes with no place. So F − a − c is 6, not 0; the districts' relations hold.
VALUES = {"D": 7, "a": 1, "b": 1, "e": 5, "E": 7, "c": 1, "h": 6, "F": 8}
DISTRICTS = [[("D", 1), ("a", -1), ("b", -1), ("e", -1)], [("E", 1), ("c", -1), ("h", -1)]]
RELATIONS = [*DISTRICTS, [("F", 1), ("a", -1), ("c", -1)]]


def test_a_block_holding_a_remainder_is_still_bounded():
    hidden = frozenset({"a", "b", "c", "h"})
    # The audit over the districts' relations (which hold): a can only be 1.
    assert feasible_width(DISTRICTS, VALUES, hidden, "a") == 0
    programme = Programmes(RELATIONS, VALUES).of(hidden, [0, 1, 2])
    assert programme.interval("a") == (1.0, 1.0)
    assert programme.pinned("a")
    assert programme.point() is not None  # with its remainder, the true figures are a solution


def test_protect_hides_more_so_the_district_total_gives_no_small_count_away():
    decision = disclosure.protect(VALUES, RELATIONS)
    assert {"a", "b", "c"} == decision.primary
    unknown = set(decision.hidden)
    # What binds a reader who does not know the remainder: the districts' relations, which hold.
    for key in ("a", "b", "c"):
        assert feasible_width(DISTRICTS, VALUES, unknown, key) > 0.5, (key, sorted(unknown))
