"""Reads for budget monitoring: per line and per budget, the budget, actual spend to date, profile
to date, forecast out-turn and the variances, with the lines over the partnership's threshold and
their reasons.

Sums and "the latest forecast" are worked out in the database (grouped aggregates and correlated
subqueries), one query per figure for all lines at once, never row by row in Python; Python only
does the arithmetic between a line's aggregated figures. A budget's totals cover the lines in its
reported total (a line the source leaves out of its totals stays out), so they add up as the
budget does.

``budget_monitoring_summary(partnership=…, as_of=…)`` is what the board pack reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import Count, DecimalField, IntegerField, Max, OuterRef, QuerySet, Subquery, Sum

from saferhub.accounts.models import Partnership
from saferhub.finance.models import (
    BudgetLine,
    BudgetLineQuarter,
    BudgetProfile,
    BudgetTable,
    StatedOutturn,
    VarianceThreshold,
)
from saferhub.finance.quarters import FinancialQuarter, quarters_of
from saferhub.finance.variance import (
    Threshold,
    outturn_variance,
    outturn_words,
    profile_variance,
    profile_words,
    straight_line_profile,
)

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=18, decimal_places=2)


def variance_threshold_for(*, partnership: Partnership) -> Threshold:
    """The partnership's threshold, or the default (5% or £10,000) when it has set none."""
    row = VarianceThreshold.objects.filter(partnership=partnership).first()
    return Threshold(percent=row.percent, amount=row.amount) if row else Threshold()


@dataclass(frozen=True)
class LineMonitoring:
    """One budget line as at the end of quarter ``through`` (None: before its first quarter)."""

    line: BudgetLine
    threshold: Threshold
    quarters: int
    elapsed: int
    actual_to_date: Decimal | None  # None: no actuals recorded yet
    profile_to_date: Decimal
    profile_stored: bool
    forecast_outturn: Decimal | None
    forecast_quarter: FinancialQuarter | None
    reason: str

    @property
    def budget(self) -> Decimal:
        return self.line.amount

    @property
    def outturn_variance(self) -> Decimal | None:
        if self.forecast_outturn is None:
            return None
        return outturn_variance(budget=self.budget, forecast_outturn=self.forecast_outturn)

    @property
    def profile_variance(self) -> Decimal | None:
        if self.actual_to_date is None:
            return None
        return profile_variance(actual_to_date=self.actual_to_date, profile_to_date=self.profile_to_date)

    @cached_property
    def over_threshold(self) -> list[str]:
        """The variances that pass the threshold, in words ("£12,000.00 under budget")."""
        out = []
        if self.threshold.passed_by(self.outturn_variance, budget=self.budget):
            out.append(outturn_words(self.outturn_variance or Decimal(0)))
        if self.threshold.passed_by(self.profile_variance, budget=self.budget):
            out.append(profile_words(self.profile_variance or Decimal(0)))
        return out

    @property
    def outturn_words(self) -> str:
        v = self.outturn_variance
        return "" if v is None else outturn_words(v)

    @property
    def profile_words(self) -> str:
        v = self.profile_variance
        return "" if v is None else profile_words(v)


@dataclass(frozen=True)
class BudgetMonitoring:
    """A budget (table) as at the end of quarter ``through``: its lines, and its totals over the
    lines in its reported total. The forecast out-turn and its variance cover the lines that have a
    forecast (``lines_with_forecast`` of ``lines_in_total``), never assuming one for the rest."""

    table: BudgetTable
    through: FinancialQuarter | None
    lines: list[LineMonitoring]
    budget: Decimal
    lines_in_total: int
    actual_to_date: Decimal | None
    lines_with_actuals: int
    forecast_outturn: Decimal | None
    budget_with_forecast: Decimal
    lines_with_forecast: int

    @property
    def outturn_variance(self) -> Decimal | None:
        if self.forecast_outturn is None:
            return None
        return outturn_variance(budget=self.budget_with_forecast, forecast_outturn=self.forecast_outturn)

    @property
    def outturn_words(self) -> str:
        v = self.outturn_variance
        return "" if v is None else outturn_words(v)

    @property
    def over_threshold(self) -> list[LineMonitoring]:
        return [ln for ln in self.lines if ln.over_threshold]


def _sum_by_line(qs: QuerySet[Any], column: str) -> Subquery:
    """The sum of ``column`` over ``qs`` for the outer line (a correlated subquery)."""
    return Subquery(
        qs.filter(line=OuterRef("pk")).order_by().values("line").annotate(t=Sum(column)).values("t")[:1],
        output_field=MONEY,
    )


def lines_monitoring(
    *,
    lines: QuerySet[BudgetLine],
    through: FinancialQuarter | None,
    threshold: Threshold,
    tables: dict[int, BudgetTable] | None = None,
) -> list[LineMonitoring]:
    """Each line's figures as at the end of ``through``, from one query. ``tables`` (by id), when
    the caller has them, are attached to the lines rather than read again with each."""
    cutoff = through.start if through is not None else date.min
    reported = BudgetLineQuarter.objects.filter(period_start__lte=cutoff)
    latest = reported.filter(line=OuterRef("pk")).order_by("-period_start")
    rows = (
        (lines if tables is not None else lines.select_related("table"))
        .annotate(
            m_actual=_sum_by_line(reported, "actual"),
            m_profile=_sum_by_line(BudgetProfile.objects.filter(period_start__lte=cutoff), "amount"),
            m_profile_rows=Subquery(
                BudgetProfile.objects.filter(line=OuterRef("pk"))
                .order_by()
                .values("line")
                .annotate(n=Count("pk"))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            m_forecast=Subquery(latest.values("forecast_outturn")[:1], output_field=MONEY),
            m_forecast_start=Subquery(latest.values("period_start")[:1]),
            m_reason=Subquery(latest.values("reason")[:1]),
        )
        .order_by("table__order", "table__title", "order", "pk")
    )
    out = []
    for ln in rows:
        if tables is not None:
            ln.table = tables[ln.table_id]
        quarters = quarters_of(ln.year)
        elapsed = 0 if through is None else sum(1 for q in quarters if q <= through)
        stored = bool(ln.m_profile_rows)
        profile = (
            (ln.m_profile or Decimal(0))
            if stored
            else straight_line_profile(budget=ln.amount, elapsed=elapsed, quarters=len(quarters))
        )
        out.append(
            LineMonitoring(
                line=ln,
                threshold=threshold,
                quarters=len(quarters),
                elapsed=elapsed,
                actual_to_date=ln.m_actual,
                profile_to_date=profile,
                profile_stored=stored,
                forecast_outturn=ln.m_forecast,
                forecast_quarter=FinancialQuarter.containing(ln.m_forecast_start) if ln.m_forecast_start else None,
                reason=ln.m_reason or "",
            )
        )
    return out


def _totals_by_table(*, lines: QuerySet[BudgetLine], through: FinancialQuarter | None) -> dict[int, dict[str, Any]]:
    """Per budget, over its lines in the reported total: budget, actual to date and the latest
    forecasts, each as one grouped aggregate in the database."""
    cutoff = through.start if through is not None else date.min
    counted = lines.filter(in_reported_total=True)
    totals: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in counted.order_by().values("table").annotate(budget=Sum("amount"), n=Count("pk")):
        totals[row["table"]].update(budget=row["budget"], lines_in_total=row["n"])
    reported = BudgetLineQuarter.objects.filter(line__in=counted, period_start__lte=cutoff).order_by()
    for row in reported.values("line__table").annotate(actual=Sum("actual"), n=Count("line", distinct=True)):
        totals[row["line__table"]].update(actual_to_date=row["actual"], lines_with_actuals=row["n"])
    latest_start = Subquery(
        BudgetLineQuarter.objects.filter(line=OuterRef("line"), period_start__lte=cutoff)
        .order_by("-period_start")
        .values("period_start")[:1]
    )
    latest = reported.filter(period_start=latest_start)
    for row in latest.values("line__table").annotate(
        forecast=Sum("forecast_outturn"), budget=Sum("line__amount"), n=Count("pk")
    ):
        totals[row["line__table"]].update(
            forecast_outturn=row["forecast"], budget_with_forecast=row["budget"], lines_with_forecast=row["n"]
        )
    return totals


def budgets_monitoring(
    *,
    tables: Iterable[BudgetTable],
    lines: QuerySet[BudgetLine],
    through: FinancialQuarter | None,
    threshold: Threshold,
) -> list[BudgetMonitoring]:
    """Each budget in ``tables`` with its ``lines`` (the lines in scope) as at the end of ``through``."""
    by_table: dict[int, list[LineMonitoring]] = defaultdict(list)
    tables = list(tables)
    known = {t.pk: t for t in tables}
    for lm in lines_monitoring(
        lines=lines.filter(table__in=list(known)), through=through, threshold=threshold, tables=known
    ):
        by_table[lm.line.table_id].append(lm)
    totals = _totals_by_table(lines=lines, through=through)
    out = []
    for table in tables:
        if table.pk not in by_table:
            continue
        t = totals.get(table.pk, {})
        out.append(
            BudgetMonitoring(
                table=table,
                through=through,
                lines=by_table[table.pk],
                budget=t.get("budget") or Decimal("0.00"),
                lines_in_total=t.get("lines_in_total", 0),
                actual_to_date=t.get("actual_to_date"),
                lines_with_actuals=t.get("lines_with_actuals", 0),
                forecast_outturn=t.get("forecast_outturn"),
                budget_with_forecast=t.get("budget_with_forecast") or Decimal("0.00"),
                lines_with_forecast=t.get("lines_with_forecast", 0),
            )
        )
    return out


def budget_monitoring(*, table: BudgetTable, through: FinancialQuarter | None) -> BudgetMonitoring:
    """One budget, every line, as at the end of ``through``."""
    threshold = variance_threshold_for(partnership=table.partnership)
    found = budgets_monitoring(
        tables=BudgetTable.objects.filter(pk=table.pk).select_related("partnership"),
        lines=BudgetLine.objects.filter(table=table),
        through=through,
        threshold=threshold,
    )
    if found:
        return found[0]
    return BudgetMonitoring(table, through, [], Decimal("0.00"), 0, None, 0, None, Decimal("0.00"), 0)


def latest_reported(
    *, lines: QuerySet[BudgetLine], by: FinancialQuarter, since: FinancialQuarter | None = None
) -> FinancialQuarter | None:
    """The latest quarter, ended by ``by`` (and not before ``since``), for which any of ``lines``
    has figures: what monitoring is "as at" (a quarter just ended is usually not reported yet, and
    counting it would show every line behind its profile)."""
    found = BudgetLineQuarter.objects.filter(line__in=lines, period_start__lte=by.start)
    if since is not None:
        found = found.filter(period_start__gte=since.start)
    start = found.aggregate(latest=Max("period_start"))["latest"]
    return FinancialQuarter.containing(start) if start else None


def budget_as_at(*, table: BudgetTable, today: date) -> FinancialQuarter | None:
    """The quarter a budget's page is as at: its latest quarter with figures, or else the latest
    quarter ended (no later than the budget's last)."""
    last_ended = FinancialQuarter.last_ended_by(today)
    reported = latest_reported(lines=BudgetLine.objects.filter(table=table), by=last_ended)
    if reported is not None:
        return reported
    quarters = budget_quarters(table=table)
    return min(last_ended, quarters[-1]) if quarters else last_ended


def budget_quarters(*, table: BudgetTable) -> list[FinancialQuarter]:
    """Every quarter of the budget's lines' years, in order."""
    years = table.lines.order_by().values_list("year", flat=True).distinct()
    return sorted({q for y in years for q in quarters_of(y)})


def budget_quarter_grid(*, table: BudgetTable) -> dict[tuple[int, date], BudgetLineQuarter]:
    """Every recorded quarter of the budget's lines, by (line id, quarter start)."""
    return {
        (r.line_id, r.period_start): r
        for r in BudgetLineQuarter.objects.filter(line__table=table).select_related("entered_by")
    }


def budget_profiles(*, line: BudgetLine) -> dict[date, Decimal]:
    return dict(BudgetProfile.objects.filter(line=line).values_list("period_start", "amount"))


# --- the board's money summary --------------------------------------------------------------------


@dataclass(frozen=True)
class MonitoringSummary:
    """A partnership's money for the financial year ``year`` as at ``as_of``: each budget with lines
    in that year (budget, actual to date, forecast out-turn, variance), the lines over the
    threshold with their reasons, and out-turns reported to the board without their budgets."""

    partnership: Partnership
    as_of: date
    year: str
    through: FinancialQuarter | None
    threshold: Threshold
    budgets: list[BudgetMonitoring]
    stated_outturns: list[StatedOutturn] = field(default_factory=list)

    @property
    def over_threshold(self) -> list[LineMonitoring]:
        return [ln for b in self.budgets for ln in b.over_threshold]

    @property
    def has_actuals(self) -> bool:
        return any(b.actual_to_date is not None for b in self.budgets)


def budget_monitoring_summary(*, partnership: Partnership, as_of: date, year: str | None = None) -> MonitoringSummary:
    """The money section of a board pack.

    ``year`` (``2015/16``) defaults to the financial year of the latest quarter ended by ``as_of``
    (in May 2016 the 2015/16 out-turn; in July 2015, 2015/16 after its first quarter). Figures are as
    at the end of the latest quarter of that year, ended by ``as_of``, for which the partnership has
    recorded figures (or, with none recorded, the latest ended). The caller decides who may read it
    (``access_has_role(user, partnership, Role.VIEWER)``)."""
    last_ended = FinancialQuarter.last_ended_by(as_of)
    year_quarters = quarters_of(year) if year else quarters_of(last_ended.year_label)
    year_label = year_quarters[0].year_label
    ended = [q for q in year_quarters if q <= last_ended]
    wanted = set(year_quarters)
    tables = (
        BudgetTable.objects.filter(partnership=partnership).select_related("partnership").order_by("order", "title")
    )
    years = (
        BudgetLine.objects.filter(table__partnership=partnership).order_by().values_list("year", flat=True).distinct()
    )
    in_year = [y for y in years if wanted & set(quarters_of(y))]
    lines = BudgetLine.objects.filter(table__partnership=partnership, year__in=in_year)
    through = None
    if ended:
        through = latest_reported(lines=lines, by=ended[-1], since=year_quarters[0]) or ended[-1]
    threshold = variance_threshold_for(partnership=partnership)
    previous = f"{year_quarters[0].year_start - 1:04d}/{year_quarters[0].year_start % 100:02d}"
    return MonitoringSummary(
        partnership=partnership,
        as_of=as_of,
        year=year_label,
        through=through,
        threshold=threshold,
        budgets=budgets_monitoring(tables=tables, lines=lines, through=through, threshold=threshold),
        stated_outturns=list(
            StatedOutturn.objects.filter(
                partnership=partnership, year__in=[year_label, previous], reported_on__lte=as_of
            ).order_by("year", "key")
        ),
    )
