"""Reads for money: budget tables with reduction scenarios and total checks, funding streams, the
pipeline, funds with their commissioned services, and spending linked to an indicator."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from saferhub.finance.models import (
    BudgetLine,
    BudgetTable,
    CommissionedService,
    Fund,
    FundingAllocation,
    FundingStream,
    FundSection,
    PerformanceMeasure,
    PipelineBid,
    StatedTotal,
)
from saferhub.finance.money import TotalCheck, in_unit, reduce_by, share, to_money, total


@dataclass(frozen=True)
class ScenarioCell:
    percent: Decimal
    amount: Decimal  # pounds, to the penny

    def shown(self, unit: str, places: int) -> Decimal:
        return in_unit(self.amount, unit, places)


@dataclass
class LineRow:
    line: BudgetLine
    shown: Decimal
    scenarios: list[ScenarioCell]


@dataclass
class TotalRow:
    total: StatedTotal
    check: TotalCheck
    shown_stated: Decimal
    shown_computed: Decimal
    # Each scenario applied to the stated total (as the source does), and the sum of the lines' scenarios.
    scenarios: list[tuple[ScenarioCell, Decimal]]

    @property
    def adds_up(self) -> bool:
        return self.check.adds_up


@dataclass
class BudgetView:
    table: BudgetTable
    percents: list[Decimal]
    lines: list[LineRow]
    totals: list[TotalRow]

    @property
    def flagged(self) -> list[TotalRow]:
        return [t for t in self.totals if not t.adds_up]

    def shown(self, amount: Decimal) -> Decimal:
        return in_unit(amount, self.table.unit_label, self.table.display_places)


def budget_tables_visible(*, where: Q) -> QuerySet[BudgetTable]:
    """The budget tables matching ``where`` (the access door's filter: ``access_published_q``)."""
    return (
        BudgetTable.objects.filter(where)
        .select_related("partnership")
        .prefetch_related("scenarios")
        .order_by("order", "title")
    )


def budget_view(*, table: BudgetTable, extra_percents: list[Decimal] = ()) -> BudgetView:  # type: ignore[assignment]
    """The table with each saved scenario (and any extra percentages) applied to every line and
    every stated total; each stated total checked against the sum of its lines."""
    percents = sorted({s.percent for s in table.scenarios.all()} | set(extra_percents))
    lines = list(table.lines.prefetch_related("indicators", "actions").order_by("order", "pk"))
    unit, places = table.unit_label, table.display_places
    rows = [
        LineRow(
            line=ln,
            shown=in_unit(ln.amount, unit, places),
            scenarios=[ScenarioCell(p, reduce_by(ln.amount, p)) for p in percents],
        )
        for ln in lines
    ]
    by_pk = {r.line.pk: r for r in rows}
    totals = []
    for st in table.stated_totals.prefetch_related("lines").order_by("order", "pk"):
        covered = [by_pk[ln.pk] for ln in st.lines.all() if ln.pk in by_pk]
        computed = total(r.line.amount for r in covered)
        check = TotalCheck(stated=st.amount, computed=computed)
        scen = []
        for i, p in enumerate(percents):
            from_lines = total(r.scenarios[i].amount for r in covered)
            scen.append((ScenarioCell(p, reduce_by(st.amount, p)), from_lines))
        totals.append(
            TotalRow(
                total=st,
                check=check,
                shown_stated=in_unit(st.amount, unit, places),
                shown_computed=in_unit(computed, unit, places),
                scenarios=scen,
            )
        )
    return BudgetView(table=table, percents=percents, lines=rows, totals=totals)


def funding_streams_visible(*, partnerships: Any) -> QuerySet[FundingStream]:
    return (
        FundingStream.objects.filter(partnership__in=partnerships)
        .select_related("partnership")
        .prefetch_related(Prefetch("allocations", queryset=FundingAllocation.objects.order_by("year")))
        .order_by("partnership__name", "order", "name")
    )


def allocation_after_cut(allocation: FundingAllocation) -> Decimal | None:
    if allocation.amount is None or allocation.cut_percent is None:
        return None
    return reduce_by(allocation.amount, allocation.cut_percent)


def pipeline_visible(*, partnerships: Any) -> QuerySet[PipelineBid]:
    return PipelineBid.objects.filter(partnership__in=partnerships).select_related("partnership").order_by("title")


def pipeline_expected(bid: PipelineBid) -> TotalCheck:
    """The expected value (amount × success factor) beside the value the source states."""
    computed = share(bid.amount, bid.success_percent)
    return TotalCheck(stated=bid.stated_expected if bid.stated_expected is not None else computed, computed=computed)


def funds_visible(*, partnerships: Any) -> QuerySet[Fund]:
    return (
        Fund.objects.filter(partnership__in=partnerships)
        .select_related("partnership")
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=FundSection.objects.prefetch_related(
                    Prefetch("services", queryset=CommissionedService.objects.select_related("area"))
                ),
            )
        )
        .order_by("title")
    )


@dataclass
class SectionView:
    section: FundSection
    services: list[CommissionedService]
    check: TotalCheck | None


@dataclass
class FundView:
    fund: Fund
    sections: list[SectionView]
    check: TotalCheck | None


def fund_view(fund: Fund) -> FundView:
    sections = []
    all_amounts: list[Decimal] = []
    for sec in fund.sections.all():
        services = list(sec.services.all())
        computed = total(s.amount for s in services)
        all_amounts.append(computed)
        check = TotalCheck(stated=sec.stated_total, computed=computed) if sec.stated_total is not None else None
        sections.append(SectionView(section=sec, services=services, check=check))
    grand = total(all_amounts)
    check = TotalCheck(stated=fund.stated_total, computed=grand) if fund.stated_total is not None else None
    return FundView(fund=fund, sections=sections, check=check)


def service_components_check(service: CommissionedService) -> TotalCheck | None:
    """For a service whose description lists contributions, their sum beside the stated cost."""
    if not service.stated_components:
        return None
    computed = total(to_money(c["amount"]) for c in service.stated_components)
    return TotalCheck(stated=service.amount, computed=computed)


def service_measures(service: CommissionedService) -> QuerySet[PerformanceMeasure]:
    return service.measures.select_related("indicator").prefetch_related("returns").order_by("question", "order")


@dataclass
class Spending:
    budget_lines: list[BudgetLine]
    services: list[CommissionedService]
    streams: list[FundingStream]

    def __bool__(self) -> bool:
        return bool(self.budget_lines or self.services or self.streams)


def spending_for_indicator(*, indicator: Any, partnerships: Any = None) -> Spending:
    """Money linked to an indicator (for the indicator page): budget lines, commissioned services
    (directly or through one of their measures) and funding streams, limited to the partnerships given."""
    lines = BudgetLine.objects.filter(indicators=indicator).select_related("table", "table__partnership")
    services = (
        CommissionedService.objects.filter(indicators=indicator)
        .select_related("section", "section__fund", "section__fund__partnership")
        .distinct()
    )
    streams = FundingStream.objects.filter(indicators=indicator).select_related("partnership")
    if partnerships is not None:
        lines = lines.filter(table__partnership__in=partnerships)
        services = services.filter(section__fund__partnership__in=partnerships)
        streams = streams.filter(partnership__in=partnerships)
    return Spending(budget_lines=list(lines), services=list(services), streams=list(streams))
