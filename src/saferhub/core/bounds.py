"""How far a reader can narrow a hidden figure (the linear programmes behind ``core.disclosure``).

A reader who sees every other figure, knows the relations and knows that every hidden figure is at
least 1 (zeros are shown; a figure published nowhere is at least 0) can narrow a hidden figure to an
interval: its least and greatest values subject to those equations and bounds, two linear programmes
(HiGHS, through SciPy). ``Programmes`` builds every relation once as one sparse matrix; a block's
programme (its hidden figures, and the relations that hold them) is then a slice of that matrix, with
the shown figures' part moved to the right-hand side, rather than built again figure by figure for
each block at each step of ``protect``.

Pure Python, NumPy and SciPy (no Django).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array

Key = Hashable
Relation = Sequence[tuple[Key, int]]


@dataclass(frozen=True)
class Programme:
    """A block's equations in its hidden figures: ``rows`` · x = ``rhs``, each x at least ``lower``;
    ``order`` names the figure of each column and ``true`` holds their published-elsewhere values
    (NaN where a figure has none)."""

    order: list[Key]
    rows: csr_array
    rhs: np.ndarray
    lower: np.ndarray
    true: np.ndarray

    def interval(self, key: Key) -> tuple[float, float]:
        """The least and greatest values ``key`` can take (−∞ or ∞ when a programme fails)."""
        if not self.rows.shape[0]:
            return float(self.lower[self.order.index(key)]), float("inf")
        target = np.zeros(len(self.order))
        target[self.order.index(key)] = 1.0
        bounds = np.column_stack((self.lower, np.full(len(self.order), np.inf)))
        low = linprog(target, A_eq=self.rows, b_eq=self.rhs, bounds=bounds, method="highs")
        high = linprog(-target, A_eq=self.rows, b_eq=self.rhs, bounds=bounds, method="highs")
        lo = low.fun if low.status == 0 else float("-inf")
        hi = -high.fun if high.status == 0 else float("inf")
        return float(lo), float(hi)

    def point(self) -> dict[Key, float] | None:
        """Values of the figures that meet the equations and bounds: the true figures when they do,
        else a linear programme's; None when there are none (or no equation holds them)."""
        if not self.rows.shape[0]:
            return None
        x = self.true
        if not np.isnan(x).any() and (x >= self.lower).all():
            residual = self.rows @ x - self.rhs
            if not len(residual) or np.abs(residual).max() < 1e-9:
                return dict(zip(self.order, x.tolist(), strict=True))
        bounds = np.column_stack((self.lower, np.full(len(self.order), np.inf)))
        result = linprog(np.zeros(len(self.order)), A_eq=self.rows, b_eq=self.rhs, bounds=bounds, method="highs")
        return dict(zip(self.order, map(float, result.x), strict=True)) if result.status == 0 else None


class Programmes:
    """Every relation as one sparse matrix (relations × figures), each figure's value and bound; then
    ``of`` slices out a block's programme."""

    def __init__(self, relations: Sequence[Relation], values: Mapping[Key, float | None]) -> None:
        keys = list(dict.fromkeys(k for relation in relations for k, _ in relation))
        self.index = {k: i for i, k in enumerate(keys)}
        row_of = [i for i, relation in enumerate(relations) for _ in relation]
        column = [self.index[k] for relation in relations for k, _ in relation]
        data = [float(c) for relation in relations for _, c in relation]
        # Repeated (relation, figure) pairs are summed, as the relation's net coefficient.
        self.matrix = csr_array((data, (row_of, column)), shape=(len(relations), len(keys)))
        published = np.array([np.nan if values.get(k) is None else float(values[k] or 0) for k in keys])
        self.shown = np.nan_to_num(published)  # a figure published nowhere adds nothing to the right-hand side
        self.true = published
        self.lower = np.where(np.isnan(published), 0.0, 1.0)

    def of(self, cells: Collection[Key], rels: Sequence[int]) -> Programme:
        """The programme of the hidden figures ``cells`` under the relations ``rels`` (each holding
        at least one of them)."""
        order = list(cells)
        columns = np.fromiter((self.index[k] for k in order), dtype=np.int64, count=len(order))
        block = self.matrix[np.asarray(rels, dtype=np.int64)]
        outside = self.shown.copy()
        outside[columns] = 0.0
        return Programme(
            order=order,
            rows=block[:, columns],
            rhs=-(block @ outside),
            lower=self.lower[columns],
            true=self.true[columns],
        )
