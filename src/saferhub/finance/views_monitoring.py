"""Budget monitoring pages: a partnership's money summary, a budget's monitoring with its lines and
quarters, the quarter entry form, a line's profile and the variance threshold; CSV and Excel
exports through ``core.exports`` (formula-safe).

Monitoring figures are for the partnership's members (viewer and up); entering them needs the
contributor role and setting the threshold the administrator role, all asked of
``accounts.access``. Views only read input, call one service or selector, and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from saferhub.accounts.access import access_has_role, access_partnerships, access_require
from saferhub.accounts.models import Partnership, Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.exports import export_response
from saferhub.core.forms import problems_by_input
from saferhub.finance import selectors_monitoring as monitoring
from saferhub.finance.models import BudgetLine, BudgetTable
from saferhub.finance.quarters import FinancialQuarter, parse_quarter, quarters_of
from saferhub.finance.services_monitoring import (
    QuarterEntry,
    budget_profile_set,
    budget_quarter_report,
    variance_threshold_set,
)


def _quarter_or_404(slug: str) -> FinancialQuarter:
    try:
        return parse_quarter(slug)
    except ValidationProblem:
        raise Http404("There is no such quarter") from None


def _summary_rows(summary: monitoring.MonitoringSummary) -> tuple[list[str], list[list[Any]]]:
    header = [
        "Budget",
        "Area of spend",
        "Year",
        "In the budget's total",
        "Budget (£)",
        "Profile to date (£)",
        "Actual to date (£)",
        "Forecast out-turn (£)",
        "Budget less forecast out-turn (£)",
        "Actual less profile (£)",
        "Over the threshold",
        "Reason",
        "As at",
    ]
    rows: list[list[Any]] = []
    for b in summary.budgets:
        for ln in b.lines:
            rows.append(
                [
                    b.table.title,
                    ln.line.area_of_spend,
                    ln.line.year,
                    ln.line.in_reported_total,
                    ln.budget,
                    ln.profile_to_date,
                    ln.actual_to_date if ln.actual_to_date is not None else "no actuals recorded yet",
                    ln.forecast_outturn,
                    ln.outturn_variance,
                    ln.profile_variance,
                    "; ".join(ln.over_threshold),
                    ln.reason,
                    b.through.words if b.through else "",
                ]
            )
        rows.append(
            [
                b.table.title,
                "Total of the lines in the budget's total",
                summary.year,
                True,
                b.budget,
                "",
                b.actual_to_date if b.actual_to_date is not None else "no actuals recorded yet",
                b.forecast_outturn,
                b.outturn_variance,
                "",
                "",
                f"forecasts for {b.lines_with_forecast} of {b.lines_in_total} lines",
                b.through.words if b.through else "",
            ]
        )
    return header, rows


@login_required
def monitoring_summary(request: HttpRequest) -> HttpResponse:
    """A partnership's money for a financial year: each budget's budget, actual to date, forecast
    out-turn and variance, the lines over the threshold with their reasons."""
    partnerships = list(access_partnerships(request.user).order_by("name"))
    slug = request.GET.get("partnership", "")
    chosen: Partnership | None = None
    if slug:
        chosen = next((p for p in partnerships if p.slug == slug), None)
        if chosen is None:
            # Another partnership's money, or none by that name: the same refusal either way.
            access_require(request.user, get_object_or_404(Partnership, slug=slug), Role.VIEWER)
    elif partnerships:
        with_budgets = set(
            BudgetTable.objects.filter(partnership__in=partnerships).values_list("partnership_id", flat=True)
        )
        chosen = next((p for p in partnerships if p.pk in with_budgets), partnerships[0])
    today = timezone.localdate()
    errors: dict[str, str] = {}
    year_text = request.GET.get("year", "").strip()
    year = None
    if year_text:
        try:
            found = quarters_of(year_text)
            if len(found) != 4:
                raise ValidationProblem(f"{year_text[:20]!r} is a span: choose one financial year such as 2015/16")
            year = found[0].year_label
        except ValidationProblem as exc:
            errors["year"] = exc.message
    summary = monitoring.budget_monitoring_summary(partnership=chosen, as_of=today, year=year) if chosen else None
    fmt = request.GET.get("format")
    if summary is not None and fmt in {"csv", "xlsx"} and not errors:
        header, rows = _summary_rows(summary)
        return export_response(fmt, f"money-{chosen.slug}-{summary.year.replace('/', '-')}", header, rows)  # type: ignore[union-attr]
    years: list[str] = []
    if chosen is not None:
        line_years = BudgetLine.objects.filter(table__partnership=chosen).values_list("year", flat=True).distinct()
        years = sorted({q.year_label for y in line_years for q in quarters_of(y)})
    return render(
        request,
        "finance/monitoring_summary.html",
        {
            "partnerships": partnerships,
            "chosen": chosen,
            "summary": summary,
            "years": years,
            "year_text": year_text,
            "errors": errors,
            "is_admin": chosen is not None and access_has_role(request.user, chosen, Role.ADMINISTRATOR),
        },
        status=400 if errors else 200,
    )


def _budget_rows(
    view: monitoring.BudgetMonitoring, quarters: list[FinancialQuarter], grid: dict
) -> tuple[list[str], list[list[Any]]]:
    header = ["Area of spend", "Year", "Budget (£)"]
    header += [f"Spent in {q.label} (£)" for q in quarters]
    header += [
        "Profile to date (£)",
        "Actual to date (£)",
        "Forecast out-turn (£)",
        "Budget less forecast out-turn (£)",
        "Actual less profile (£)",
        "Over the threshold",
        "Reason",
    ]
    rows = []
    for ln in view.lines:
        row: list[Any] = [ln.line.area_of_spend, ln.line.year, ln.budget]
        row += [getattr(grid.get((ln.line.pk, q.start)), "actual", None) for q in quarters]
        row += [
            ln.profile_to_date,
            ln.actual_to_date,
            ln.forecast_outturn,
            ln.outturn_variance,
            ln.profile_variance,
            "; ".join(ln.over_threshold),
            ln.reason,
        ]
        rows.append(row)
    return header, rows


@login_required
def budget_monitoring(request: HttpRequest, slug: str) -> HttpResponse:
    """A budget's lines as at the latest quarter ended (or ``?through=2015-16-q2``): budget, profile
    and actual to date, forecast out-turn, variances and reasons, and the spend of each quarter."""
    table = get_object_or_404(BudgetTable.objects.select_related("partnership"), slug=slug)
    access_require(request.user, table.partnership, Role.VIEWER)
    quarters = monitoring.budget_quarters(table=table)
    through_text = request.GET.get("through", "").strip()
    if through_text:
        through: FinancialQuarter | None = _quarter_or_404(through_text)
    else:
        through = monitoring.budget_as_at(table=table, today=timezone.localdate())
    view = monitoring.budget_monitoring(table=table, through=through)
    grid = monitoring.budget_quarter_grid(table=table)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        header, rows = _budget_rows(view, quarters, grid)
        return export_response(fmt, f"monitoring-{table.slug}", header, rows)
    lines = [{"m": ln, "cells": [grid.get((ln.line.pk, q.start)) for q in quarters]} for ln in view.lines]
    return render(
        request,
        "finance/budget_monitoring.html",
        {
            "table": table,
            "view": view,
            "quarters": quarters,
            "lines": lines,
            "threshold": monitoring.variance_threshold_for(partnership=table.partnership),
            "can_edit": access_has_role(request.user, table.partnership, Role.CONTRIBUTOR),
            "through_text": through_text,
            "as_at_choices": [q for q in quarters if q <= FinancialQuarter.last_ended_by(timezone.localdate())],
        },
    )


@login_required
def budget_quarter(request: HttpRequest, slug: str, quarter: str) -> HttpResponse:
    """Enter or correct one quarter's spend and forecast out-turn for a budget's lines."""
    table = get_object_or_404(BudgetTable.objects.select_related("partnership"), slug=slug)
    access_require(request.user, table.partnership, Role.CONTRIBUTOR)
    q = _quarter_or_404(quarter)
    errors: dict[str, str] = {}
    lines = [ln for ln in table.lines.order_by("order", "pk") if q in quarters_of(ln.year)]
    existing = {k[0]: v for k, v in monitoring.budget_quarter_grid(table=table).items() if k[1] == q.start}
    typed: dict[int, dict[str, str]] = {}
    if request.method == "POST":
        data = request.POST
        pks = sorted(
            {
                int(k.split("-", 1)[1])
                for k in data
                if k.split("-", 1)[0] in {"actual", "forecast_outturn", "reason"} and k.split("-", 1)[1].isdigit()
            }
        )
        entries = {
            pk: QuarterEntry(
                actual=data.get(f"actual-{pk}", ""),
                forecast_outturn=data.get(f"forecast_outturn-{pk}", ""),
                reason=data.get(f"reason-{pk}", ""),
            )
            for pk in pks
        }
        typed = {
            pk: {"actual": str(e.actual), "forecast_outturn": str(e.forecast_outturn), "reason": str(e.reason)}
            for pk, e in entries.items()
        }
        try:
            saved = budget_quarter_report(table=table, quarter=q, entries=entries, actor=request.user)
        except ValidationProblem as exc:
            inputs = {f"{name}-{ln.pk}" for ln in lines for name in ("actual", "forecast_outturn", "reason")}
            errors = problems_by_input(exc, inputs=inputs)
        else:
            messages.success(
                request,
                f"Figures for {saved.quarter.words} saved: {saved.created} new, {saved.changed} corrected",
            )
            return redirect("finance:budget_monitoring", slug=table.slug)
    if not lines and not errors:
        years = ", ".join(sorted({ln.year for ln in table.lines.all()})) or "none"
        errors = {"main-form": f"{q.words} is outside this budget's years ({years})"}
    rows = []
    for ln in lines:
        had = existing.get(ln.pk)
        values: dict[str, Any] = typed.get(ln.pk) or (
            {"actual": had.actual, "forecast_outturn": had.forecast_outturn, "reason": had.reason} if had else {}
        )
        rows.append(
            {
                "line": ln,
                "values": values,
                "recorded": had,
                "errors": {
                    name: errors.get(f"{name}-{ln.pk}", "") for name in ("actual", "forecast_outturn", "reason")
                },
            }
        )
    return render(
        request,
        "finance/budget_quarter.html",
        {
            "table": table,
            "quarter": q,
            "rows": rows,
            "errors": errors,
            "threshold": monitoring.variance_threshold_for(partnership=table.partnership),
        },
        status=400 if errors else 200,
    )


@login_required
def budget_line_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a line's planned spend by quarter (without one, the budget is spread evenly)."""
    line = get_object_or_404(BudgetLine.objects.select_related("table", "table__partnership"), pk=pk)
    access_require(request.user, line.table.partnership, Role.CONTRIBUTOR)
    quarters = quarters_of(line.year)
    stored = monitoring.budget_profiles(line=line)
    errors: dict[str, str] = {}
    typed = {q.slug: stored.get(q.start, "") for q in quarters}
    if request.method == "POST":
        typed = {q.slug: request.POST.get(f"profile-{q.slug}", "") for q in quarters}
        try:
            budget_profile_set(line=line, amounts={q: typed[q.slug] for q in quarters}, actor=request.user)
        except ValidationProblem as exc:
            errors = problems_by_input(exc, inputs={f"profile-{q.slug}" for q in quarters})
        else:
            messages.success(request, f"Profile saved for {line.area_of_spend}")
            return redirect("finance:budget_monitoring", slug=line.table.slug)
    rows = [
        {
            "quarter": q,
            "name": f"profile-{q.slug}",
            "value": typed[q.slug],
            "error": errors.get(f"profile-{q.slug}", ""),
        }
        for q in quarters
    ]
    return render(
        request,
        "finance/budget_line_profile.html",
        {"line": line, "rows": rows, "errors": errors, "stored": bool(stored)},
        status=400 if errors else 200,
    )


@login_required
def variance_threshold(request: HttpRequest, slug: str) -> HttpResponse:
    """The partnership's threshold past which a variance needs a reason (administrators)."""
    partnership = get_object_or_404(Partnership, slug=slug)
    access_require(request.user, partnership, Role.ADMINISTRATOR)
    current = monitoring.variance_threshold_for(partnership=partnership)
    errors: dict[str, str] = {}
    form = {"percent": current.percent if current.percent is not None else "", "amount": current.amount or ""}
    if request.method == "POST":
        form = {"percent": request.POST.get("percent", ""), "amount": request.POST.get("amount", "")}
        try:
            variance_threshold_set(
                partnership=partnership, percent=form["percent"], amount=form["amount"], actor=request.user
            )
        except ValidationProblem as exc:
            errors = problems_by_input(exc, inputs={"percent", "amount"})
        else:
            messages.success(request, "Variance threshold saved")
            return redirect(f"{redirect('finance:monitoring').url}?partnership={partnership.slug}")
    return render(
        request,
        "finance/variance_threshold.html",
        {"partnership": partnership, "form": form, "errors": errors, "current": current},
        status=400 if errors else 200,
    )
