"""An audit of published figures that does not use ``saferhub.core.disclosure``: SymPy's exact rank
says whether a hidden figure follows exactly from the published ones and the relations between them,
SciPy's linear programme how far a reader who knows every hidden figure is at least 1 can narrow it."""

from __future__ import annotations

import sympy
from scipy.optimize import linprog


def exactly_derivable(relations, hidden, key) -> bool:
    """SymPy: is e_key in the row space of the relations restricted to the hidden figures?"""
    order = sorted(hidden, key=repr)
    rows = []
    for relation in relations:
        row = [0] * len(order)
        for k, c in relation:
            if k in hidden:
                row[order.index(k)] += c
        if any(row):
            rows.append(row)
    if not rows:
        return False
    a = sympy.Matrix(rows)
    unit = sympy.Matrix([[1 if k == key else 0 for k in order]])
    return a.rank() == a.col_join(unit).rank()


def feasible_width(relations, values, hidden, key) -> float:
    """SciPy: max − min of the hidden figure ``key`` given everything published and each hidden
    figure at least 1."""
    order = sorted(hidden, key=repr)
    a_eq, b_eq = [], []
    for relation in relations:
        row = [0.0] * len(order)
        rhs = 0.0
        for k, c in relation:
            if k in hidden:
                row[order.index(k)] += c
            else:
                rhs -= c * values[k]
        if any(row):
            a_eq.append(row)
            b_eq.append(rhs)
    cost = [1.0 if k == key else 0.0 for k in order]
    bounds = [(1, None)] * len(order)
    low = linprog(cost, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds, method="highs")
    high = linprog([-c for c in cost], A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds, method="highs")
    assert low.status == 0, "the true figures are feasible, so the programme must be"
    return float("inf") if high.status == 3 else -high.fun - low.fun
