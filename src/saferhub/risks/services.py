"""Writes for risk registers: create and edit risks, record reviews (the Essex registers load in ``risks.essex``).

Impact and likelihood are checked against the corporate matrix (1–4) before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from saferhub.accounts.models import User
from saferhub.core.audit import audit_record
from saferhub.core.checks import UNCHANGED, Unchanged, check_choice, check_date, check_text, merged
from saferhub.core.errors import ValidationProblem, about_field
from saferhub.delivery.models import Action
from saferhub.framework.models import Indicator
from saferhub.risks.matrix import check_level
from saferhub.risks.models import Approach, Risk, RiskRegister, RiskReview

_APPROACHES = {value for value, _ in Approach.choices}

RISK_FIELDS = (
    "reference",
    "event",
    "cause",
    "consequence",
    "owner_role",
    "owner",
    "review_period_months",
    "next_review_date",
    "inherent_impact",
    "inherent_likelihood",
    "approach",
    "controls",
    "control_owner_role",
    "controlled_impact",
    "controlled_likelihood",
    "status",
    "source",
)


def risk_values(values: dict[str, Any], *, where: str) -> dict[str, Any]:
    """Check a full set of risk fields; return them cleaned. Raises ``ValidationProblem`` naming
    the field. Shared with the Essex loader, which checks its file with it."""
    out = dict(values)
    out["reference"] = str(out.get("reference") or "").strip()
    out["event"] = str(out.get("event") or "").strip()
    if not out["reference"]:
        raise ValidationProblem("a risk needs a reference (e.g. R1)", where=where, field="reference", code="required")
    if len(out["reference"]) > 40:
        raise ValidationProblem(
            "the reference is longer than 40 characters", where=where, field="reference", code="too_long"
        )
    if not out["event"]:
        raise ValidationProblem(
            "a risk needs the details of the risk event", where=where, field="event", code="required"
        )
    for prefix in ("inherent", "controlled"):
        i, lk = out.get(f"{prefix}_impact"), out.get(f"{prefix}_likelihood")
        label = "before controls" if prefix == "inherent" else "with controls"
        if i in ("", None) and lk in ("", None):
            out[f"{prefix}_impact"] = out[f"{prefix}_likelihood"] = None
            continue
        if i in ("", None) or lk in ("", None):
            missing = f"{prefix}_impact" if i in ("", None) else f"{prefix}_likelihood"
            raise ValidationProblem(
                f"give both impact and likelihood {label}, or neither", where=where, field=missing, code="required"
            )
        with about_field(f"{prefix}_impact"):
            out[f"{prefix}_impact"] = check_level(i, name=f"impact {label}", where=where)
        with about_field(f"{prefix}_likelihood"):
            out[f"{prefix}_likelihood"] = check_level(lk, name=f"likelihood {label}", where=where)
    approach = out.get("approach") or ""
    if approach and approach not in _APPROACHES:
        raise ValidationProblem(
            f"approach {approach!r} must be treat, tolerate, transfer or terminate", where=where, field="approach"
        )
    out["approach"] = approach
    period = out.get("review_period_months")
    if period in ("", None):
        out["review_period_months"] = None
    else:
        try:
            out["review_period_months"] = int(str(period))
        except (TypeError, ValueError):
            raise ValidationProblem(
                f"review period {period!r} is not a number of months", where=where, field="review_period_months"
            ) from None
        if not 1 <= out["review_period_months"] <= 36:
            raise ValidationProblem(
                "the review period must be from 1 to 36 months",
                where=where,
                field="review_period_months",
                code="out_of_range",
            )
    out["next_review_date"] = check_date(
        out.get("next_review_date"), field="next_review_date", label="next review date", where=where, required=False
    )
    status = out.get("status") or Risk.Status.OPEN
    out["status"] = check_choice(status, Risk.Status, field="status", where=where)
    for name, limit in (("owner_role", 200), ("control_owner_role", 200), ("source", 300)):
        if name in out:
            out[name] = check_text(out[name], field=name, where=where, max_length=limit)
    for name in ("cause", "consequence", "controls"):
        if name in out:
            out[name] = check_text(out[name], field=name, where=where)
    return out


def risk_create(
    *,
    register: RiskRegister,
    reference: str,
    event: str,
    cause: str = "",
    consequence: str = "",
    owner_role: str = "",
    owner: User | None = None,
    review_period_months: int | str | None = None,
    next_review_date: date | None = None,
    inherent_impact: int | str | None = None,
    inherent_likelihood: int | str | None = None,
    approach: str = "",
    controls: str = "",
    control_owner_role: str = "",
    controlled_impact: int | str | None = None,
    controlled_likelihood: int | str | None = None,
    status: str = Risk.Status.OPEN,
    source: str = "",
    actor: Any = None,
    mitigating_actions: Iterable[Action] = (),
    indicators: Iterable[Indicator] = (),
) -> Risk:
    """Add a risk to a register. Refuses a level off the matrix (e.g. likelihood 5), a repeated
    reference or a missing event, saving nothing."""
    where = f"{register.title}, risk {reference}"
    values = risk_values(
        {
            "reference": reference,
            "event": event,
            "cause": cause,
            "consequence": consequence,
            "owner_role": owner_role,
            "owner": owner,
            "review_period_months": review_period_months,
            "next_review_date": next_review_date,
            "inherent_impact": inherent_impact,
            "inherent_likelihood": inherent_likelihood,
            "approach": approach,
            "controls": controls,
            "control_owner_role": control_owner_role,
            "controlled_impact": controlled_impact,
            "controlled_likelihood": controlled_likelihood,
            "status": status,
            "source": source,
        },
        where=where,
    )
    actions, inds = list(mitigating_actions), list(indicators)
    with transaction.atomic():
        RiskRegister.objects.select_for_update().filter(pk=register.pk).first()
        if Risk.objects.filter(register=register, reference=values["reference"]).exists():
            raise ValidationProblem(
                f"{register.title} already has a risk {values['reference']}",
                where=where,
                field="reference",
                code="duplicate",
            )
        risk = Risk.objects.create(register=register, order=register.risks.count() + 1, **values)
        if actions:
            risk.mitigating_actions.set(actions)
        if inds:
            risk.indicators.set(inds)
        audit_record(actor=actor, action="risk.create", obj=risk, register=register.slug, reference=risk.reference)
    return risk


def risk_update(
    *,
    risk: Risk,
    reference: str | Unchanged = UNCHANGED,
    event: str | Unchanged = UNCHANGED,
    cause: str | Unchanged = UNCHANGED,
    consequence: str | Unchanged = UNCHANGED,
    owner_role: str | Unchanged = UNCHANGED,
    owner: User | Unchanged | None = UNCHANGED,
    review_period_months: int | str | Unchanged | None = UNCHANGED,
    next_review_date: date | Unchanged | None = UNCHANGED,
    inherent_impact: int | str | Unchanged | None = UNCHANGED,
    inherent_likelihood: int | str | Unchanged | None = UNCHANGED,
    approach: str | Unchanged = UNCHANGED,
    controls: str | Unchanged = UNCHANGED,
    control_owner_role: str | Unchanged = UNCHANGED,
    controlled_impact: int | str | Unchanged | None = UNCHANGED,
    controlled_likelihood: int | str | Unchanged | None = UNCHANGED,
    status: str | Unchanged = UNCHANGED,
    source: str | Unchanged = UNCHANGED,
    actor: Any = None,
    mitigating_actions: Iterable[Action] | None = None,
    indicators: Iterable[Indicator] | None = None,
) -> Risk:
    """Change a risk's fields; the combined result is checked before anything is saved."""
    where = f"{risk.register.title}, risk {risk.reference}"
    values = risk_values(
        merged(
            risk,
            reference=reference,
            event=event,
            cause=cause,
            consequence=consequence,
            owner_role=owner_role,
            owner=owner,
            review_period_months=review_period_months,
            next_review_date=next_review_date,
            inherent_impact=inherent_impact,
            inherent_likelihood=inherent_likelihood,
            approach=approach,
            controls=controls,
            control_owner_role=control_owner_role,
            controlled_impact=controlled_impact,
            controlled_likelihood=controlled_likelihood,
            status=status,
            source=source,
        ),
        where=where,
    )
    if Risk.objects.filter(register=risk.register, reference=values["reference"]).exclude(pk=risk.pk).exists():
        raise ValidationProblem(
            f"{risk.register.title} already has a risk {values['reference']}",
            where=where,
            field="reference",
            code="duplicate",
        )
    changed = [k for k in RISK_FIELDS if getattr(risk, k) != values[k]]
    with transaction.atomic():
        for k in changed:
            setattr(risk, k, values[k])
        if changed:
            risk.save(update_fields=[*changed, "updated_at"])
        if mitigating_actions is not None:
            risk.mitigating_actions.set(list(mitigating_actions))
        if indicators is not None:
            risk.indicators.set(list(indicators))
        audit_record(actor=actor, action="risk.update", obj=risk, fields=changed)
    return risk


def _add_months(day: date, months: int) -> date:
    import calendar

    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def risk_review_record(
    *,
    risk: Risk,
    reviewed_on: date,
    note: str,
    reviewer: Any = None,
    controlled_impact: object = None,
    controlled_likelihood: object = None,
    next_review_date: date | None = None,
) -> RiskReview:
    """Record a review: the note, the assessment with controls (if reassessed) and the next review
    date (given, or the review period after this review)."""
    where = f"{risk.register.title}, risk {risk.reference}"
    note = (note or "").strip()
    check_date(reviewed_on, field="reviewed_on", label="review date", where=where)
    if not note:
        raise ValidationProblem("say what the review found", where=where, field="note", code="required")
    impact = likelihood = None
    if controlled_impact not in (None, "") or controlled_likelihood not in (None, ""):
        if controlled_impact in (None, "") or controlled_likelihood in (None, ""):
            missing = "controlled_impact" if controlled_impact in (None, "") else "controlled_likelihood"
            raise ValidationProblem(
                "give both impact and likelihood with controls, or neither", where=where, field=missing, code="required"
            )
        with about_field("controlled_impact"):
            impact = check_level(controlled_impact, name="impact with controls", where=where)
        with about_field("controlled_likelihood"):
            likelihood = check_level(controlled_likelihood, name="likelihood with controls", where=where)
    next_review_date = check_date(
        next_review_date, field="next_review_date", label="next review date", where=where, required=False
    )
    if next_review_date is None and risk.review_period_months:
        next_review_date = _add_months(reviewed_on, risk.review_period_months)
    if next_review_date is not None and next_review_date <= reviewed_on:
        raise ValidationProblem(
            "the next review must be after this review", where=where, field="next_review_date", code="before_start"
        )
    with transaction.atomic():
        review = RiskReview.objects.create(
            risk=risk,
            reviewed_on=reviewed_on,
            reviewer=reviewer if getattr(reviewer, "pk", None) else None,
            note=note,
            controlled_impact=impact,
            controlled_likelihood=likelihood,
            next_review_date=next_review_date,
        )
        risk.last_reviewed_on = reviewed_on
        fields = ["last_reviewed_on", "updated_at"]
        if next_review_date is not None:
            risk.next_review_date = next_review_date
            fields.append("next_review_date")
        if impact is not None:
            risk.controlled_impact, risk.controlled_likelihood = impact, likelihood
            fields += ["controlled_impact", "controlled_likelihood"]
        risk.save(update_fields=fields)
        audit_record(actor=reviewer, action="risk.review", obj=risk, on=reviewed_on.isoformat())
    return review
