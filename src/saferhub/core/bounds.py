"""How far a reader can narrow a hidden figure (the linear programmes behind ``core.disclosure``).

A reader who sees every other figure, knows the relations and knows that every hidden figure is at
least 1 (zeros are shown; a figure published nowhere is at least 0) can narrow a hidden figure to an
interval: its least and greatest values subject to those equations and bounds, two linear programmes
(HiGHS, through SciPy). ``Programmes`` builds every relation once as one sparse matrix; a block's
programme (its hidden figures, and the relations that hold them) is then a slice of that matrix, with
the shown figures' part moved to the right-hand side, rather than built again figure by figure for
each block at each step of ``protect``.

A relation that the true figures do not meet (a force's total holds crimes with no place, counted in
no district's) has an unpublished remainder: the programme gives it its own unknown figure, at least 0.
Without it the programme would have no solution, and a figure that the other relations pin (two hidden
1s under a shown district total of 2) would be called free to move.

A block's programmes differ only in their objective (the least or greatest value of one figure after
another), so each block keeps one HiGHS model (``_Model``) and changes the objective: HiGHS solves
again from the last basis, a few simplex steps, rather than from nothing. The model is SciPy's own
binding of HiGHS (``scipy.optimize._highspy``, what ``linprog(method="highs")`` calls), which prints
nothing; the separately packaged ``highspy`` prints a banner on standard output, which would corrupt
the command line's machine-readable output. Should a SciPy lack that binding, ``linprog`` answers
each programme from nothing, with the same result.

Pure Python, NumPy and SciPy (no Django).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.optimize import OptimizeResult, linprog
from scipy.sparse import csc_array, csr_array, hstack

try:  # SciPy's binding of HiGHS (private, but the one linprog itself calls); see the module's docstring
    from scipy.optimize._highspy import _core as highs
except ImportError:  # pragma: no cover - depends on the installed SciPy
    highs = None

Key = Hashable
Relation = Sequence[tuple[Key, int]]


@dataclass(frozen=True)
class Remainder:
    """The unpublished part of a relation (by index) that the true figures leave over."""

    relation: int


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
    #: The solutions found so far (each a point meeting every equation and bound), for ``witnesses``.
    found: list[np.ndarray] = field(default_factory=list, compare=False, repr=False)

    def interval(self, key: Key) -> tuple[float, float]:
        """The least and greatest values ``key`` can take (−∞ or ∞ when a programme fails)."""
        if not self.rows.shape[0]:
            return float(self.lower[self.order.index(key)]), float("inf")
        return self._least(key), self._greatest(key)

    def pinned(self, key: Key, width: float = 0.5, *, inside: float | None = None) -> bool:
        """Whether ``key`` is narrowed to an interval shorter than ``width`` (as ``interval`` says).
        ``inside``: ``key``'s value at a point meeting every equation and bound (``point``; else the
        true figures' when they meet them). That value lies in the interval, so one programme decides
        when the least value is already ``width`` below it or the greatest ``width`` above (the least
        is tried first when the bound leaves that much room below)."""
        if not self.rows.shape[0]:
            return False
        j = self.order.index(key)
        if inside is None and self.true_fits():
            inside = float(self.true[j])
        if inside is None:
            return self._greatest(key) - self._least(key) < width
        if inside - float(self.lower[j]) >= width:
            low = self._least(key)
            return inside - low < width and self._greatest(key) - low < width
        high = self._greatest(key)
        return high - inside < width and high - self._least(key) < width

    def _solve(self, key: Key, sense: float) -> float:
        """The least (``sense`` 1) or greatest (−1) value of ``key``: −∞ or ∞ when the programme has
        no solution or none bounds it."""
        j = self.order.index(key)
        if self._model is not None:
            value, x = self._model.optimum(j, sense)
        else:
            target = np.zeros(len(self.order))
            target[j] = sense
            result = self._linprog(target)
            value, x = (sense * float(result.fun), result.x) if result.status == 0 else (-sense * float("inf"), None)
        if x is not None:
            self.found.append(np.asarray(x, dtype=float))
        return value

    def witnesses(self) -> list[tuple[dict[Key, float], bool]]:
        """The solutions found since last asked, each as the figures it moves from their true values
        and where to (remainders left out: every programme holding their relation has them as its own
        unknowns), and whether it leaves every remainder as it is. Each is a point of the programme of
        any reader who sees none of those figures and for whom they are still hidden: their programme
        is this one with more figures fixed at their true values. One that leaves every remainder as
        it is also meets every relation as if exact, so it shows that a figure it moves is not worked
        out by exact elimination (which takes every relation as exact); one that moves a remainder
        does not. Only when the true figures meet every equation and bound (else the solutions may
        move figures some reader knows); then empty."""
        found, self.found[:] = list(self.found), []
        if not found or not self.true_fits():
            return []
        out = []
        for x in found:
            moved = np.flatnonzero(np.abs(x - self.true) > 1e-7)
            point = {self.order[i]: float(x[i]) for i in moved if not isinstance(self.order[i], Remainder)}
            out.append((point, len(point) == len(moved)))
        return out

    @cached_property
    def _model(self) -> _Model | None:
        return None if highs is None else _Model(self)

    def _least(self, key: Key) -> float:
        return self._solve(key, 1.0)

    def _greatest(self, key: Key) -> float:
        return self._solve(key, -1.0)

    def true_fits(self) -> bool:
        """Whether the true figures meet every equation and bound."""
        x = self.true
        if np.isnan(x).any() or not (x >= self.lower).all():
            return False
        residual = self.rows @ x - self.rhs
        return not len(residual) or bool(np.abs(residual).max() < 1e-9)

    def point(self) -> dict[Key, float] | None:
        """Values of the figures that meet the equations and bounds: the true figures when they do,
        else a linear programme's; None when there are none (or no equation holds them)."""
        if not self.rows.shape[0]:
            return None
        if self.true_fits():
            return dict(zip(self.order, self.true.tolist(), strict=True))
        if self._model is not None:
            x = self._model.feasible()
            return None if x is None else dict(zip(self.order, map(float, x), strict=True))
        result = self._linprog(np.zeros(len(self.order)))
        return dict(zip(self.order, map(float, result.x), strict=True)) if result.status == 0 else None

    def _linprog(self, target: np.ndarray) -> OptimizeResult:
        """The programme solved from nothing by ``linprog`` (without SciPy's HiGHS binding)."""
        bounds = np.column_stack((self.lower, np.full(len(self.order), np.inf)))
        return linprog(target, A_eq=self.rows, b_eq=self.rhs, bounds=bounds, method="highs")


class _Model:
    """One HiGHS model of a programme, kept: each question changes only the objective, and HiGHS
    solves again from the last basis."""

    def __init__(self, programme: Programme) -> None:
        rows = csc_array(programme.rows)
        n, m = rows.shape[1], rows.shape[0]
        lp = highs.HighsLp()
        lp.num_col_ = lp.a_matrix_.num_col_ = n
        lp.num_row_ = lp.a_matrix_.num_row_ = m
        lp.a_matrix_.format_ = highs.MatrixFormat.kColwise
        lp.a_matrix_.start_ = rows.indptr
        lp.a_matrix_.index_ = rows.indices
        lp.a_matrix_.value_ = rows.data
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.asarray(programme.lower, dtype=float)
        lp.col_upper_ = np.full(n, np.inf)
        lp.row_lower_ = lp.row_upper_ = np.asarray(programme.rhs, dtype=float)
        self.solver = highs._Highs()
        self.solver.setOptionValue("output_flag", False)
        self.solver.passModel(lp)
        self.column = 0  # the column the objective is on now (cost 0 to start)

    def optimum(self, j: int, sense: float) -> tuple[float, list[float] | None]:
        """The least (``sense`` 1) or greatest (−1) value of column ``j``, and the solution giving it
        (None, and an infinite value, when there is none)."""
        if j != self.column:  # (one change per column: HiGHS does not apply repeated ones in order)
            self.solver.changeColCost(self.column, 0.0)
            self.column = j
        self.solver.changeColCost(j, sense)
        self.solver.run()
        if self.solver.getModelStatus() != highs.HighsModelStatus.kOptimal:
            return -sense * float("inf"), None
        value = sense * float(self.solver.getInfo().objective_function_value)
        return value, self.solver.getSolution().col_value

    def feasible(self) -> list[float] | None:
        """A point meeting every equation and bound (no objective), or None when there is none."""
        self.solver.changeColCost(self.column, 0.0)
        self.solver.run()
        if self.solver.getModelStatus() != highs.HighsModelStatus.kOptimal:
            return None
        return list(self.solver.getSolution().col_value)


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
        # What each relation leaves over with the true figures: not 0 where a total holds more than its
        # parts (a force's crimes with no place, counted in no district). NaN where a figure is unknown.
        self.remainder = self.matrix @ published

    def of(self, cells: Collection[Key], rels: Sequence[int]) -> Programme:
        """The programme of the hidden figures ``cells`` under the relations ``rels`` (each holding
        at least one of them)."""
        order: list[Key] = list(cells)
        columns = np.fromiter((self.index[k] for k in order), dtype=np.int64, count=len(order))
        indices = np.asarray(rels, dtype=np.int64)
        block = self.matrix[indices]
        outside = self.shown.copy()
        outside[columns] = 0.0
        rows = block[:, columns]
        lower, true = self.lower[columns], self.true[columns]
        # A relation the true figures do not meet holds an unpublished remainder: it gets its own
        # unknown figure (at least 0, its true value what is left over), so the relation holds and the
        # programme is a reader's, not infeasible (which would call every figure in it free to move).
        remainder = self.remainder[indices]
        over = np.flatnonzero(np.abs(np.nan_to_num(remainder)) > 1e-9)
        if len(over):
            slack = csr_array(
                (-np.sign(remainder[over]), (over, np.arange(len(over)))), shape=(len(indices), len(over))
            )
            rows = csr_array(hstack([rows, slack], format="csr"))
            order += [Remainder(int(indices[i])) for i in over]
            lower = np.concatenate([lower, np.zeros(len(over))])
            true = np.concatenate([true, np.abs(remainder[over])])
        return Programme(order=order, rows=rows, rhs=-(block @ outside), lower=lower, true=true)
