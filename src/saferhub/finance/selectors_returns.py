"""Reads for commissioned services' quarterly returns: a service's returns and their versions, the
services a reader may see the returns of, cost per outcome, and the returns that are overdue.

Cost per outcome is the quarter's cost divided by the outcomes achieved: the figure of the
service's measure that counts outcomes (``PerformanceMeasure.counts_outcomes``, an "Is anyone better
off?" measure) in the current return. Sums over the year are grouped aggregates in the database.

A quarter's return is due by the last day of the month after the quarter ends (Q1, April to June,
by 31 July). Returns are expected from every commissioned service of a fund that is not provisional
(an indicative area of new commissioning is not a service yet) or that has a provider recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Subquery, Sum

from saferhub.accounts.access import access_service_returns_q
from saferhub.finance.models import (
    CommissionedService,
    Fund,
    PerformanceMeasure,
    ServiceReturn,
    ServiceReturnValue,
)
from saferhub.finance.quarters import FinancialQuarter, quarters_of
from saferhub.finance.variance import cost_per_outcome

COUNT: DecimalField[Decimal, Decimal] = DecimalField(max_digits=20, decimal_places=4)


def return_due(quarter: FinancialQuarter) -> date:
    """The last day of the month after the quarter ends."""
    after = quarter.end + timedelta(days=1)
    following = date(after.year + (after.month == 12), after.month % 12 + 1, 1)
    return following - timedelta(days=1)


def services_with_returns_visible(*, user: Any) -> QuerySet[CommissionedService]:
    """The commissioned services whose returns ``user`` may read: their partnerships' funds, and
    (for a provider) only the services their organisation provides."""
    return (
        CommissionedService.objects.filter(access_service_returns_q(user))
        .select_related("section", "section__fund", "section__fund__partnership", "provider")
        .order_by("section__fund__title", "section__order", "order", "pk")
    )


def service_measures_ordered(*, service: CommissionedService) -> list[PerformanceMeasure]:
    return list(service.measures.select_related("indicator").order_by("question", "order", "pk"))


def service_returns(*, service: CommissionedService, current_only: bool = True) -> list[ServiceReturn]:
    """The service's returns (the current version of each quarter, or every version), each with its
    values and who submitted it."""
    qs = ServiceReturn.objects.filter(service=service)
    if current_only:
        qs = qs.filter(is_current=True)
    return list(
        qs.select_related("submitted_by", "submitted_for")
        .prefetch_related(Prefetch("values", queryset=ServiceReturnValue.objects.select_related("measure")))
        .order_by("period_start", "version")
    )


def service_return_versions(*, service: CommissionedService, quarter: FinancialQuarter) -> list[ServiceReturn]:
    """Every version of one quarter's return, newest first."""
    return list(
        ServiceReturn.objects.filter(service=service, period_start=quarter.start)
        .select_related("submitted_by", "submitted_for")
        .prefetch_related(Prefetch("values", queryset=ServiceReturnValue.objects.select_related("measure")))
        .order_by("-version")
    )


@dataclass(frozen=True)
class CostPerOutcome:
    """A service in one quarter (or ``quarter`` None: the year so far)."""

    service: CommissionedService
    quarter: FinancialQuarter | None
    cost: Decimal
    outcomes: Decimal | None  # None: no measure counts outcomes
    measure_title: str

    @property
    def value(self) -> Decimal | None:
        if self.outcomes is None:
            return None
        return cost_per_outcome(cost=self.cost, outcomes=self.outcomes)


@dataclass(frozen=True)
class FundReturns:
    """What a fund's page shows of its services' returns."""

    by_quarter: list[CostPerOutcome]
    year_to_date: list[CostPerOutcome]
    overdue: list[tuple[CommissionedService, list[FinancialQuarter]]]
    expected_services: int

    @property
    def overdue_count(self) -> int:
        return sum(len(qs) for _, qs in self.overdue)


def _outcome_value() -> Subquery:
    """The current return's figure for its service's outcome-counting measure."""
    return Subquery(
        ServiceReturnValue.objects.filter(service_return=OuterRef("pk"), measure__counts_outcomes=True).values("value")[
            :1
        ],
        output_field=COUNT,
    )


def fund_returns(*, fund: Fund, today: date) -> FundReturns:
    """Cost per outcome by service and quarter and for the year so far, and the returns overdue."""
    services = list(
        CommissionedService.objects.filter(section__fund=fund)
        .select_related("provider", "section")
        .prefetch_related(Prefetch("measures", queryset=PerformanceMeasure.objects.filter(counts_outcomes=True)))
        .order_by("section__order", "order", "pk")
    )
    by_pk = {s.pk: s for s in services}
    counting = {s.pk: next(iter(s.measures.all()), None) for s in services}
    current = (
        ServiceReturn.objects.filter(service__section__fund=fund, is_current=True)
        .annotate(outcomes=_outcome_value())
        .order_by("service__section__order", "service__order", "service_id", "period_start")
    )
    by_quarter = []
    for row in current.values("service_id", "period_start", "cost", "outcomes"):
        measure = counting[row["service_id"]]
        by_quarter.append(
            CostPerOutcome(
                service=by_pk[row["service_id"]],
                quarter=FinancialQuarter.containing(row["period_start"]),
                cost=row["cost"],
                outcomes=row["outcomes"] if measure is not None else None,
                measure_title=measure.title if measure is not None else "",
            )
        )
    year_to_date = []
    totals = current.order_by().values("service_id").annotate(total_cost=Sum("cost"), total_outcomes=Sum("outcomes"))
    for row in totals:
        measure = counting[row["service_id"]]
        year_to_date.append(
            CostPerOutcome(
                service=by_pk[row["service_id"]],
                quarter=None,
                cost=row["total_cost"],
                outcomes=(row["total_outcomes"] or Decimal(0)) if measure is not None else None,
                measure_title=measure.title if measure is not None else "",
            )
        )
    position = {s.pk: i for i, s in enumerate(services)}
    year_to_date.sort(key=lambda c: position[c.service.pk])
    due = [q for q in quarters_of(fund.year) if return_due(q) < today]
    expected = [s for s in services if not s.provisional or s.provider_id is not None]
    made = set(current.values_list("service_id", "period_start"))
    overdue = [(s, [q for q in due if (s.pk, q.start) not in made]) for s in expected]
    return FundReturns(
        by_quarter=by_quarter,
        year_to_date=year_to_date,
        overdue=[(s, qs) for s, qs in overdue if qs],
        expected_services=len(expected),
    )


def service_quarters_status(
    *, service: CommissionedService, today: date
) -> list[tuple[FinancialQuarter, ServiceReturn | None, date, bool]]:
    """For each quarter of the fund's year: the current return (or None), when it is due, and
    whether it is overdue."""
    current = {r.period_start: r for r in service_returns(service=service)}
    out = []
    for q in quarters_of(service.section.fund.year):
        ret = current.get(q.start)
        due = return_due(q)
        out.append((q, ret, due, ret is None and due < today))
    return out
