"""Writes for money: budget lines, reduction scenarios, outcome returns (the Essex money loads in ``finance.essex``).

Every amount goes through ``finance.money`` (Decimal, pence-exact, never negative); every year is a
financial year (or a span of them); every percentage is 0–100. Nothing is saved if anything is wrong.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from saferhub.core.audit import audit_record
from saferhub.core.checks import UNCHANGED, Unchanged, merged
from saferhub.core.codes import parse_period
from saferhub.core.errors import ValidationProblem, about_field
from saferhub.finance.models import (
    BudgetKind,
    BudgetLine,
    BudgetTable,
    PerformanceMeasure,
    ReductionScenario,
)
from saferhub.finance.money import check_percent, to_money


def check_year(text: object, *, where: str | None = None) -> str:
    """A financial year ``2015/16`` or a span ``2014/15-2016/17``."""
    raw = str(text or "").strip().replace("–", "-")
    parts = [p.strip() for p in raw.split("-")] if "-" in raw else [raw]
    if len(parts) > 2 or not all(parts):
        raise ValidationProblem(f"year {text!r} must be a financial year such as 2015/16", where=where)
    periods = []
    for part in parts:
        period = parse_period(part, where=where)
        if period.kind != "financial_year":
            raise ValidationProblem(f"year {part!r} must be a financial year such as 2015/16", where=where)
        periods.append(period)
    if len(periods) == 2 and periods[1].start <= periods[0].start:
        raise ValidationProblem(f"the span {raw!r} must run forwards", where=where)
    return "-".join(p.label for p in periods)


def _check_line(*, area_of_spend: object, kind: object, where: str) -> None:
    if not str(area_of_spend or "").strip():
        raise ValidationProblem(
            "say what the money is spent on (area of spend)", where=where, field="area_of_spend", code="required"
        )
    if kind not in {k for k, _ in BudgetKind.choices}:
        raise ValidationProblem(f"kind {kind!r} must be capital or revenue", where=where, field="kind")


def budget_line_create(
    *,
    table: BudgetTable,
    key: str,
    area_of_spend: str,
    year: str,
    kind: str,
    amount: object,
    in_reported_total: bool = True,
    note: str = "",
    actor: Any = None,
) -> BudgetLine:
    """Add a line. Refuses a negative or non-exact amount, an unknown year or kind."""
    where = f"{table.title}, line {area_of_spend or key}"
    _check_line(area_of_spend=area_of_spend, kind=kind, where=where)
    with about_field("year"):
        year = check_year(year, where=where)
    with about_field("amount"):
        money = to_money(amount, name="the budget", where=where)
    if BudgetLine.objects.filter(table=table, key=key).exists():
        raise ValidationProblem(f"{table.title} already has a line {key!r}", where=where, field="key", code="duplicate")
    with transaction.atomic():
        line = BudgetLine.objects.create(
            table=table,
            key=key,
            area_of_spend=area_of_spend.strip(),
            year=year,
            kind=kind,
            amount=money,
            in_reported_total=in_reported_total,
            note=note,
            order=table.lines.count() + 1,
        )
        audit_record(actor=actor, action="budget_line.create", obj=line, amount=str(money))
    return line


def budget_line_update(
    *,
    line: BudgetLine,
    area_of_spend: str | Unchanged = UNCHANGED,
    year: str | Unchanged = UNCHANGED,
    kind: str | Unchanged = UNCHANGED,
    amount: object = UNCHANGED,
    note: str | Unchanged = UNCHANGED,
    in_reported_total: bool | Unchanged = UNCHANGED,
    actor: Any = None,
) -> BudgetLine:
    """Change a line's area of spend, year, kind, amount or note (history is kept)."""
    given = {
        "area_of_spend": area_of_spend,
        "year": year,
        "kind": kind,
        "amount": amount,
        "note": note,
        "in_reported_total": in_reported_total,
    }
    changes: dict[str, Any] = {name: value for name, value in given.items() if value is not UNCHANGED}
    where = f"{line.table.title}, line {line.area_of_spend}"
    values = merged(line, area_of_spend=area_of_spend, kind=kind)
    _check_line(area_of_spend=values["area_of_spend"], kind=values["kind"], where=where)
    if "area_of_spend" in changes:
        changes["area_of_spend"] = str(changes["area_of_spend"]).strip()
    if "amount" in changes:
        with about_field("amount"):
            changes["amount"] = to_money(changes["amount"], name="the budget", where=where)
    if "year" in changes:
        with about_field("year"):
            changes["year"] = check_year(changes["year"], where=where)
    changed = [k for k, v in changes.items() if getattr(line, k) != v]
    with transaction.atomic():
        before = str(line.amount)
        for k in changed:
            setattr(line, k, changes[k])
        if changed:
            line.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action="budget_line.update", obj=line, fields=changed, amount_before=before)
    return line


def scenario_create(*, table: BudgetTable, percent: object, label: str = "", actor: Any = None) -> ReductionScenario:
    """Save a reduction scenario (0–100%) for a table. A scenario of 120% is refused."""
    with about_field("percent"):
        value = check_percent(percent, where=table.title)
    if ReductionScenario.objects.filter(table=table, percent=value).exists():
        raise ValidationProblem(
            f"{table.title} already has a {value.normalize():f}% scenario", field="percent", code="duplicate"
        )
    with transaction.atomic():
        scenario = ReductionScenario.objects.create(table=table, percent=value, label=label)
        audit_record(actor=actor, action="scenario.create", obj=scenario, percent=str(value))
    return scenario


def measure_create(
    *, service: Any, question: str, title: str, unit: str = "", indicator: Any = None, actor: Any = None
) -> PerformanceMeasure:
    """Add a performance measure a commissioned service reports each quarter."""
    where = f"{service.name}, measure"
    if question not in {q for q, _ in PerformanceMeasure.Question.choices}:
        raise ValidationProblem(
            f"question {question!r} must be how_much, how_well or better_off", where=where, field="question"
        )
    if not str(title or "").strip():
        raise ValidationProblem("a measure needs a title", where=where, field="title", code="required")
    with transaction.atomic():
        measure = PerformanceMeasure.objects.create(
            service=service,
            question=question,
            title=title.strip(),
            unit=unit,
            indicator=indicator,
            order=service.measures.count() + 1,
        )
        audit_record(actor=actor, action="measure.create", obj=measure)
    return measure


def outcome_return_submit(
    *, measure: PerformanceMeasure, period: str, value: object, note: str = "", submitted_by: Any = None
) -> Any:
    """Record one quarter's figure for a measure. Refuses a period that is not a quarter, a value
    that is not a number (or is negative), or a quarter already reported."""
    from saferhub.finance.models import OutcomeReturn

    where = f"{measure.service.name}, {measure.title}"
    with about_field("period"):
        quarter = parse_period(period, where=where)
    if quarter.kind != "quarter":
        raise ValidationProblem(
            f"{period!r} is not a quarter: returns are quarterly, e.g. 2013-Q2", where=where, field="period"
        )
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise ValidationProblem(f"value {value!r} is not a number", where=where, field="value") from None
    if not number.is_finite() or number < 0:
        raise ValidationProblem(f"value {value!r} must be a number of zero or more", where=where, field="value")
    if OutcomeReturn.objects.filter(measure=measure, period=quarter.label).exists():
        raise ValidationProblem(
            f"{quarter.label} has already been reported for this measure", where=where, field="period", code="duplicate"
        )
    with transaction.atomic():
        ret = OutcomeReturn.objects.create(
            measure=measure,
            period=quarter.label,
            period_start=quarter.start,
            value=number,
            note=note,
            submitted_by=submitted_by if getattr(submitted_by, "pk", None) else None,
        )
        audit_record(actor=submitted_by, action="outcome_return.submit", obj=ret, period=quarter.label)
    return ret
