"""Money pages: budgets with reduction scenarios (any percentage), funding streams, the funding
pipeline, and the community safety fund's commissioned services with quarterly outcome returns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from saferhub.accounts.access import (
    access_has_role,
    access_partnerships,
    access_published_q,
    access_published_read,
    access_require,
)
from saferhub.accounts.models import Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.exports import export_response
from saferhub.core.forms import FormErrors, form_problem_add
from saferhub.core.refusal import refuse
from saferhub.delivery.forms import indicator_href
from saferhub.finance import selectors, selectors_returns
from saferhub.finance.models import BudgetKind, BudgetLine, BudgetTable, CommissionedService, Fund, PerformanceMeasure
from saferhub.finance.money import check_percent, in_unit
from saferhub.finance.services import (
    budget_line_update,
    measure_create,
    outcome_return_submit,
    scenario_create,
)


def finance_overview(request: HttpRequest) -> HttpResponse:
    """Budgets published or the reader's partnerships'; funding streams, bids and funds for members."""
    partnerships = access_partnerships(request.user)
    bids = list(selectors.pipeline_visible(partnerships=partnerships))
    for bid in bids:
        bid.expected = selectors.pipeline_expected(bid)  # type: ignore[attr-defined]
    funds = [selectors.fund_view(f) for f in selectors.funds_visible(partnerships=partnerships)]
    return render(
        request,
        "finance/overview.html",
        {
            "tables": list(selectors.budget_tables_visible(where=access_published_q(request.user, "partnership"))),
            "streams": list(selectors.funding_streams_visible(partnerships=partnerships)),
            "bids": bids,
            "funds": funds,
        },
    )


def _budget_rows(view: selectors.BudgetView) -> tuple[list[str], list[list[Any]]]:
    unit = view.table.unit_label
    header = ["Row", "Area of spend", "Year", "Capital or revenue", f"Budget ({unit})", "Budget (£)"]
    for p in view.percents:
        header += [f"With {p.normalize():f}% reduction ({unit})", f"With {p.normalize():f}% reduction (£)"]
    header += ["In the reported total", "Stated total (£)", "Lines add to (£)", "Difference (£)", "Note"]
    rows: list[list[Any]] = []
    for r in view.lines:
        row: list[Any] = [
            "line",
            r.line.area_of_spend,
            r.line.year,
            r.line.get_kind_display(),
            r.shown,
            r.line.amount,
        ]
        for c in r.scenarios:
            row += [view.shown(c.amount), c.amount]
        row += [r.line.in_reported_total, "", "", "", r.line.note]
        rows.append(row)
    for t in view.totals:
        row = ["stated total", t.total.label, t.total.year, "", t.shown_stated, t.total.amount]
        for cell, _ in t.scenarios:
            row += [view.shown(cell.amount), cell.amount]
        row += ["", t.check.stated, t.check.computed, t.check.difference, "" if t.adds_up else "Does not add up"]
        rows.append(row)
    return header, rows


def budget_detail(request: HttpRequest, slug: str) -> HttpResponse:
    table = get_object_or_404(BudgetTable.objects.select_related("partnership", "framework"), slug=slug)
    if not access_published_read(request.user, table.partnership, table.publication):
        return refuse(request)
    can_edit = access_has_role(request.user, table.partnership, Role.CONTRIBUTOR)
    errors = FormErrors()
    extra: list[Decimal] = []
    percent_text = request.GET.get("percent", "").strip()
    if request.method == "POST":
        access_require(request.user, table.partnership, Role.CONTRIBUTOR)
        try:
            scenario_create(table=table, percent=request.POST.get("save_percent", ""), actor=request.user)
        except ValidationProblem as exc:
            form_problem_add(errors, exc, fields={"percent": "save_percent"})
        else:
            messages.success(request, "Scenario saved")
            return redirect("finance:budget_detail", slug=slug)
    elif percent_text:
        try:
            extra = [check_percent(percent_text, name="Reduction")]
        except ValidationProblem as exc:
            errors.add("percent", exc.message)  # the "see a reduction" input, read here, not by a service
    view = selectors.budget_view(table=table, extra_percents=extra)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"} and not errors:
        header, rows = _budget_rows(view)
        return export_response(fmt, f"budget-{table.slug}", header, rows)
    shown_lines = [{"row": r, "cells": [view.shown(c.amount) for c in r.scenarios]} for r in view.lines]
    shown_totals = [
        {
            "row": t,
            "cells": [(view.shown(cell.amount), view.shown(from_lines)) for cell, from_lines in t.scenarios],
            "difference": in_unit(abs(t.check.difference), table.unit_label, table.display_places),
        }
        for t in view.totals
    ]
    return render(
        request,
        "finance/budget_detail.html",
        {
            "table": table,
            "view": view,
            "lines": shown_lines,
            "totals": shown_totals,
            "errors": errors,
            "percent_text": percent_text,
            "save_percent": request.POST.get("save_percent", "") if request.method == "POST" else "",
            "can_edit": can_edit,
        },
        status=400 if errors else 200,
    )


@login_required
def budget_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(BudgetLine.objects.select_related("table", "table__partnership"), pk=pk)
    access_require(request.user, line.table.partnership, Role.CONTRIBUTOR)
    errors = FormErrors()
    if request.method == "POST":
        data = request.POST
        try:
            budget_line_update(
                line=line,
                actor=request.user,
                area_of_spend=data.get("area_of_spend", ""),
                year=data.get("year", ""),
                kind=data.get("kind", ""),
                amount=data.get("amount", "").strip().lstrip("£"),
                note=data.get("note", "").strip(),
            )
        except ValidationProblem as exc:
            form_problem_add(errors, exc)
            line.refresh_from_db()
        else:
            messages.success(request, "Budget line saved")
            return redirect("finance:budget_detail", slug=line.table.slug)
        form: dict[str, Any] = {k: data.get(k, "") for k in ("area_of_spend", "year", "kind", "amount", "note")}
    else:
        form = {
            "area_of_spend": line.area_of_spend,
            "year": line.year,
            "kind": line.kind,
            "amount": line.amount,
            "note": line.note,
        }
    return render(
        request,
        "finance/budget_line_edit.html",
        {"line": line, "form": form, "errors": errors, "kinds": BudgetKind.choices},
        status=400 if errors else 200,
    )


@login_required
def funding_streams(request: HttpRequest) -> HttpResponse:
    partnerships = access_partnerships(request.user)
    streams = list(selectors.funding_streams_visible(partnerships=partnerships))
    years = sorted({a.year for s in streams for a in s.allocations.all()})
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        header = [
            "Partnership",
            "Funding source",
            "Year",
            "Amount (£)",
            "As stated",
            "Announced cut (%)",
            "After cut (£)",
            "Note",
        ]
        rows = [
            [
                s.partnership.name,
                s.name,
                a.year,
                a.amount,
                a.stated,
                a.cut_percent,
                selectors.allocation_after_cut(a),
                a.note,
            ]
            for s in streams
            for a in s.allocations.all()
        ]
        return export_response(fmt, "funding-streams", header, rows)
    table = []
    for s in streams:
        by_year = {a.year: a for a in s.allocations.all()}
        cells = []
        for y in years:
            a = by_year.get(y)
            cells.append({"allocation": a, "after_cut": selectors.allocation_after_cut(a) if a else None})
        table.append({"stream": s, "cells": cells})
    return render(request, "finance/funding_streams.html", {"years": years, "rows": table})


@login_required
def fund_detail(request: HttpRequest, slug: str) -> HttpResponse:
    fund = get_object_or_404(Fund.objects.select_related("partnership"), slug=slug)
    access_require(request.user, fund.partnership, Role.VIEWER)
    view = selectors.fund_view(fund)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        header = [
            "Table",
            "Priority area",
            "Service",
            "Location",
            "Amount (£)",
            "Provisional",
            "Description",
            "Indicators",
        ]
        rows: list[list[Any]] = []
        for sec in view.sections:
            for s in sec.services:
                rows.append(
                    [
                        sec.section.title,
                        s.priority_area,
                        s.name,
                        s.location,
                        s.amount,
                        s.provisional,
                        s.description,
                        "; ".join(i.title for i in s.indicators.all()),
                    ]
                )
            if sec.check:
                rows.append([sec.section.title, "", "Total as stated", "", sec.check.stated, "", "", ""])
                rows.append([sec.section.title, "", "Total of the lines", "", sec.check.computed, "", "", ""])
        if view.check:
            rows.append(["Fund", "", "Total as stated", "", view.check.stated, "", "", ""])
            rows.append(["Fund", "", "Total of the lines", "", view.check.computed, "", "", ""])
        return export_response(fmt, f"fund-{fund.slug}", header, rows)
    components = {
        s.pk: selectors.service_components_check(s)
        for sec in view.sections
        for s in sec.services
        if s.stated_components
    }
    return render(
        request,
        "finance/fund_detail.html",
        {"fund": fund, "view": view, "components": components, "returns": _fund_returns_for(request, fund)},
    )


def _fund_returns_for(request: HttpRequest, fund: Fund) -> selectors_returns.FundReturns | None:
    """Cost per outcome and overdue returns, for the fund partnership's members only: outcome
    counts can be small enough to identify people, and cost ÷ cost per outcome gives them back."""
    if not access_has_role(request.user, fund.partnership, Role.VIEWER):
        return None
    return selectors_returns.fund_returns(fund=fund, today=timezone.localdate())


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(
        CommissionedService.objects.select_related("section", "section__fund", "section__fund__partnership", "area"),
        pk=pk,
    )
    partnership = service.section.fund.partnership
    access_require(request.user, partnership, Role.VIEWER)
    can_edit = access_has_role(request.user, partnership, Role.CONTRIBUTOR)
    errors = FormErrors()
    form: dict[str, Any] = {}
    if request.method == "POST":
        access_require(request.user, partnership, Role.CONTRIBUTOR)
        data = request.POST
        form = {k: data.get(k, "") for k in data}
        errors.form_id = "measure-form" if data.get("form") == "measure" else "return-form"
        try:
            if data.get("form") == "measure":
                measure_create(
                    service=service,
                    question=data.get("question", ""),
                    title=data.get("title", ""),
                    unit=data.get("unit", "").strip(),
                    actor=request.user,
                )
                messages.success(request, "Measure added")
            else:
                measure = get_object_or_404(PerformanceMeasure, pk=data.get("measure") or 0, service=service)
                outcome_return_submit(
                    measure=measure,
                    period=data.get("period", ""),
                    value=data.get("value", ""),
                    note=data.get("note", "").strip(),
                    submitted_by=request.user,
                )
                messages.success(request, "Return recorded")
        except ValidationProblem as exc:
            form_problem_add(errors, exc)
        else:
            return redirect("finance:service_detail", pk=pk)
    measures = list(selectors.service_measures(service))
    periods = sorted({r.period for m in measures for r in m.returns.all()})
    grid = [
        {
            "measure": m,
            "href": indicator_href(m.indicator) if m.indicator else None,
            "values": [{r.period: r for r in m.returns.all()}.get(p) for p in periods],
        }
        for m in measures
    ]
    return render(
        request,
        "finance/service_detail.html",
        {
            "service": service,
            "fund": service.section.fund,
            "indicators": [(i, indicator_href(i)) for i in service.indicators.all()],
            "components": selectors.service_components_check(service),
            "periods": periods,
            "grid": grid,
            "measures": measures,
            "questions": PerformanceMeasure.Question.choices,
            "can_edit": can_edit,
            "errors": errors,
            "form": form,
        },
        status=400 if errors else 200,
    )
