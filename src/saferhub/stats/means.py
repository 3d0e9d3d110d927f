"""The mean of a set of values (for example survey scores) with a confidence interval.

``mean ± t_{n−1, 1−α/2} · s / √n`` with s the sample standard deviation (n − 1): Student's
t-distribution, as PHEindicatormethods ``phe_mean``. Groups are computed together, one pass over the
values (set-based), so a survey of many areas costs one grouping, not a loop over rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.stats import t as student_t

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import FloatArray, confidence_level, number_column
from saferhub.stats.results import AsDict

STUDENT_T = "Student's t-distribution"


@dataclasses.dataclass(frozen=True, slots=True)
class MeanEstimate(AsDict):
    """A group's mean with its interval, and the sum, count and standard deviation behind it."""

    group: str | None
    value: float
    lower: float | None
    upper: float | None
    confidence: float
    value_sum: float
    value_count: int
    standard_deviation: float | None
    method: str = STUDENT_T
    note: str = ""


def means(
    values: Sequence[Any] | FloatArray,
    *,
    groups: Sequence[Any] | None = None,
    confidence: float = 0.95,
    first_row: int = 1,
) -> list[MeanEstimate]:
    """Each group's mean with a Student's t interval (one result for all values when ``groups`` is None).

    Every value must be a number (a missing value is refused, naming its row: a mean over the values
    that happen to be present would hide the gap). A group of one value has a mean but no interval.
    """
    level = confidence_level(confidence)
    x = number_column(values, "value", first_row=first_row)
    if groups is None:
        labels = np.zeros(x.size, dtype=np.int64)
        names: list[str | None] = [None]
    else:
        group_list = [str(g) for g in groups]
        if len(group_list) != x.size:
            raise ValidationProblem(f"there are {x.size} values but {len(group_list)} groups: they must match")
        uniques, labels = np.unique(np.array(group_list, dtype=object), return_inverse=True)
        names = [str(u) for u in uniques]
    k = len(names)
    count = np.bincount(labels, minlength=k).astype(np.float64)
    total = np.bincount(labels, weights=x, minlength=k)
    mean = total / count
    squares = np.bincount(labels, weights=(x - mean[labels]) ** 2, minlength=k)
    results = []
    for i, name in enumerate(names):
        if count[i] < 2:
            results.append(
                MeanEstimate(
                    name,
                    float(mean[i]),
                    None,
                    None,
                    level,
                    float(total[i]),
                    int(count[i]),
                    None,
                    note="no interval: one value has no spread to estimate",
                )
            )
            continue
        sd = float(np.sqrt(squares[i] / (count[i] - 1)))
        half = float(student_t.ppf(1 - (1 - level) / 2, count[i] - 1) * sd / np.sqrt(count[i]))
        results.append(
            MeanEstimate(
                name,
                float(mean[i]),
                float(mean[i] - half),
                float(mean[i] + half),
                level,
                float(total[i]),
                int(count[i]),
                sd,
            )
        )
    return results
