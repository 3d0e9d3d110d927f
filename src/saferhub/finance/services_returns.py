"""Writes for commissioned services' quarterly returns: a provider's return (cost, what was
delivered, a figure for each performance measure), its corrections, and the commissioner's
settings (who provides the service, which measure counts its outcomes).

Who may call these is decided by ``accounts.access.access_service_returns`` in the views; here
every input is checked before anything is written, and each write is one transaction with history
and an audit row.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from saferhub.accounts.models import Organisation
from saferhub.core.audit import audit_record
from saferhub.core.errors import ValidationProblem, ValidationProblems
from saferhub.finance.models import CommissionedService, PerformanceMeasure, ServiceReturn, ServiceReturnValue
from saferhub.finance.money import to_money
from saferhub.finance.quarters import FinancialQuarter, parse_quarter, quarters_of

TEXT_MAX = 5000
VALUE_MAX = Decimal("999999999999")  # what the database holds (16 digits, 4 after the point)
FOUR_PLACES = Decimal("0.0001")


def _value(raw: object, *, measure: PerformanceMeasure, where: str) -> Decimal:
    field = f"value-{measure.pk}"
    text = str(raw if raw is not None else "").strip().replace(",", "")
    if not text:
        raise ValidationProblem(f"Enter a figure for {measure.title}", where=where, field=field)
    try:
        number = Decimal(text)
    except (InvalidOperation, ArithmeticError):
        number = None
    if number is None or not number.is_finite():
        raise ValidationProblem(f"{measure.title}: {text[:40]!r} is not a number", where=where, field=field)
    if number < 0:
        raise ValidationProblem(f"{measure.title} cannot be negative (got {text[:40]})", where=where, field=field)
    if number > VALUE_MAX:
        raise ValidationProblem(f"{measure.title}: {text[:40]} is larger than the hub holds", where=where, field=field)
    if number != number.quantize(FOUR_PLACES):
        raise ValidationProblem(f"{measure.title}: use at most four decimal places", where=where, field=field)
    return number.quantize(FOUR_PLACES) + 0


def _text(raw: object, *, label: str, where: str, field: str) -> str:
    text = str(raw or "").strip()
    if len(text) > TEXT_MAX:
        raise ValidationProblem(
            f"{label} must be {TEXT_MAX:,} characters or fewer (it has {len(text):,})", where=where, field=field
        )
    return text


def _check_return(
    *,
    service: CommissionedService,
    quarter: FinancialQuarter | str,
    cost: object,
    values: Mapping[Any, object],
    delivery: object,
    today: date,
) -> tuple[FinancialQuarter, Decimal, dict[PerformanceMeasure, Decimal], str]:
    """Everything a return says, checked: every problem is collected before any is raised."""
    where = f"{service.name} ({service.location})"
    problems: list[ValidationProblem] = []
    q: FinancialQuarter | None = None
    try:
        q = quarter if isinstance(quarter, FinancialQuarter) else parse_quarter(quarter, where=where, field="quarter")
    except ValidationProblem as exc:
        problems.append(exc)
    fund = service.section.fund
    if q is not None and q not in quarters_of(fund.year):
        problems.append(
            ValidationProblem(f"{q.words} is outside the fund's year {fund.year}", where=where, field="quarter")
        )
    elif q is not None and q.end >= today:
        problems.append(
            ValidationProblem(
                f"{q.words} has not ended yet: a quarter's return is made once it is over", where=where, field="quarter"
            )
        )
    amount = Decimal(0)
    try:
        amount = to_money(
            str(cost if cost is not None else "").strip().lstrip("£") or None, name="The cost", where=where
        )
    except ValidationProblem as exc:
        message = "Enter what the service cost in the quarter" if exc.message.endswith("is missing") else exc.message
        problems.append(ValidationProblem(message, where=where, field="cost"))
    measures = {m.pk: m for m in service.measures.all()}
    given: dict[int, object] = {}
    for key, raw in values.items():
        try:
            pk = int(str(key))
        except ValueError:
            pk = -1
        if pk not in measures:
            problems.append(
                ValidationProblem(f"{str(key)[:20]!r} is not one of this service's measures", where=where, field=None)
            )
            continue
        given[pk] = raw
    figures: dict[PerformanceMeasure, Decimal] = {}
    for pk, measure in measures.items():
        try:
            figures[measure] = _value(given.get(pk), measure=measure, where=where)
        except ValidationProblem as exc:
            problems.append(exc)
    text = ""
    try:
        text = _text(delivery, label="What was delivered", where=where, field="delivery")
    except ValidationProblem as exc:
        problems.append(exc)
    if problems:
        raise ValidationProblems(problems)
    assert q is not None
    return q, amount, figures, text


def _write(
    *,
    service: CommissionedService,
    q: FinancialQuarter,
    version: int,
    cost: Decimal,
    figures: dict[PerformanceMeasure, Decimal],
    delivery: str,
    correction_reason: str,
    submitted_by: Any,
) -> ServiceReturn:
    user = submitted_by if getattr(submitted_by, "is_authenticated", False) else None
    ret = ServiceReturn.objects.create(
        service=service,
        period_start=q.start,
        version=version,
        is_current=True,
        cost=cost,
        delivery=delivery,
        correction_reason=correction_reason,
        submitted_by=user,
        submitted_for_id=service.provider_id,
    )
    ServiceReturnValue.objects.bulk_create(
        [ServiceReturnValue(service_return=ret, measure=m, value=v) for m, v in figures.items()]
    )
    audit_record(
        actor=submitted_by,
        action="service_return.correct" if version > 1 else "service_return.submit",
        obj=ret,
        service=service.pk,
        quarter=q.label,
        version=version,
        cost=str(cost),
    )
    return ret


def service_return_submit(
    *,
    service: CommissionedService,
    quarter: FinancialQuarter | str,
    cost: object,
    values: Mapping[Any, object],
    delivery: object = "",
    submitted_by: Any = None,
    today: date | None = None,
) -> ServiceReturn:
    """A provider's first return for a quarter of the fund's year, once the quarter has ended: the
    cost, what was delivered, and a figure for every one of the service's measures (keys are the
    measures' ids; a key that is not one of this service's measures is refused, never ignored).
    A second return for the same quarter is refused: a change is a correction."""
    q, cost_amount, figures, text = _check_return(
        service=service,
        quarter=quarter,
        cost=cost,
        values=values,
        delivery=delivery,
        today=today or timezone.localdate(),
    )
    where = f"{service.name} ({service.location})"
    already = ServiceReturn.objects.filter(service=service, period_start=q.start, is_current=True).first()
    if already is not None:
        raise ValidationProblems(
            [
                ValidationProblem(
                    f"A return for {q.words} has already been made (version {already.version}, "
                    f"{timezone.localtime(already.created_at):%d %B %Y}): to change it, make a correction",
                    where=where,
                    field="quarter",
                )
            ]
        )
    try:
        with transaction.atomic():
            return _write(
                service=service,
                q=q,
                version=1,
                cost=cost_amount,
                figures=figures,
                delivery=text,
                correction_reason="",
                submitted_by=submitted_by,
            )
    except IntegrityError:
        raise ValidationProblems(
            [
                ValidationProblem(
                    f"A return for {q.words} was made by someone else just now: look at it, and correct it "
                    "if it needs changing",
                    where=where,
                    field="quarter",
                )
            ]
        ) from None


def service_return_correct(
    *,
    service: CommissionedService,
    quarter: FinancialQuarter | str,
    cost: object,
    values: Mapping[Any, object],
    correction_reason: object,
    delivery: object = "",
    submitted_by: Any = None,
    today: date | None = None,
) -> ServiceReturn:
    """Correct a quarter's return: a new version with the whole return as it should be and the
    reason for the change. The version before stays as it was, no longer current."""
    q, cost_amount, figures, text = _check_return(
        service=service,
        quarter=quarter,
        cost=cost,
        values=values,
        delivery=delivery,
        today=today or timezone.localdate(),
    )
    where = f"{service.name} ({service.location})"
    reason = _text(correction_reason, label="The reason for the correction", where=where, field="correction_reason")
    if not reason:
        raise ValidationProblems(
            [ValidationProblem("Say why the return is being corrected", where=where, field="correction_reason")]
        )
    try:
        with transaction.atomic():
            current = (
                ServiceReturn.objects.select_for_update()
                .filter(service=service, period_start=q.start, is_current=True)
                .first()
            )
            if current is None:
                raise ValidationProblems(
                    [
                        ValidationProblem(
                            f"No return for {q.words} has been made yet: make the return first",
                            where=where,
                            field="quarter",
                        )
                    ]
                )
            current.is_current = False
            current.save(update_fields=["is_current", "updated_at"])
            return _write(
                service=service,
                q=q,
                version=current.version + 1,
                cost=cost_amount,
                figures=figures,
                delivery=text,
                correction_reason=reason,
                submitted_by=submitted_by,
            )
    except IntegrityError:
        raise ValidationProblems(
            [
                ValidationProblem(
                    f"The return for {q.words} was corrected by someone else just now: look at it first",
                    where=where,
                    field="quarter",
                )
            ]
        ) from None


# --- the commissioner's settings ------------------------------------------------------------------


def service_provider_set(
    *, service: CommissionedService, provider: Organisation | None, actor: Any = None
) -> CommissionedService:
    """Record which organisation provides the service (its people with the provider role then make
    its returns), or that none is recorded."""
    with transaction.atomic():
        before = service.provider_id
        service.provider = provider
        service.save(update_fields=["provider", "updated_at"])
        audit_record(
            actor=actor,
            action="commissioned_service.provider",
            obj=service,
            before=before,
            after=provider.pk if provider else None,
        )
    return service


def measure_outcome_count_set(
    *, service: CommissionedService, measure: PerformanceMeasure | None, actor: Any = None
) -> PerformanceMeasure | None:
    """Choose the measure whose figure counts the service's outcomes achieved (what cost per
    outcome divides by), or none. It must be one of the service's "Is anyone better off?" measures."""
    where = f"{service.name} ({service.location})"
    if measure is not None:
        if measure.service_id != service.pk:
            raise ValidationProblem("That measure is not one of this service's measures", where=where, field="measure")
        if measure.question != PerformanceMeasure.Question.BETTER_OFF:
            raise ValidationProblem(
                f'{measure.title} answers "{measure.get_question_display()}": outcomes are counted by an '
                '"Is anyone better off?" measure',
                where=where,
                field="measure",
            )
    with transaction.atomic():
        others = service.measures.select_for_update().filter(counts_outcomes=True)
        if measure is not None:
            others = others.exclude(pk=measure.pk)
        for m in others:
            m.counts_outcomes = False
            m.save(update_fields=["counts_outcomes", "updated_at"])
        if measure is not None and not measure.counts_outcomes:
            measure.counts_outcomes = True
            measure.save(update_fields=["counts_outcomes", "updated_at"])
        audit_record(
            actor=actor,
            action="measure.counts_outcomes",
            obj=service,
            measure=getattr(measure, "pk", None),
        )
    return measure
