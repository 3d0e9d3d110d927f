"""Writes for budget monitoring: a quarter's actual spend and forecast out-turn for the lines of a
budget, the spending profile of a line, and the partnership's variance threshold.

Every submission is checked whole before anything is written (every line, every amount, every
reason the threshold asks for); then it is written in one transaction, in bulk, with history and
one audit row. A problem names the line and the form input it is about (``ValidationProblem.field``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from saferhub.accounts.models import Partnership
from saferhub.core.audit import audit_record
from saferhub.core.errors import ValidationProblem, ValidationProblems
from saferhub.finance.models import BudgetLine, BudgetLineQuarter, BudgetProfile, BudgetTable, VarianceThreshold
from saferhub.finance.money import check_percent, to_money
from saferhub.finance.quarters import FinancialQuarter, parse_quarter, quarters_of
from saferhub.finance.selectors_monitoring import variance_threshold_for
from saferhub.finance.variance import (
    outturn_variance,
    outturn_words,
    profile_variance,
    profile_words,
    straight_line_profile,
)

REASON_MAX = 2000


def _amount(value: object, *, label: str, where: str, field: str) -> Decimal:
    try:
        return to_money(str(value).strip(), name=label, where=where)
    except ValidationProblem as exc:
        raise ValidationProblem(exc.message, where=where, field=field) from None


def _quarter(value: FinancialQuarter | str) -> FinancialQuarter:
    return value if isinstance(value, FinancialQuarter) else parse_quarter(value, field="quarter")


# --- the threshold --------------------------------------------------------------------------------


def variance_threshold_set(
    *, partnership: Partnership, percent: object, amount: object, actor: Any = None
) -> VarianceThreshold:
    """Set when a variance needs a reason: more than ``percent`` of a line's budget, or more than
    ``amount``. Either may be left empty (None or ""), not both."""
    where = f"{partnership.name}, variance threshold"
    problems: list[ValidationProblem] = []
    pct = amt = None
    if str(percent if percent is not None else "").strip():
        try:
            pct = check_percent(percent, name="The percentage", where=where)
        except ValidationProblem as exc:
            problems.append(ValidationProblem(exc.message, where=where, field="percent"))
    if str(amount if amount is not None else "").strip():
        try:
            amt = _amount(str(amount).lstrip("£"), label="The amount", where=where, field="amount")
        except ValidationProblem as exc:
            problems.append(exc)
    if not problems and pct is None and amt is None:
        problems.append(ValidationProblem("Enter a percentage, an amount, or both", where=where, field="percent"))
    if problems:
        raise ValidationProblems(problems)
    with transaction.atomic():
        threshold, _ = VarianceThreshold.objects.update_or_create(
            partnership=partnership, defaults={"percent": pct, "amount": amt}
        )
        audit_record(
            actor=actor,
            action="variance_threshold.set",
            obj=threshold,
            percent=None if pct is None else str(pct),
            amount=None if amt is None else str(amt),
        )
    return threshold


# --- a line's profile -----------------------------------------------------------------------------


def budget_profile_set(
    *, line: BudgetLine, amounts: Mapping[FinancialQuarter | str, object], actor: Any = None
) -> list[BudgetProfile]:
    """Set a line's planned spend in each quarter of its budget period. Every quarter needs an
    amount and the amounts must add up to the line's budget (to the penny)."""
    where = f"{line.table.title}, {line.area_of_spend}, profile"
    quarters = quarters_of(line.year)
    given = {_quarter(q): v for q, v in amounts.items()}
    problems: list[ValidationProblem] = []
    outside = sorted(q for q in given if q not in quarters)
    for q in outside:
        problems.append(ValidationProblem(f"{q.words} is outside the line's budget year {line.year}", where=where))
    values: dict[FinancialQuarter, Decimal] = {}
    for q in quarters:
        field = f"profile-{q.slug}"
        raw = given.get(q)
        if raw is None or not str(raw).strip():
            problems.append(ValidationProblem(f"Enter the planned spend for {q.words}", where=where, field=field))
            continue
        try:
            values[q] = _amount(
                str(raw).lstrip("£"), label=f"The planned spend for {q.words}", where=where, field=field
            )
        except ValidationProblem as exc:
            problems.append(exc)
    if not problems and sum(values.values(), Decimal(0)) != line.amount:
        total = sum(values.values(), Decimal(0))
        problems.append(
            ValidationProblem(
                f"The quarters add up to £{total:,.2f} but the line's budget is £{line.amount:,.2f}: "
                "a profile spreads the whole budget",
                where=where,
                field=f"profile-{quarters[0].slug}",
            )
        )
    if problems:
        raise ValidationProblems(problems)
    with transaction.atomic():
        existing = {p.period_start: p for p in BudgetProfile.objects.select_for_update().filter(line=line)}
        new, changed = [], []
        for q, amount in values.items():
            row = existing.get(q.start)
            if row is None:
                new.append(BudgetProfile(line=line, period_start=q.start, amount=amount))
            elif row.amount != amount:
                row.amount, row.updated_at = amount, timezone.now()
                changed.append(row)
        user = actor if getattr(actor, "is_authenticated", False) else None
        if new:
            bulk_create_with_history(new, BudgetProfile, default_user=user)
        if changed:
            bulk_update_with_history(changed, BudgetProfile, ["amount", "updated_at"], default_user=user)
        audit_record(
            actor=actor,
            action="budget_profile.set",
            obj=line,
            profile={q.label: str(a) for q, a in values.items()},
        )
    return list(BudgetProfile.objects.filter(line=line).order_by("period_start"))


# --- a quarter's figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterEntry:
    """What a form gives for one line: text as typed (blank when the line is not reported)."""

    actual: object = ""
    forecast_outturn: object = ""
    reason: object = ""


@dataclass(frozen=True)
class QuarterSaved:
    quarter: FinancialQuarter
    created: int
    changed: int
    unchanged: int


def _blank(value: object) -> bool:
    return value is None or not str(value).strip()


def budget_quarter_report(
    *,
    table: BudgetTable,
    quarter: FinancialQuarter | str,
    entries: Mapping[int, QuarterEntry],
    actor: Any = None,
) -> QuarterSaved:
    """Record (or correct) a quarter's spend and forecast out-turn for lines of ``table``.

    ``entries`` maps a line's id to what was typed for it; a line left wholly blank is not reported
    this quarter. Refused, with every problem named, when: the quarter is not one of the line's
    budget period (a 2015/16 line has no 2016/17 Q1); a line is not the table's; an amount is not
    money (negative, not a number, NaN, too large, fractions of a penny); spend is given without a
    forecast or the other way round; figures already recorded are blanked; a variance passes the
    partnership's threshold and no reason is given. Nothing is written unless everything is right."""
    q = _quarter(quarter)
    where = f"{table.title}, {q.label}"
    lines = {ln.pk: ln for ln in table.lines.all()}
    problems: list[ValidationProblem] = []
    unknown = [k for k in entries if k not in lines]
    if unknown:
        problems.append(
            ValidationProblem(
                f"{len(unknown)} of the lines sent are not lines of {table.title}", where=where, field=None
            )
        )
    in_period = {pk for pk, ln in lines.items() if q in quarters_of(ln.year)}
    if not in_period:
        years = ", ".join(sorted({ln.year for ln in lines.values()})) or "none"
        raise ValidationProblems(
            [ValidationProblem(f"{q.words} is outside this budget's years ({years})", where=where, field="quarter")]
        )
    existing = {
        row.line_id: row
        for row in BudgetLineQuarter.objects.filter(line__table=table, period_start=q.start).select_related("line")
    }
    # Spend to date before this quarter, and stored profiles, for every line at once.
    earlier = dict(
        BudgetLineQuarter.objects.filter(line__table=table, period_start__lt=q.start)
        .values("line")
        .annotate(total=Sum("actual"))
        .values_list("line", "total")
    )
    profiled = dict(
        BudgetProfile.objects.filter(line__table=table, period_start__lte=q.start)
        .values("line")
        .annotate(total=Sum("amount"))
        .values_list("line", "total")
    )
    has_profile = set(BudgetProfile.objects.filter(line__table=table).values_list("line", flat=True).distinct())
    threshold = variance_threshold_for(partnership=table.partnership)
    checked: dict[int, tuple[Decimal, Decimal, str]] = {}
    for pk, entry in entries.items():
        line = lines.get(pk)
        if line is None:
            continue
        lwhere = f"{where}, {line.area_of_spend}"
        given = [not _blank(entry.actual), not _blank(entry.forecast_outturn), not _blank(entry.reason)]
        if not any(given):
            if pk in existing:
                problems.append(
                    ValidationProblem(
                        f"{line.area_of_spend}: figures for {q.words} are already recorded; correct them "
                        "rather than leave them empty",
                        where=lwhere,
                        field=f"actual-{pk}",
                    )
                )
            continue
        if pk not in in_period:
            problems.append(
                ValidationProblem(
                    f"{line.area_of_spend}: {q.words} is outside the line's budget year {line.year}",
                    where=lwhere,
                    field=f"actual-{pk}",
                )
            )
            continue
        line_problems: list[ValidationProblem] = []
        amounts: dict[str, Decimal] = {}
        for name, label, raw in (
            ("actual", f"{line.area_of_spend}: spend in the quarter", entry.actual),
            ("forecast_outturn", f"{line.area_of_spend}: forecast out-turn", entry.forecast_outturn),
        ):
            if _blank(raw):
                line_problems.append(
                    ValidationProblem(
                        f"Enter {label.split(': ', 1)[1]} for {line.area_of_spend}", where=lwhere, field=f"{name}-{pk}"
                    )
                )
                continue
            try:
                amounts[name] = _amount(str(raw).lstrip("£"), label=label, where=lwhere, field=f"{name}-{pk}")
            except ValidationProblem as exc:
                line_problems.append(exc)
        reason = str(entry.reason or "").strip()
        if len(reason) > REASON_MAX:
            line_problems.append(
                ValidationProblem(
                    f"{line.area_of_spend}: the reason must be {REASON_MAX:,} characters or fewer "
                    f"(it has {len(reason):,})",
                    where=lwhere,
                    field=f"reason-{pk}",
                )
            )
        if line_problems:
            problems.extend(line_problems)
            continue
        actual, forecast = amounts["actual"], amounts["forecast_outturn"]
        quarters = quarters_of(line.year)
        if pk in has_profile:
            profile = profiled.get(pk) or Decimal(0)
        else:
            profile = straight_line_profile(budget=line.amount, elapsed=quarters.index(q) + 1, quarters=len(quarters))
        to_date = (earlier.get(pk) or Decimal(0)) + actual
        variances = [
            outturn_words(v)
            for v in [outturn_variance(budget=line.amount, forecast_outturn=forecast)]
            if threshold.passed_by(v, budget=line.amount)
        ] + [
            profile_words(v)
            for v in [profile_variance(actual_to_date=to_date, profile_to_date=profile)]
            if threshold.passed_by(v, budget=line.amount)
        ]
        if variances and not reason:
            problems.append(
                ValidationProblem(
                    f"{line.area_of_spend}: give a reason, as the line is {' and '.join(variances)} "
                    f"({threshold.words} needs one)",
                    where=lwhere,
                    field=f"reason-{pk}",
                )
            )
            continue
        checked[pk] = (actual, forecast, reason)
    if not problems and not checked:
        problems.append(ValidationProblem(f"Enter the figures of at least one line for {q.words}", where=where))
    if problems:
        raise ValidationProblems(problems)

    user = actor if getattr(actor, "is_authenticated", False) else None
    new, changed, unchanged = [], [], 0
    for pk, (actual, forecast, reason) in checked.items():
        row = existing.get(pk)
        if row is None:
            new.append(
                BudgetLineQuarter(
                    line=lines[pk],
                    period_start=q.start,
                    actual=actual,
                    forecast_outturn=forecast,
                    reason=reason,
                    entered_by=user,
                )
            )
        elif (row.actual, row.forecast_outturn, row.reason) != (actual, forecast, reason):
            row.actual, row.forecast_outturn, row.reason, row.entered_by = actual, forecast, reason, user
            row.updated_at = timezone.now()
            changed.append(row)
        else:
            unchanged += 1
    try:
        with transaction.atomic():
            _write_quarter(table=table, q=q, new=new, changed=changed, actor=actor, user=user)
    except IntegrityError:
        # Someone recorded the same quarter between our check and our write: nothing of ours is kept.
        raise ValidationProblems(
            [
                ValidationProblem(
                    f"Figures for {q.words} were recorded by someone else just now: look at them and "
                    "enter your corrections again",
                    where=where,
                    field="quarter",
                )
            ]
        ) from None
    return QuarterSaved(quarter=q, created=len(new), changed=len(changed), unchanged=unchanged)


def _write_quarter(
    *,
    table: BudgetTable,
    q: FinancialQuarter,
    new: list[BudgetLineQuarter],
    changed: list[BudgetLineQuarter],
    actor: Any,
    user: Any,
) -> None:
    """The writes of ``budget_quarter_report``, inside its transaction."""
    if new:
        bulk_create_with_history(new, BudgetLineQuarter, default_user=user)
    if changed:
        bulk_update_with_history(
            changed,
            BudgetLineQuarter,
            ["actual", "forecast_outturn", "reason", "entered_by", "updated_at"],
            default_user=user,
        )
    audit_record(
        actor=actor,
        action="budget_quarter.report",
        obj=table,
        quarter=q.label,
        created=[r.line_id for r in new],
        changed=[r.line_id for r in changed],
    )
