"""Reading the hot spot and repeat-location choices from a query string: every value is checked
against the choices offered, and a wrong one is named with what was expected (for the GOV.UK
error summary). No Django forms: the choices come from the record store and the geography."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from saferhub.assessment.hotspots import PERMUTATIONS
from saferhub.assessment.records import Selection

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
PERMUTATION_CHOICES = (PERMUTATIONS, 9999)
DISTANCE_DEFAULT_M = 1500
DISTANCE_RANGE_M = (200, 20000)
MAX_MONTHS = 24
ROW_LIMITS = (10, 25, 50, 100)


@dataclass
class Choices:
    """What the page offers: area codes, crime types and months in the store (newest first)."""

    areas: Sequence[str]
    categories: Sequence[str]
    months: Sequence[str]


@dataclass
class Query:
    area: str = ""
    selection: Selection = field(default_factory=lambda: Selection("all"))
    start: str = ""
    end: str = ""
    months: tuple[str, ...] = ()
    measure: str = "count"  # or "rate"
    weights: str = "queen"  # or "distance"
    distance_m: int = DISTANCE_DEFAULT_M
    transform: str = "B"  # or "R"
    basis: str = "normal"  # or "permutation"
    permutations: int = PERMUTATIONS
    limit: int = 25

    def key(self) -> tuple[Any, ...]:
        return (
            self.area,
            self.selection.kind,
            self.selection.category,
            self.months,
            self.measure,
            self.weights,
            self.distance_m,
            self.transform,
            self.basis,
            self.permutations,
            self.limit,
        )


def selection_value(selection: Selection) -> str:
    return selection.category if selection.kind == "category" else selection.kind


def read_query(data: Mapping[str, str], *, choices: Choices) -> tuple[Query, dict[str, str]]:
    """The query and its errors (field id → message). Missing values take their defaults: the
    latest month, all records, queen contiguity, binary weights, p-values from the z-score (the
    permutation p-values are shown beside them)."""
    errors: dict[str, str] = {}
    q = Query()

    def text(name: str) -> str:
        return str(data.get(name, "") or "").strip()

    q.area = text("area").upper()
    if q.area and q.area not in choices.areas:
        errors["area"] = f"Choose an area from the list ({q.area[:20]} is not one of them)"
        q.area = ""

    kind = text("type") or "all"
    if kind in ("all", "crime", "asb"):
        q.selection = Selection(kind)
    elif kind in choices.categories:
        q.selection = Selection("category", kind)
    else:
        errors["type"] = "Choose a crime type from the list"

    months = sorted(choices.months)
    q.end = text("to") or (months[-1] if months else "")
    q.start = text("from") or q.end
    for name, value in (("from", q.start), ("to", q.end)):
        if value and not MONTH.match(value):
            errors[name] = f"Enter the month as YYYY-MM, for example {months[-1] if months else '2024-01'}"
    if "from" not in errors and "to" not in errors and q.start and q.end:
        if q.start > q.end:
            errors["from"] = "The first month must be the same as or before the last month"
        else:
            q.months = tuple(m for m in months if q.start <= m <= q.end)
            if not q.months:
                errors["from"] = f"There are no police.uk records from {q.start} to {q.end} in the record store"
            elif len(q.months) > MAX_MONTHS:
                errors["from"] = f"Choose at most {MAX_MONTHS} months"

    q.measure = text("measure") or "count"
    if q.measure not in ("count", "rate"):
        errors["measure"] = "Choose counts or rates"
    q.weights = text("weights") or "queen"
    if q.weights not in ("queen", "distance"):
        errors["weights"] = "Choose neighbours that share a boundary or within a distance"
    raw = text("distance") or str(DISTANCE_DEFAULT_M)
    low, high = DISTANCE_RANGE_M
    if not raw.isdigit() or not low <= int(raw) <= high:
        errors["distance"] = f"Enter the distance in whole metres from {low:,} to {high:,}"
    else:
        q.distance_m = int(raw)
    q.transform = text("transform") or "B"
    if q.transform not in ("B", "R"):
        errors["transform"] = "Choose binary or row-standardised weights"
    q.basis = text("basis") or "normal"
    if q.basis not in ("permutation", "normal"):
        errors["basis"] = "Choose permutation or normal p-values"
    raw = text("permutations") or str(PERMUTATIONS)
    if not raw.isdigit() or int(raw) not in PERMUTATION_CHOICES:
        errors["permutations"] = f"Choose {' or '.join(f'{p:,}' for p in PERMUTATION_CHOICES)} permutations"
    else:
        q.permutations = int(raw)
    raw = text("rows") or "25"
    if not raw.isdigit() or int(raw) not in ROW_LIMITS:
        errors["rows"] = f"Choose {', '.join(str(n) for n in ROW_LIMITS)} locations"
    else:
        q.limit = int(raw)
    return q, errors
