"""``core.disclosure.protect`` as it was before the national-scale speed-up (commit 16edd99, rational
elimination over every relation at each step, a linear programme over each whole block): kept
verbatim as the reference the faster code must decide exactly like (tests/unit/core/
test_disclosure_national.py). Not used by the hub."""

# ruff: noqa
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence, Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from scipy.optimize import linprog

from saferhub.core.disclosure import Decision, Insider, is_small

Key = Hashable
Relation = Sequence[tuple[Key, int]]


def determined(relations: Iterable[Relation], unknown: Iterable[Key]) -> set[Key]:
    """The ``unknown`` figures that the relations fix exactly once every other figure is known: those
    whose unit vector lies in the row space of the relations restricted to the unknown figures
    (reduced row echelon form in exact rational arithmetic: a pivot row with nothing beside its
    pivot is that unit vector)."""
    unknown = set(unknown)
    pivots: dict[Key, dict[Key, Fraction]] = {}
    for relation in relations:
        row: dict[Key, Fraction] = {}
        for key, coef in relation:
            if key in unknown and coef:
                row[key] = row.get(key, Fraction(0)) + coef
        row = {k: v for k, v in row.items() if v}
        while row:
            shared = next((k for k in row if k in pivots), None)
            if shared is None:
                break
            factor = row[shared]
            for k, v in pivots[shared].items():
                row[k] = row.get(k, Fraction(0)) - factor * v
            row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        pivot = min(row, key=repr)
        scale = row[pivot]
        row = {k: v / scale for k, v in row.items()}
        for other in pivots.values():
            if pivot in other:
                factor = other[pivot]
                for k, v in row.items():
                    other[k] = other.get(k, Fraction(0)) - factor * v
                for k in [k for k, v in other.items() if not v]:
                    del other[k]
        pivots[pivot] = row
    return {k for k, row in pivots.items() if len(row) == 1}


def interval(
    relations: Sequence[Relation], values: Mapping[Key, float | None], unknown: set[Key], key: Key
) -> tuple[float, float]:
    """The range a reader can narrow the unknown figure ``key`` to, knowing every other figure, the
    relations, and that every hidden figure is at least 1 (zeros are shown; a missing figure is at
    least 0). Solved as two linear programmes (HiGHS)."""
    order = sorted(unknown, key=repr)
    index = {k: i for i, k in enumerate(order)}
    rows, rhs = [], []
    for relation in relations:
        coefs = [0.0] * len(order)
        constant = 0.0
        touched = False
        for k, c in relation:
            if k in index:
                coefs[index[k]] += c
                touched = True
            else:
                constant -= c * float(values.get(k) or 0)
        if touched:
            rows.append(coefs)
            rhs.append(constant)
    bounds = [(0.0 if values.get(k) is None else 1.0, None) for k in order]
    target = [0.0] * len(order)
    target[index[key]] = 1.0
    if not rows:
        return bounds[index[key]][0], float("inf")
    low = linprog(target, A_eq=rows, b_eq=rhs, bounds=bounds, method="highs")
    high = linprog([-t for t in target], A_eq=rows, b_eq=rhs, bounds=bounds, method="highs")
    lo = low.fun if low.status == 0 else float("-inf")
    hi = -high.fun if high.status == 0 else float("inf")
    return float(lo), float(hi)


@dataclass
class _State:
    relations: list[Relation]
    values: Mapping[Key, float | None]
    primary: set[Key]
    hidden: set[Key]
    missing: set[Key]
    by_key: dict[Key, list[int]] = field(default_factory=dict)


def _pinned(state: _State, unknown: set[Key], small: Iterable[Key]) -> set[Key]:
    """Small counts that the bounds (each hidden figure at least 1) pin to one value. Only worth a
    linear programme where another unknown figure of 1 shares a relation: otherwise every hidden
    figure can move."""
    ones = {k for k in unknown if state.values.get(k) == 1}
    out = set()
    for k in small:
        near = {j for i in state.by_key.get(k, []) for j, _ in state.relations[i]} & ones
        if not (near - {k}):
            continue
        relevant = [state.relations[i] for i in _component(state, unknown, k)]
        lo, hi = interval(relevant, state.values, unknown, k)
        if hi - lo < 0.5:
            out.add(k)
    return out


def _component(state: _State, unknown: set[Key], start: Key) -> list[int]:
    """The relations linked to ``start`` through unknown figures."""
    seen_rel: set[int] = set()
    stack, seen = [start], {start}
    while stack:
        k = stack.pop()
        for i in state.by_key.get(k, []):
            if i in seen_rel:
                continue
            seen_rel.add(i)
            for j, _ in state.relations[i]:
                if j in unknown and j not in seen:
                    seen.add(j)
                    stack.append(j)
    return sorted(seen_rel)


def _candidates(state: _State, key: Key, known: frozenset[Key], *, slack: bool) -> list[Key]:
    """Shown positive figures that could be hidden to protect ``key``, smallest first: those in a
    relation with it, else one or two relations further on through hidden figures. When bounds
    pinned it, only figures of at least 2 (they add slack)."""
    frontier = {key}
    visited_rel: set[int] = set()
    for _ in range(3):
        options = []
        rels = {i for k in frontier for i in state.by_key.get(k, [])} - visited_rel
        for i in sorted(rels):
            for k, _ in state.relations[i]:
                v = state.values.get(k)
                if k in state.hidden or k in state.missing or k in known or v is None or v <= 0:
                    continue
                if slack and v < 2:
                    continue
                options.append((v, repr(k), k))
        if options:
            return [k for _, _, k in sorted(set(options))]
        visited_rel |= rels
        frontier = {k for i in rels for k, _ in state.relations[i] if k in state.hidden or k in state.missing}
    return []


def _lone_lines(state: _State, known: frozenset[Key]) -> bool:
    """The classic rule, cheap and usually enough: a relation in which exactly one figure is unknown
    to this reader gives it away, so its smallest shown positive figure is hidden too. Returns
    whether anything was hidden."""
    changed = False
    for relation in state.relations:
        unknown = [k for k, c in relation if c and (k in state.hidden or k in state.missing) and k not in known]
        if len(unknown) != 1 or unknown[0] in state.missing:
            continue
        options = [
            (v, repr(k), k)
            for k, c in relation
            if c
            and k not in state.hidden
            and k not in known
            and k not in state.missing
            and (v := state.values.get(k)) is not None
            and v > 0
        ]
        if options:
            state.hidden.add(min(options)[2])
            changed = True
    return changed


def _protect_exactly(state: _State, key: Key, known: frozenset[Key], *, slack: bool) -> bool:
    """Hide one more figure for ``key``: the smallest candidate that leaves it undetermined (and, when
    bounds pinned it, unpinned) for this reader, else the smallest candidate. False when none is left."""
    options = _candidates(state, key, known, slack=slack)
    if not options:
        return False
    for choice in options[:12]:
        unknown = (state.hidden | state.missing | {choice}) - known
        if key in determined(state.relations, unknown):
            continue
        state.hidden.add(choice)
        if slack and key in _pinned(state, unknown, [key]):
            state.hidden.discard(choice)
            continue
        return True
    state.hidden.add(options[0])
    return True


def protect(
    values: Mapping[Any, float | None],
    relations: Sequence[Relation],
    *,
    insiders: Iterable[Insider | frozenset[Key]] = (),
    small: Callable[[float | None], bool] = is_small,
    also_protect: Iterable[Key] = (),
) -> Decision:
    """Which of these related figures to hide from the public. ``values`` maps each figure to its count
    (None: not published anywhere, unknown to every reader); ``relations`` say how they add up;
    ``insiders`` are the sets of figures some readers see whole (a district partnership's own), which
    must not help them work out anyone else's small counts either; ``also_protect`` are figures hidden
    elsewhere (a total another table hides) that must stay hidden here too. Every relation's figures
    must be keys of ``values``."""
    state = _State(
        relations=[list(r) for r in relations],
        values=values,
        primary={k for k, v in values.items() if small(v)} | set(also_protect),
        hidden=set(),
        missing={k for k, v in values.items() if v is None},
    )
    for i, relation in enumerate(state.relations):
        for k, _ in relation:
            state.by_key.setdefault(k, []).append(i)
    state.hidden = set(state.primary)
    # Changed since 16edd99 as the code under test was: readers in the order given, not a set's order
    # (which hung on the hash seed, so a decision could differ from one process to the next).
    readers = dict.fromkeys(i if isinstance(i, Insider) else Insider(knows=i) for i in insiders)
    viewers = [Insider(knows=frozenset()), *readers]
    exposed: set[Key] = set()
    for _ in range(len(values) + 2):
        lines_changed = True
        while lines_changed:
            lines_changed = False
            for viewer in viewers:
                lines_changed |= _lone_lines(state, viewer.knows)
        changed = False
        for viewer in viewers:
            known = viewer.knows
            unknown = (state.hidden | state.missing) - known
            mine = (state.primary - known - viewer.shares) - exposed
            at_risk = determined(state.relations, unknown) & mine
            pinned = set() if at_risk else _pinned(state, unknown, mine)
            for key in sorted(at_risk | pinned, key=repr):
                if _protect_exactly(state, key, known, slack=key in pinned):
                    changed = True
                    break
                exposed.add(key)
            if changed:
                break
        if not changed:
            break
    for key in exposed:  # nothing could protect it: hide everything it is related to
        for i in state.by_key.get(key, []):
            state.hidden |= {k for k, _ in state.relations[i] if k not in state.missing}
    secondary = state.hidden - state.primary
    # A secondary figure the public can work out anyway hides nothing: show it.
    needless = determined(state.relations, state.hidden | state.missing) & secondary
    return Decision(
        primary=frozenset(state.primary),
        secondary=frozenset(secondary - needless),
        exposed=frozenset(exposed),
    )
