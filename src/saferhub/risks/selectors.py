"""Reads for risk registers: lists, the portfolio heat map before and after controls, overdue reviews."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from saferhub.risks.matrix import LEVELS, Rating, corporate_matrix
from saferhub.risks.models import Risk, RiskRegister


def registers_visible(*, where: Q) -> QuerySet[RiskRegister]:
    """The registers matching ``where`` (the access door's filter: ``access_published_q``)."""
    return RiskRegister.objects.filter(where).select_related("partnership", "framework", "outcome").order_by("title")


def risks_list(*, registers: Any = None, partnerships: Any = None, indicator: Any = None) -> QuerySet[Risk]:
    qs = Risk.objects.select_related("register", "register__partnership", "owner")
    if registers is not None:
        qs = qs.filter(register__in=registers)
    if partnerships is not None:
        qs = qs.filter(register__partnership__in=partnerships)
    if indicator is not None:
        qs = qs.filter(indicators=indicator)
    return qs.prefetch_related("indicators", "mitigating_actions").order_by("register__title", "order", "reference")


def risks_review_overdue(*, partnerships: Any = None, today: date | None = None) -> QuerySet[Risk]:
    """Open risks whose next review date has passed."""
    day = today or timezone.localdate()
    return risks_list(partnerships=partnerships).filter(status=Risk.Status.OPEN, next_review_date__lt=day)


def risks_for_indicator(*, indicator: Any, partnerships: Any = None) -> QuerySet[Risk]:
    """Risks linked to an indicator (for the indicator page), limited to the partnerships given."""
    return risks_list(indicator=indicator, partnerships=partnerships)


@dataclass
class HeatCell:
    rating: Rating
    risks: list[Risk] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.risks)


@dataclass
class HeatMap:
    """Rows from likelihood 4 (top) to 1, columns impact 1 to 4, as the corporate matrix prints."""

    title: str
    rows: list[tuple[int, str, list[HeatCell]]]
    impact_labels: dict[int, str]
    not_assessed: list[Risk]

    @property
    def assessed(self) -> int:
        return sum(cell.count for _, _, cells in self.rows for cell in cells)


def risk_heat_map(risks: list[Risk], *, controlled: bool) -> HeatMap:
    """Count open risks in each matrix cell, before (inherent) or after (controlled) controls."""
    matrix = corporate_matrix()
    cells = {key: HeatCell(rating=rating) for key, rating in matrix.cells.items()}
    not_assessed = []
    for risk in risks:
        if risk.status != Risk.Status.OPEN:
            continue
        rating = risk.controlled_rating if controlled else risk.inherent_rating
        if rating is None:
            not_assessed.append(risk)
        else:
            cells[rating.impact, rating.likelihood].risks.append(risk)
    rows = [(lk, matrix.likelihood_labels[lk], [cells[i, lk] for i in LEVELS]) for lk in sorted(LEVELS, reverse=True)]
    return HeatMap(
        title=(
            "With all controls in place (controlled assessment)"
            if controlled
            else "Current controls in place (current assessment)"
        ),
        rows=rows,
        impact_labels=matrix.impact_labels,
        not_assessed=not_assessed,
    )
