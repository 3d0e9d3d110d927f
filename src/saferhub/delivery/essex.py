"""The built-in Essex action plans (``delivery/data/essex.yaml``), loaded by
``saferhub delivery load-essex``: a loader of built-in data, kept apart from the services people
use. It checks the whole file first, then creates what is missing in one transaction, and never
overwrites an action that exists (people own it once it is loaded)."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

import yaml
from django.db import transaction

from saferhub.accounts.models import Organisation, Partnership
from saferhub.core.checks import check_amount, check_date, check_dates_in_order
from saferhub.core.errors import ValidationProblem
from saferhub.core.loading import LoadSummary
from saferhub.core.models import Publication
from saferhub.delivery.links import IndicatorResolver
from saferhub.delivery.models import Action, ActionPlan
from saferhub.framework.models import Framework, Theme


def _theme_for(framework: Framework | None, code: str) -> Theme | None:
    if framework is None or not code:
        return None
    wanted = code.strip("() ").lower()
    for theme in Theme.objects.filter(framework=framework):
        if theme.code.strip("() ").lower() == wanted:
            return theme
    return None


def delivery_essex_load() -> LoadSummary:
    """Load the Essex action plans from ``delivery/data/essex.yaml``: the CSA's key activities for
    years 1–3 and its 2010/11 actions by priority (seed 001), and the commissioning strategy's
    strategic actions (seed 000).

    Creates what is missing and never overwrites an action that exists (people own it once it is
    loaded); links indicators that the framework has and reports the ones it does not. Twice changes
    nothing. Needs the Essex partnerships (``saferhub accounts load-essex``).
    """
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
            start = check_date(heading.get("start"), field="start", where=where, required=False)
            due = check_date(heading.get("due"), field="due", where=where, required=False)
            check_dates_in_order(start=start, end=due, end_field="due", where=where)
            if a.get("amount") is not None:
                check_amount(str(a["amount"]), field="amount", where=where)

    resolver = IndicatorResolver()
    summary = LoadSummary()
    plans, actions, links = summary.count("action plans"), summary.count("actions"), summary.count("indicator links")
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
                    publication=plan_spec.get("publication", Publication.PUBLISHED),
                    description=(plan_spec.get("description", "") + "\n\n" + plan_spec.get("source_note", "")).strip(),
                )
                plans.created += 1
            elif plan.framework_id is None and framework is not None:
                plan.framework = framework
                plan.save(update_fields=["framework", "updated_at"])
                plans.updated += 1
            else:
                plans.unchanged += 1
            existing = {a.reference: a for a in plan.actions.prefetch_related("indicators")}
            for order, a in enumerate(plan_spec["actions"], start=1):
                heading = plan_spec["headings"][a["heading"]]
                refs = a.get("indicators", heading.get("indicators", []))
                indicators, not_found = resolver.resolve_all(refs, default_seed=plan_spec.get("framework_seed"))
                for label in not_found:
                    summary.not_linked_add(label, a["ref"])
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
                    actions.created += 1
                    links.created += len(indicators)
                    continue
                if action.theme_id is None:
                    theme = _theme_for(framework, str(heading.get("theme_code", "")))
                    if theme is not None:
                        action.theme = theme
                        action.save(update_fields=["theme", "updated_at"])
                        actions.updated += 1
                have = {i.pk for i in action.indicators.all()}
                new = [i for i in indicators if i.pk not in have]
                if new:
                    action.indicators.add(*new)
                    links.created += len(new)
                else:
                    actions.unchanged += 1
    return summary
