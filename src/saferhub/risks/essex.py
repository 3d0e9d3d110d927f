"""The built-in Essex risk registers (``risks/data/essex.yaml``), loaded by
``saferhub risks load-essex`` (or ``saferhub delivery load-essex``): a loader of built-in data,
kept apart from the services people use."""

from __future__ import annotations

from importlib import resources

import yaml
from django.db import transaction

from saferhub.accounts.models import Partnership
from saferhub.core.errors import ValidationProblem
from saferhub.core.loading import LoadSummary
from saferhub.core.models import Publication
from saferhub.delivery.links import IndicatorResolver
from saferhub.delivery.models import Action
from saferhub.framework.models import Outcome, Theme
from saferhub.risks.models import Risk, RiskRegister
from saferhub.risks.services import risk_values


def risks_essex_load() -> LoadSummary:
    """Load the Essex risk registers from ``risks/data/essex.yaml`` (the three road-safety risks
    seed 000 lists "to be fed into main sheet"). Creates what is missing, never overwrites; links
    indicators and mitigating actions that are loaded and reports the rest. Twice changes nothing."""
    spec = yaml.safe_load(resources.files("saferhub.risks").joinpath("data", "essex.yaml").read_text(encoding="utf-8"))
    partnerships = {p.slug: p for p in Partnership.objects.all()}
    for reg in spec["registers"]:
        if reg["partnership"] not in partnerships:
            raise ValidationProblem(
                f"partnership {reg['partnership']!r} is not loaded: run `saferhub accounts load-essex` first",
                where=f"risks/data/essex.yaml, register {reg['slug']}",
            )
        for r in reg["risks"]:
            risk_values({"reference": r["ref"], "event": r["event"]}, where=f"risks/data/essex.yaml, risk {r['ref']}")
    resolver = IndicatorResolver()
    summary = LoadSummary()
    registers, risks, links = summary.count("risk registers"), summary.count("risks"), summary.count("links")
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
                    publication=reg.get("publication", Publication.PUBLISHED),
                )
                registers.created += 1
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
                    registers.updated += 1
                else:
                    registers.unchanged += 1
            actions = {a.reference: a for a in Action.objects.filter(plan__slug=reg.get("actions_plan", ""))}
            for order, r in enumerate(reg["risks"], start=1):
                inds, not_found = resolver.resolve_all(r.get("indicators", []), default_seed=reg.get("framework_seed"))
                for label in not_found:
                    summary.not_linked_add(label, f"risk {r['ref']}")
                linked = [actions[ref] for ref in r.get("actions", []) if ref in actions]
                for ref in r.get("actions", []):
                    if ref not in actions:
                        summary.not_linked_add(f"action {ref}", f"risk {r['ref']}")
                risk = Risk.objects.filter(register=register, reference=r["ref"]).first()
                if risk is None:
                    risk = Risk.objects.create(
                        register=register, reference=r["ref"], event=r["event"], order=order, source=reg["source"][:300]
                    )
                    risks.created += 1
                    links.created += len(inds) + len(linked)
                    risk.indicators.set(inds)
                    risk.mitigating_actions.set(linked)
                    continue
                new_inds = [i for i in inds if not risk.indicators.filter(pk=i.pk).exists()]
                new_actions = [a for a in linked if not risk.mitigating_actions.filter(pk=a.pk).exists()]
                if new_inds or new_actions:
                    risk.indicators.add(*new_inds)
                    risk.mitigating_actions.add(*new_actions)
                    links.created += len(new_inds) + len(new_actions)
                else:
                    risks.unchanged += 1
    return summary
