"""Seriousness and cost of harm, as pure functions (no Django): METHODS.md, "Seriousness and cost
of harm".

- ``category_weights`` turns a published offence-level harm weighting (the ONS Crime Severity Score
  or the Cambridge Crime Harm Index) into one weight per police.uk crime type: the single offence's
  weight, or, where several offences fall in one type, their mean weighted by each offence's volume
  (as the Crime Severity Score itself weights offences by how many were recorded).
- ``cost_of_harm`` prices counted harms (casualties by severity, crimes by type) with published unit
  costs from one source and one price year, and says which it used; it refuses to add costs of
  different price years, and lists what it could not price rather than pricing it at nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from saferhub.core.errors import ValidationProblem

PENNY = Decimal("0.01")


def category_weights(
    rows: Iterable[tuple[str, Decimal, Decimal | None]], *, where: str = "harm weights"
) -> dict[str, Decimal]:
    """One weight per category from (category, weight, volume) rows.

    A category with one row takes its weight. A category with several rows takes
    ``Σ weight × volume / Σ volume``; every one of its rows then needs a volume, and the volumes
    cannot all be zero. Raises ``ValidationProblem`` naming the category otherwise.
    """
    grouped: dict[str, list[tuple[Decimal, Decimal | None]]] = {}
    for category, weight, volume in rows:
        grouped.setdefault(category, []).append((Decimal(weight), None if volume is None else Decimal(volume)))
    out: dict[str, Decimal] = {}
    for category, items in sorted(grouped.items()):
        if len(items) == 1:
            out[category] = items[0][0]
            continue
        if any(v is None for _, v in items):
            raise ValidationProblem(
                f"{len(items)} offences fall in {category!r} but not all give a volume: a category's weight "
                "is the volume-weighted mean of its offences' weights, so give each one's volume",
                where=where,
            )
        total = sum((v for _, v in items if v is not None), Decimal(0))
        if total == 0:
            raise ValidationProblem(f"the offences in {category!r} have a total volume of 0", where=where)
        out[category] = sum((w * v for w, v in items if v is not None), Decimal(0)) / total
    return out


def harm_score(*, counts: Mapping[str, int], weights: Mapping[str, Decimal]) -> tuple[Decimal, dict[str, int]]:
    """Σ count × weight over the categories that have a weight, and the counts of those that have none."""
    score = Decimal(0)
    unweighted: dict[str, int] = {}
    for category, n in counts.items():
        if n < 0:
            raise ValidationProblem(f"the count of {category!r} is {n}: counts cannot be negative")
        if category in weights:
            score += weights[category] * n
        elif n:
            unweighted[category] = n
    return score, unweighted


@dataclass(frozen=True)
class UnitCostRef:
    """One published unit cost and where it comes from."""

    key: str
    label: str
    per: str
    value: Decimal
    set_title: str
    publisher: str
    price_year: str  # "" where the source does not say
    table: str = ""
    url: str = ""
    quoted_in: str = ""


@dataclass(frozen=True)
class CostLine:
    key: str
    label: str
    count: int
    unit_cost: Decimal
    cost: Decimal


@dataclass(frozen=True)
class HarmCost:
    """The cost of the harms counted, with its source and price year, and what could not be priced."""

    total: Decimal
    price_year: str
    source: str
    lines: tuple[CostLine, ...]
    not_priced: tuple[tuple[str, int], ...]
    method: str = "count × published unit cost, one source and price year"

    @property
    def price_year_text(self) -> str:
        return f"{self.price_year} prices" if self.price_year else "price year not stated by the source"


def cost_of_harm(*, counts: Mapping[str, int], costs: Sequence[UnitCostRef]) -> HarmCost:
    """The cost of counted harms (``{"fatal-casualty": 2, "serious-casualty": 31}``) at published unit
    costs. Costs must all come from one set (one source and price year): mixing years would add
    pounds of different value. Harms with no unit cost are returned in ``not_priced``."""
    if not costs:
        raise ValidationProblem("no unit costs were given: load them with `saferhub assessment load-essex`")
    sets = {(c.set_title, c.price_year) for c in costs}
    if len(sets) > 1:
        listed = "; ".join(f"{t} ({y or 'price year not stated'})" for t, y in sorted(sets))
        raise ValidationProblem(
            f"unit costs come from more than one source or price year and cannot be added: {listed}"
        )
    by_key: dict[str, UnitCostRef] = {}
    for c in costs:
        if c.key in by_key:
            raise ValidationProblem(f"the unit cost of {c.key!r} is given twice")
        by_key[c.key] = c
    lines, not_priced = [], []
    for key, n in sorted(counts.items()):
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValidationProblem(f"the count of {key!r} must be a whole number of 0 or more, not {n!r}")
        ref = by_key.get(key)
        if ref is None:
            if n:
                not_priced.append((key, n))
            continue
        cost = (ref.value * n).quantize(PENNY, rounding=ROUND_HALF_UP)
        lines.append(CostLine(key=key, label=ref.label, count=n, unit_cost=ref.value, cost=cost))
    first = costs[0]
    source = f"{first.set_title}, {first.publisher}" + (f", {first.table}" if first.table else "")
    return HarmCost(
        total=sum((line.cost for line in lines), Decimal(0)),
        price_year=first.price_year,
        source=source,
        lines=tuple(lines),
        not_priced=tuple(not_priced),
    )
