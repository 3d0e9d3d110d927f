"""Writes for risk registers: create and edit risks, record reviews, load the Essex registers.

Impact and likelihood are checked against the corporate matrix (1–4) before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from saferhub.core.audit import audit_record
from saferhub.core.errors import ValidationProblem
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


def _clean(values: dict[str, Any], *, where: str) -> dict[str, Any]:
    """Check a full set of risk fields; return them cleaned. Raises ``ValidationProblem``."""
    out = dict(values)
    out["reference"] = str(out.get("reference") or "").strip()
    out["event"] = str(out.get("event") or "").strip()
    if not out["reference"]:
        raise ValidationProblem("a risk needs a reference (e.g. R1)", where=where)
    if len(out["reference"]) > 40:
        raise ValidationProblem("the reference is longer than 40 characters", where=where)
    if not out["event"]:
        raise ValidationProblem("a risk needs the details of the risk event", where=where)
    for prefix in ("inherent", "controlled"):
        i, lk = out.get(f"{prefix}_impact"), out.get(f"{prefix}_likelihood")
        label = "before controls" if prefix == "inherent" else "with controls"
        if i in ("", None) and lk in ("", None):
            out[f"{prefix}_impact"] = out[f"{prefix}_likelihood"] = None
            continue
        if i in ("", None) or lk in ("", None):
            raise ValidationProblem(f"give both impact and likelihood {label}, or neither", where=where)
        out[f"{prefix}_impact"] = check_level(i, name=f"impact {label}", where=where)
        out[f"{prefix}_likelihood"] = check_level(lk, name=f"likelihood {label}", where=where)
    approach = out.get("approach") or ""
    if approach and approach not in _APPROACHES:
        raise ValidationProblem(f"approach {approach!r} must be treat, tolerate, transfer or terminate", where=where)
    out["approach"] = approach
    period = out.get("review_period_months")
    if period in ("", None):
        out["review_period_months"] = None
    else:
        try:
            out["review_period_months"] = int(str(period))
        except (TypeError, ValueError):
            raise ValidationProblem(f"review period {period!r} is not a number of months", where=where) from None
        if not 1 <= out["review_period_months"] <= 36:
            raise ValidationProblem("the review period must be from 1 to 36 months", where=where)
    nxt = out.get("next_review_date")
    if nxt is not None and not isinstance(nxt, date):
        raise ValidationProblem(f"next review date {nxt!r} is not a date", where=where)
    status = out.get("status") or Risk.Status.OPEN
    if status not in {s for s, _ in Risk.Status.choices}:
        raise ValidationProblem(f"status {status!r} must be open or closed", where=where)
    out["status"] = status
    return out


def risk_create(
    *,
    register: RiskRegister,
    reference: str,
    event: str,
    actor: Any = None,
    mitigating_actions: Iterable[Any] = (),
    indicators: Iterable[Any] = (),
    **fields: Any,
) -> Risk:
    """Add a risk to a register. Refuses a level off the matrix (e.g. likelihood 5), a repeated
    reference or a missing event, saving nothing."""
    unknown = set(fields) - set(RISK_FIELDS)
    if unknown:
        raise ValidationProblem(f"a risk has no field {', '.join(sorted(unknown))}")
    where = f"{register.title}, risk {reference}"
    values = _clean({"reference": reference, "event": event, **fields}, where=where)
    if Risk.objects.filter(register=register, reference=values["reference"]).exists():
        raise ValidationProblem(f"{register.title} already has a risk {values['reference']}", where=where)
    actions, inds = list(mitigating_actions), list(indicators)
    with transaction.atomic():
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
    actor: Any = None,
    mitigating_actions: Iterable[Any] | None = None,
    indicators: Iterable[Any] | None = None,
    **changes: Any,
) -> Risk:
    """Change a risk's fields; the combined result is checked before anything is saved."""
    unknown = set(changes) - set(RISK_FIELDS)
    if unknown:
        raise ValidationProblem(f"a risk has no field {', '.join(sorted(unknown))}")
    where = f"{risk.register.title}, risk {risk.reference}"
    merged = {name: changes.get(name, getattr(risk, name)) for name in RISK_FIELDS}
    values = _clean(merged, where=where)
    if Risk.objects.filter(register=risk.register, reference=values["reference"]).exclude(pk=risk.pk).exists():
        raise ValidationProblem(f"{risk.register.title} already has a risk {values['reference']}", where=where)
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
    if not isinstance(reviewed_on, date):
        raise ValidationProblem(f"review date {reviewed_on!r} is not a date", where=where)
    if not note:
        raise ValidationProblem("say what the review found", where=where)
    impact = likelihood = None
    if controlled_impact not in (None, "") or controlled_likelihood not in (None, ""):
        if controlled_impact in (None, "") or controlled_likelihood in (None, ""):
            raise ValidationProblem("give both impact and likelihood with controls, or neither", where=where)
        impact = check_level(controlled_impact, name="impact with controls", where=where)
        likelihood = check_level(controlled_likelihood, name="likelihood with controls", where=where)
    if next_review_date is None and risk.review_period_months:
        next_review_date = _add_months(reviewed_on, risk.review_period_months)
    if next_review_date is not None and next_review_date <= reviewed_on:
        raise ValidationProblem("the next review must be after this review", where=where)
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


def risks_essex_load() -> dict[str, Any]:
    """Load the Essex risk registers from ``risks/data/essex.yaml`` (the three road-safety risks
    seed 000 lists "to be fed into main sheet"). Creates what is missing, never overwrites; links
    indicators and mitigating actions that are loaded and reports the rest. Twice changes nothing."""
    from importlib import resources

    import yaml

    from saferhub.accounts.models import Partnership
    from saferhub.delivery.links import IndicatorResolver
    from saferhub.delivery.models import Action
    from saferhub.framework.models import Outcome, Theme

    spec = yaml.safe_load(resources.files("saferhub.risks").joinpath("data", "essex.yaml").read_text(encoding="utf-8"))
    partnerships = {p.slug: p for p in Partnership.objects.all()}
    for reg in spec["registers"]:
        if reg["partnership"] not in partnerships:
            raise ValidationProblem(
                f"partnership {reg['partnership']!r} is not loaded: run `saferhub accounts load-essex` first",
                where=f"risks/data/essex.yaml, register {reg['slug']}",
            )
        for r in reg["risks"]:
            _clean({"reference": r["ref"], "event": r["event"]}, where=f"risks/data/essex.yaml, risk {r['ref']}")
    resolver = IndicatorResolver()
    counts: dict[str, Any] = {"registers_created": 0, "risks_created": 0, "links_added": 0, "unchanged": 0}
    missing: list[str] = []
    with transaction.atomic():
        for reg in spec["registers"]:
            framework = resolver.framework(seed=reg.get("framework_seed"))
            outcome = None
            if framework is not None and reg.get("outcome_code"):
                wanted = str(reg["outcome_code"]).strip("() ").lower()
                outcome = next(
                    (o for o in Outcome.objects.filter(framework=framework) if o.code.strip("() ").lower() == wanted),
                    None,
                )
            theme = None
            if framework is not None and reg.get("theme_code"):
                wanted_theme = str(reg["theme_code"]).strip("() ").lower()
                theme = next(
                    (
                        t
                        for t in Theme.objects.filter(framework=framework)
                        if t.code.strip("() ").lower() == wanted_theme
                    ),
                    None,
                )
                if outcome is None and theme is not None:
                    outcome = theme.outcome
            register = RiskRegister.objects.filter(slug=reg["slug"]).first()
            if register is None:
                register = RiskRegister.objects.create(
                    slug=reg["slug"],
                    title=reg["title"],
                    partnership=partnerships[reg["partnership"]],
                    framework=framework,
                    outcome=outcome,
                    theme=theme,
                    escalation_score=reg.get("escalation_score", 12),
                    description=reg.get("description", ""),
                    source=reg["source"][:300],
                )
                counts["registers_created"] += 1
            else:
                fill = {
                    name: value
                    for name, value in (("framework", framework), ("outcome", outcome), ("theme", theme))
                    if value is not None and getattr(register, f"{name}_id") is None
                }
                if fill:
                    for name, value in fill.items():
                        setattr(register, name, value)
                    register.save(update_fields=[*fill, "updated_at"])
                    counts["links_added"] += len(fill)
            actions = {a.reference: a for a in Action.objects.filter(plan__slug=reg.get("actions_plan", ""))}
            for order, r in enumerate(reg["risks"], start=1):
                inds, not_found = resolver.resolve_all(r.get("indicators", []), default_seed=reg.get("framework_seed"))
                missing += [f"{label} (risk {r['ref']})" for label in not_found]
                linked = [actions[ref] for ref in r.get("actions", []) if ref in actions]
                missing += [f"action {ref} (risk {r['ref']})" for ref in r.get("actions", []) if ref not in actions]
                risk = Risk.objects.filter(register=register, reference=r["ref"]).first()
                if risk is None:
                    risk = Risk.objects.create(
                        register=register, reference=r["ref"], event=r["event"], order=order, source=reg["source"][:300]
                    )
                    counts["risks_created"] += 1
                    risk.indicators.set(inds)
                    risk.mitigating_actions.set(linked)
                    continue
                new_inds = [i for i in inds if not risk.indicators.filter(pk=i.pk).exists()]
                new_actions = [a for a in linked if not risk.mitigating_actions.filter(pk=a.pk).exists()]
                if new_inds or new_actions:
                    risk.indicators.add(*new_inds)
                    risk.mitigating_actions.add(*new_actions)
                    counts["links_added"] += len(new_inds) + len(new_actions)
                else:
                    counts["unchanged"] += 1
    counts["missing_links"] = missing
    return counts
