"""Nearest neighbours on standardised open variables: the arithmetic of a most similar group.

Pure NumPy/SciPy (no Django), so it is tested on its own. The method (docs/methods.md, "Most
similar groups"): each variable is turned into z-scores over every candidate area
(``(x − mean) / sd``, sample sd); an area's distance to another is the Euclidean distance between
their z-scores, each variable's difference multiplied by the square root of its weight (so a
weight of 2 counts that variable's squared difference twice); the group is the area itself and its
k nearest others, nearest first. This is the idea of CIPFA's nearest-neighbour model and the Home
Office's iQuanta most similar groups, with open variables instead of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial.distance import cdist

from saferhub.core.errors import ValidationProblem

METHOD = "k nearest neighbours by weighted Euclidean distance on z-scores"


@dataclass(frozen=True)
class Neighbour:
    code: str
    distance: float


def standardise(values: np.ndarray) -> np.ndarray:
    """Column-wise z-scores with the sample standard deviation; a column with no spread is refused."""
    sd = values.std(axis=0, ddof=1)
    if np.any(sd == 0) or np.any(~np.isfinite(sd)):
        raise ValidationProblem("a variable has the same value for every area: it cannot tell areas apart")
    return (values - values.mean(axis=0)) / sd


def nearest_neighbours(
    codes: Sequence[str],
    table: Mapping[str, Sequence[float]],
    *,
    weights: Sequence[float],
    k: int,
    targets: Sequence[str] | None = None,
) -> dict[str, list[Neighbour]]:
    """For each target code (default: every code), its ``k`` nearest other codes, nearest first.

    ``table`` maps each code to its variables in the order of ``weights``. Ties in distance are
    broken by code, so the result never depends on the order of the input.
    """
    if k < 1:
        raise ValidationProblem(f"k must be at least 1, not {k}")
    if len(codes) <= k:
        raise ValidationProblem(f"{len(codes)} areas cannot give {k} neighbours each")
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or np.any(w < 0) or not np.any(w > 0):
        raise ValidationProblem("weights must be zero or more, with at least one above zero")
    order = sorted(codes)
    matrix = np.array([table[c] for c in order], dtype=float)
    if matrix.shape[1] != w.size:
        raise ValidationProblem(f"{matrix.shape[1]} variables but {w.size} weights")
    if not np.all(np.isfinite(matrix)):
        raise ValidationProblem("every area needs a value for every variable")
    z = standardise(matrix) * np.sqrt(w)
    index = {c: i for i, c in enumerate(order)}
    wanted = sorted(targets) if targets is not None else order
    rows = np.array([index[c] for c in wanted])
    distances = cdist(z[rows], z)
    out: dict[str, list[Neighbour]] = {}
    for row, code in zip(distances, wanted, strict=True):
        # Rounded so that distances equal but for floating-point noise count as ties, broken by code.
        ranked = sorted((round(float(d), 9), order[j]) for j, d in enumerate(row) if order[j] != code)
        out[code] = [Neighbour(c, d) for d, c in ranked[:k]]
    return out
