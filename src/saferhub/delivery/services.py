"""Writes for action plans: create and edit actions, record progress.

Every function validates all of its input first, then writes in one transaction with an audit row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from saferhub.core.audit import audit_record
from saferhub.core.errors import ValidationProblem
from saferhub.delivery.models import Action, ActionPlan, ProgressUpdate

_STATUSES = {value for value, _ in Action.Status.choices}


def _check_dates(*, start_date: date | None, due_date: date | None, where: str) -> None:
    if start_date is not None and not isinstance(start_date, date):
        raise ValidationProblem(f"start date {start_date!r} is not a date", where=where)
    if due_date is not None and not isinstance(due_date, date):
        raise ValidationProblem(f"due date {due_date!r} is not a date", where=where)
    if start_date is not None and due_date is not None and due_date < start_date:
        raise ValidationProblem(
            f"the due date {due_date:%d %B %Y} is before the start date {start_date:%d %B %Y}", where=where
        )


def _check_amount(amount: Decimal | None, *, where: str) -> Decimal | None:
    if amount is None:
        return None
    if isinstance(amount, float):
        raise ValidationProblem("resources (£) must be given as an exact decimal amount, not a float", where=where)
    value = Decimal(amount)
    if not value.is_finite():
        raise ValidationProblem(f"resources (£) {amount!r} is not an amount of money", where=where)
    if value < 0:
        raise ValidationProblem(f"resources (£) cannot be negative (got £{value:,.2f})", where=where)
    if value != value.quantize(Decimal("0.01")):
        raise ValidationProblem(f"resources (£) {value} has more than two decimal places (pence)", where=where)
    return value


def action_create(
    *,
    plan: ActionPlan,
    reference: str,
    title: str,
    lead_organisation: Any = None,
    lead_role: str = "",
    owner: Any = None,
    due_date: date | None = None,
    start_date: date | None = None,
    indicators: Iterable[Any] = (),
    source: str = "",
    actor: Any = None,
    theme: Any = None,
    resources: str = "",
    resources_amount: Decimal | None = None,
    impact: str = "",
    priority: str = "",
    status: str = Action.Status.NOT_STARTED,
    progress_summary: str = "",
    order: int | None = None,
) -> Action:
    """Add an action to ``plan``. Refuses a blank title, a due date before the start date, negative
    resources or an unknown status, saving nothing."""
    reference = (reference or "").strip()
    title = (title or "").strip()
    where = f"action {reference}" if reference else "action"
    if not title:
        raise ValidationProblem("an action needs a title (what will be done)", where=where)
    if len(reference) > 40:
        raise ValidationProblem("the reference is longer than 40 characters", where=where)
    _check_dates(start_date=start_date, due_date=due_date, where=where)
    amount = _check_amount(resources_amount, where=where)
    if status not in _STATUSES:
        raise ValidationProblem(f"status {status!r} is not one of {', '.join(sorted(_STATUSES))}", where=where)
    for name, level in (("impact", impact), ("priority", priority)):
        if level and level not in {"high", "medium", "low"}:
            raise ValidationProblem(f"{name} {level!r} must be high, medium or low", where=where)
    if reference and Action.objects.filter(plan=plan, reference=reference).exists():
        raise ValidationProblem(f"{plan.title} already has an action {reference}", where=where)
    indicator_list = list(indicators)
    with transaction.atomic():
        if order is None:
            order = plan.actions.count() + 1
        action = Action.objects.create(
            plan=plan,
            reference=reference,
            title=title,
            theme=theme,
            lead_organisation=lead_organisation,
            lead_role=lead_role,
            owner=owner,
            resources=resources,
            resources_amount=amount,
            impact=impact,
            priority=priority,
            start_date=start_date,
            due_date=due_date,
            status=status,
            progress_summary=progress_summary,
            order=order,
            source=source,
        )
        if indicator_list:
            action.indicators.set(indicator_list)
        audit_record(actor=actor, action="action.create", obj=action, reference=reference, plan=plan.slug)
    return action


_EDITABLE = {
    "reference",
    "title",
    "theme",
    "lead_organisation",
    "lead_role",
    "owner",
    "resources",
    "resources_amount",
    "impact",
    "priority",
    "start_date",
    "due_date",
    "status",
    "progress_summary",
    "source",
}


def action_update(
    *, action: Action, actor: Any = None, indicators: Iterable[Any] | None = None, **changes: Any
) -> Action:
    """Change fields of an action (history is kept by django-simple-history). Validates the
    combined result (e.g. a new due date against the existing start date) before saving."""
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise ValidationProblem(f"cannot change {', '.join(sorted(unknown))} of an action")
    where = f"action {action.reference}" if action.reference else "action"
    merged = {name: changes.get(name, getattr(action, name)) for name in _EDITABLE}
    if not str(merged["title"] or "").strip():
        raise ValidationProblem("an action needs a title (what will be done)", where=where)
    _check_dates(start_date=merged["start_date"], due_date=merged["due_date"], where=where)
    if "resources_amount" in changes:
        changes["resources_amount"] = _check_amount(changes["resources_amount"], where=where)
    if merged["status"] not in _STATUSES:
        raise ValidationProblem(f"status {merged['status']!r} is not a status", where=where)
    for name in ("impact", "priority"):
        if merged[name] and merged[name] not in {"high", "medium", "low"}:
            raise ValidationProblem(f"{name} {merged[name]!r} must be high, medium or low", where=where)
    new_ref = str(merged["reference"] or "").strip()
    if (
        "reference" in changes
        and new_ref
        and Action.objects.filter(plan=action.plan, reference=new_ref).exclude(pk=action.pk).exists()
    ):
        raise ValidationProblem(f"{action.plan.title} already has an action {new_ref}", where=where)
    changed = [k for k, v in changes.items() if getattr(action, k) != v]
    with transaction.atomic():
        for k in changed:
            setattr(action, k, changes[k])
        if changed:
            action.save(update_fields=[*changed, "updated_at"])
        if indicators is not None:
            action.indicators.set(list(indicators))
        audit_record(actor=actor, action="action.update", obj=action, fields=sorted(changed))
    return action


def action_progress_add(
    *, action: Action, on: date, text: str, author: Any = None, status_after: str = ""
) -> ProgressUpdate:
    """Add a dated entry to the action's progress log; ``status_after`` (if given) becomes the
    action's status, so the log records each change of status."""
    where = f"action {action.reference}" if action.reference else "action"
    text = (text or "").strip()
    if not isinstance(on, date):
        raise ValidationProblem(f"progress date {on!r} is not a date", where=where)
    if not text:
        raise ValidationProblem("a progress update needs some text", where=where)
    if status_after and status_after not in _STATUSES:
        raise ValidationProblem(f"status {status_after!r} is not one of {', '.join(sorted(_STATUSES))}", where=where)
    with transaction.atomic():
        update = ProgressUpdate.objects.create(
            action=action,
            on=on,
            text=text,
            author=author if getattr(author, "pk", None) else None,
            status_after=status_after,
        )
        if status_after and status_after != action.status:
            action.status = status_after
            action.save(update_fields=["status", "updated_at"])
        audit_record(actor=author, action="action.progress", obj=action, on=on.isoformat(), status=status_after)
    return update


# --- loading the built-in Essex action plans ----------------------------------------------------


def _theme_for(framework: Any, code: str) -> Any:
    from saferhub.framework.models import Theme

    if framework is None or not code:
        return None
    wanted = code.strip("() ").lower()
    for theme in Theme.objects.filter(framework=framework):
        if theme.code.strip("() ").lower() == wanted:
            return theme
    return None


def delivery_essex_load() -> dict[str, Any]:
    """Load the Essex action plans from ``delivery/data/essex.yaml``: the CSA's key activities for
    years 1–3 and its 2010/11 actions by priority (seed 001), and the commissioning strategy's
    strategic actions (seed 000).

    Creates what is missing and never overwrites an action that exists (people own it once it is
    loaded); links indicators that the framework has and reports the ones it does not. Twice changes
    nothing. Needs the Essex partnerships (``saferhub accounts load-essex``).
    """
    from importlib import resources

    import yaml

    from saferhub.accounts.models import Organisation, Partnership
    from saferhub.delivery.links import IndicatorResolver

    spec = yaml.safe_load(
        resources.files("saferhub.delivery").joinpath("data", "essex.yaml").read_text(encoding="utf-8")
    )
    where_file = "delivery/data/essex.yaml"
    partnerships = {p.slug: p for p in Partnership.objects.all()}
    organisations = {o.slug: o for o in Organisation.objects.all()}
    # Validate everything first.
    for plan in spec["plans"]:
        if plan["partnership"] not in partnerships:
            raise ValidationProblem(
                f"partnership {plan['partnership']!r} is not loaded: run `saferhub accounts load-essex` first",
                where=f"{where_file}, plan {plan['slug']}",
            )
        refs = [a["ref"] for a in plan["actions"]]
        if len(refs) != len(set(refs)):
            raise ValidationProblem("an action reference is repeated", where=f"{where_file}, plan {plan['slug']}")
        for a in plan["actions"]:
            where = f"{where_file}, plan {plan['slug']}, action {a['ref']}"
            heading = plan["headings"].get(a["heading"])
            if heading is None:
                raise ValidationProblem(f"heading {a['heading']!r} is not listed under headings", where=where)
            org = a.get("lead_org") or heading.get("lead_org")
            if org and org not in organisations:
                raise ValidationProblem(f"organisation {org!r} is not loaded", where=where)
            _check_dates(start_date=heading.get("start"), due_date=heading.get("due"), where=where)
            if a.get("amount") is not None:
                _check_amount(Decimal(str(a["amount"])), where=where)

    resolver = IndicatorResolver()
    counts: dict[str, Any] = {"plans_created": 0, "actions_created": 0, "unchanged": 0, "links_added": 0}
    missing: dict[str, list[str]] = {}
    with transaction.atomic():
        for plan_spec in spec["plans"]:
            framework = resolver.framework(seed=plan_spec.get("framework_seed"), slug=plan_spec.get("framework"))
            plan = ActionPlan.objects.filter(slug=plan_spec["slug"]).first()
            if plan is None:
                plan = ActionPlan.objects.create(
                    slug=plan_spec["slug"],
                    title=plan_spec["title"],
                    partnership=partnerships[plan_spec["partnership"]],
                    framework=framework,
                    source=plan_spec["source"][:300],
                    period_label=plan_spec.get("period_label", ""),
                    description=(plan_spec.get("description", "") + "\n\n" + plan_spec.get("source_note", "")).strip(),
                )
                counts["plans_created"] += 1
            elif plan.framework_id is None and framework is not None:
                plan.framework = framework
                plan.save(update_fields=["framework", "updated_at"])
                counts["links_added"] += 1
            existing = {a.reference: a for a in plan.actions.prefetch_related("indicators")}
            for order, a in enumerate(plan_spec["actions"], start=1):
                heading = plan_spec["headings"][a["heading"]]
                refs = a.get("indicators", heading.get("indicators", []))
                indicators, not_found = resolver.resolve_all(refs, default_seed=plan_spec.get("framework_seed"))
                for label in not_found:
                    missing.setdefault(label, []).append(a["ref"])
                action = existing.get(a["ref"])
                if action is None:
                    progress = str(a.get("progress", "")).strip()
                    status = (
                        Action.Status.COMPLETE
                        if progress.lower() == "completed"
                        else Action.Status.IN_PROGRESS
                        if progress
                        else Action.Status.NOT_STARTED
                    )
                    group = a.get("group")
                    action = Action.objects.create(
                        plan=plan,
                        reference=a["ref"],
                        heading=(a["heading"] + (f" – {group}" if group else ""))[:200],
                        title=a["title"],
                        description=a.get("description", ""),
                        theme=_theme_for(framework, str(heading.get("theme_code", ""))),
                        lead_organisation=organisations.get(a.get("lead_org") or heading.get("lead_org") or ""),
                        lead_role=a.get("lead_role") or heading.get("lead_role", ""),
                        resources=a.get("resources", ""),
                        resources_amount=Decimal(str(a["amount"])) if a.get("amount") is not None else None,
                        impact=a.get("impact", ""),
                        priority=a.get("priority", ""),
                        start_date=heading.get("start"),
                        due_date=heading.get("due"),
                        status=status,
                        progress_summary=progress,
                        budget_risk=a.get("budget_risk", ""),
                        indicator_refs=list(refs),
                        order=order,
                        source=plan_spec["source"][:300],
                        source_note=(a.get("note") or plan_spec.get("source_note", "")).strip(),
                    )
                    if indicators:
                        action.indicators.set(indicators)
                    counts["actions_created"] += 1
                    continue
                if action.theme_id is None:
                    theme = _theme_for(framework, str(heading.get("theme_code", "")))
                    if theme is not None:
                        action.theme = theme
                        action.save(update_fields=["theme", "updated_at"])
                        counts["links_added"] += 1
                have = {i.pk for i in action.indicators.all()}
                new = [i for i in indicators if i.pk not in have]
                if new:
                    action.indicators.add(*new)
                    counts["links_added"] += len(new)
                else:
                    counts["unchanged"] += 1
    counts["missing_indicators"] = {k: sorted(set(v)) for k, v in sorted(missing.items())}
    return counts
