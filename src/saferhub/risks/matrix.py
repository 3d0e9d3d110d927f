"""The corporate 4×4 risk matrix: impact × likelihood → score and band.

Ratings come only from the transcribed table in ``data/corporate_matrix.yaml`` (seed 000, "Corporate
Risk Matrix"); nothing here multiplies or guesses. Pure Python (no Django).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from saferhub.core.errors import ValidationProblem

LEVELS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Rating:
    impact: int
    likelihood: int
    score: int
    band: str

    @property
    def css_modifier(self) -> str:
        return self.band.lower().replace(" ", "-")

    def __str__(self) -> str:
        return f"{self.band} ({self.score})"


@dataclass(frozen=True)
class Matrix:
    cells: dict[tuple[int, int], Rating]
    impact_labels: dict[int, str]
    likelihood_labels: dict[int, str]
    bands: tuple[str, ...]
    source: str


def _check_spec(spec: dict[str, Any]) -> Matrix:
    cells: dict[tuple[int, int], Rating] = {}
    bands = tuple(spec["bands"])
    for i, cell in enumerate(spec["cells"], start=1):
        impact, likelihood = int(cell["impact"]), int(cell["likelihood"])
        if impact not in LEVELS or likelihood not in LEVELS:
            raise ValidationProblem(f"cell {i} is outside the 4×4 matrix", where="risks/data/corporate_matrix.yaml")
        if cell["band"] not in bands:
            raise ValidationProblem(f"cell {i} has an unknown band {cell['band']!r}", where="corporate_matrix.yaml")
        if (impact, likelihood) in cells:
            raise ValidationProblem(f"cell {i} repeats impact {impact} likelihood {likelihood}", where="matrix")
        cells[impact, likelihood] = Rating(impact, likelihood, int(cell["score"]), str(cell["band"]))
    if len(cells) != 16:
        raise ValidationProblem(f"the matrix has {len(cells)} cells, not 16", where="risks/data/corporate_matrix.yaml")
    return Matrix(
        cells=cells,
        impact_labels={int(k): str(v) for k, v in spec["impact_labels"].items()},
        likelihood_labels={int(k): str(v) for k, v in spec["likelihood_labels"].items()},
        bands=bands,
        source=str(spec["source"]),
    )


@cache
def corporate_matrix() -> Matrix:
    """The corporate risk matrix as transcribed from the seed."""
    text = resources.files("saferhub.risks").joinpath("data", "corporate_matrix.yaml").read_text(encoding="utf-8")
    return _check_spec(yaml.safe_load(text))


def check_level(value: object, *, name: str, where: str | None = None) -> int:
    """A level on the matrix: a whole number from 1 to 4. Raises ``ValidationProblem`` otherwise."""
    try:
        level = int(str(value).strip())
        if str(value).strip() != str(level):
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationProblem(f"{name} {value!r} is not a whole number from 1 to 4", where=where) from None
    if level not in LEVELS:
        raise ValidationProblem(
            f"{name} {level} is off the corporate risk matrix: use 1 to 4 "
            f"({', '.join(f'{k} {v}' for k, v in sorted(_labels(name).items()))})",
            where=where,
        )
    return level


def _labels(name: str) -> dict[int, str]:
    m = corporate_matrix()
    return m.likelihood_labels if "likelihood" in name else m.impact_labels


def rate(impact: object, likelihood: object, *, where: str | None = None) -> Rating:
    """The matrix cell for ``impact`` × ``likelihood`` (each 1–4)."""
    i = check_level(impact, name="impact", where=where)
    lk = check_level(likelihood, name="likelihood", where=where)
    return corporate_matrix().cells[i, lk]
