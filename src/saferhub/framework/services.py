"""Writes to the outcomes framework: loading framework files (the Essex configuration, imports),
and the edits indicator leads make through forms (story, targets).

Loading reads and checks every file first (``validation.framework_specs_check``), then writes in
one transaction, so a bad file changes nothing. Loading is idempotent: what is already as the file
says is left alone, so loading twice changes nothing. A record that a person has edited in the hub
(its history names a user) is kept as they left it and reported as "kept".
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from django.db import models, transaction

from saferhub.core.audit import audit_record
from saferhub.core.codes import parse_period
from saferhub.core.errors import NotFound, ValidationProblem, about_field
from saferhub.core.loading import LoadSummary
from saferhub.framework import fileformat
from saferhub.framework.models import (
    Baseline,
    Framework,
    Indicator,
    IndicatorMembership,
    Outcome,
    PartnerContribution,
    PolarityChange,
    Story,
    Target,
    Theme,
    ValueType,
)
from saferhub.framework.plans import LoadPlan, MembershipPlan, ThemePlan
from saferhub.framework.validation import framework_specs_check
from saferhub.geography.models import Area

BUILTIN_CONFIGURATIONS = ("essex",)


def _edited_in_hub(obj: models.Model) -> bool:
    history = getattr(obj, "history", None)
    return history is not None and history.filter(history_user__isnull=False).exists()


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    f = obj._meta.get_field(name)
    if isinstance(f, models.ForeignKey):
        current = getattr(obj, f.attname)
        return current != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], summary: LoadSummary
) -> models.Model:
    counts = summary.counts[str(model._meta.verbose_name_plural)]
    values = {k: v for k, v in values.items() if k not in lookup}
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        counts.created += 1
        return obj
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    if not changed:
        counts.unchanged += 1
        return obj
    if _edited_in_hub(obj):
        counts.kept += 1
        return obj
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=[*changed, "updated_at"])
    counts.updated += 1
    return obj


def _write(plan: LoadPlan, *, actor: Any = None) -> LoadSummary:
    from saferhub.accounts.models import Organisation, Partnership
    from saferhub.measures.services import indicator_values_write

    summary = LoadSummary()
    partnerships = {p.slug: p for p in Partnership.objects.all()}
    organisations = {o.slug: o for o in Organisation.objects.all()}
    areas = {a.code: a for a in Area.objects.filter(code__in=plan.areas)}

    def area(code: str) -> Any:
        return areas[code] if code else None

    def org(slug: str) -> Any:
        return organisations[slug] if slug else None

    indicators: dict[str, Indicator] = {i.slug: i for i in Indicator.objects.all()}
    for slug, ip in plan.indicators.items():
        values = {
            **ip.values,
            "lead_organisation": org(ip.values["lead_organisation"]),
            "owner": partnerships.get(ip.values["owner"]) if ip.values["owner"] else None,
        }
        indicators[slug] = _upsert(Indicator, {"slug": slug}, values, summary)  # type: ignore[assignment]
        for change in ip.polarity_changes:
            _upsert(
                PolarityChange,
                {"indicator": indicators[slug], "effective_from": change["effective_from"]},
                {"polarity": change["polarity"], "reason": change["reason"]},
                summary,
            )
    rows_by_indicator: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fplan in plan.frameworks:
        fv = fplan.values
        framework: Framework = _upsert(  # type: ignore[assignment]
            Framework,
            {"slug": fplan.slug},
            {**fv, "owner": partnerships[fv["owner"]], "area": area(fv["area"])},
            summary,
        )
        summary.loaded.append(fplan.slug)
        order = 0

        def theme_write(framework: Framework, tp: ThemePlan, outcome: Outcome | None, position: int) -> None:
            nonlocal order
            lookup: dict[str, Any] = {"framework": framework}
            if tp.values["code"]:
                lookup["code"] = tp.values["code"]
            else:
                lookup.update(code="", title=tp.values["title"])
            theme: Theme = _upsert(  # type: ignore[assignment]
                Theme, lookup, {**tp.values, "outcome": outcome, "order": position}, summary
            )
            if tp.story is not None:
                _upsert(Story, {"theme": theme}, tp.story, summary)
            for partner in tp.partners:
                _upsert(
                    PartnerContribution,
                    {"theme": theme, "partner_name": partner["partner_name"]},
                    {**partner, "organisation": org(partner["organisation"])},
                    summary,
                )
            for mp in tp.memberships:
                order += 1
                membership_write(framework, mp, theme, outcome, order)

        def membership_write(
            framework: Framework, mp: MembershipPlan, theme: Theme, outcome: Outcome | None, position: int
        ) -> None:
            indicator = indicators[mp.indicator]
            _upsert(
                IndicatorMembership,
                {"framework": framework, "indicator": indicator},
                {**mp.values, "theme": theme, "outcome": outcome, "order": position},
                summary,
            )
            if mp.story is not None:
                _upsert(Story, {"indicator": indicator}, mp.story, summary)
            for partner in mp.partners:
                _upsert(
                    PartnerContribution,
                    {"indicator": indicator, "partner_name": partner["partner_name"]},
                    {**partner, "organisation": org(partner["organisation"])},
                    summary,
                )
            for t in mp.targets:
                values = {k: v for k, v in t.items() if k not in ("key", "_where")}
                _upsert(
                    Target,
                    {"framework": framework, "indicator": indicator, "key": t["key"]},
                    {**values, "area": area(t["area"])},
                    summary,
                )
            for b in mp.baselines:
                values = {k: v for k, v in b.items() if k not in ("key", "_where")}
                _upsert(
                    Baseline,
                    {"framework": framework, "indicator": indicator, "key": b["key"]},
                    {**values, "area": area(b["area"])},
                    summary,
                )
            rows_by_indicator[mp.indicator].extend(mp.rows)

        for position, op in enumerate(fplan.outcomes, start=1):
            lookup: dict[str, Any] = {"framework": framework}
            if op.values["code"]:
                lookup["code"] = op.values["code"]
            else:
                lookup.update(code="", title=op.values["title"])
            outcome: Outcome = _upsert(  # type: ignore[assignment]
                Outcome, lookup, {**op.values, "order": position}, summary
            )
            for tposition, tp in enumerate(op.themes, start=1):
                theme_write(framework, tp, outcome, position * 100 + tposition)
        for tposition, tp in enumerate(fplan.themes, start=1):
            theme_write(framework, tp, None, 10_000 + tposition)
    for slug, rows in rows_by_indicator.items():
        if not rows:
            continue
        result = indicator_values_write(
            indicator=indicators[slug],
            rows=[{**r, "area": r["area"]} for r in rows],
            actor=actor,
        )
        counts = summary.count("indicator values")
        counts.created += result.created
        counts.updated += result.updated
        counts.unchanged += result.unchanged
    if summary.changed:
        for slug in summary.loaded:
            audit_record(
                actor=actor,
                action="framework.load",
                obj=Framework.objects.get(slug=slug),
                summary=summary.lines(),
            )
    return summary


def framework_specs_load(*, specs: list[tuple[str, fileformat.Node]], actor: Any = None) -> LoadSummary:
    """Check parsed framework files together, then write them all in one transaction or none."""
    plan = framework_specs_check(specs)
    with transaction.atomic():
        return _write(plan, actor=actor)


def _read_file(path: Path) -> tuple[str, fileformat.Node]:
    if not path.exists():
        raise ValidationProblem("file not found", where=str(path))
    content = path.read_bytes()
    if path.suffix.lower() == ".xlsx":
        return path.name, fileformat.read_xlsx(content, name=path.name)
    if path.suffix.lower() in (".yaml", ".yml"):
        return path.name, fileformat.read_yaml(content, name=path.name)
    raise ValidationProblem("is not a framework file: expected .yaml, .yml or .xlsx", where=str(path))


def framework_file_import(
    *, path: Path, owner: str | None = None, slug: str | None = None, actor: Any = None
) -> LoadSummary:
    """Import one framework file (YAML or XLSX). ``owner`` and ``slug`` replace the file's own, so a
    partnership can start from another's framework."""
    name, spec = _read_file(path)
    fw = spec.get("framework")
    if isinstance(fw, fileformat.Node):
        for key, replacement in (("owner", owner), ("slug", slug)):
            if replacement:
                fw[key] = replacement
                fw.key_where[key] = f"the --{key} option"
    return framework_specs_load(specs=[(name, spec)], actor=actor)


def framework_builtin_load(*, name: str, actor: Any = None) -> LoadSummary:
    """Load a built-in configuration (``essex``): every file in ``framework/data/<name>/``."""
    if name not in BUILTIN_CONFIGURATIONS:
        raise NotFound(
            f"there is no built-in framework configuration called {name!r}; "
            f"choose from: {', '.join(BUILTIN_CONFIGURATIONS)}"
        )
    folder = resources.files("saferhub.framework").joinpath("data", name)
    specs = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".yaml"):
            specs.append(
                (
                    f"{name}/{item.name}",
                    fileformat.read_yaml(item.read_text(encoding="utf-8"), name=f"{name}/{item.name}"),
                )
            )
    return framework_specs_load(specs=specs, actor=actor)


def framework_essex_load(*, actor: Any = None) -> LoadSummary:
    """The Essex configuration transcribed from the seed documents. Twice changes nothing."""
    return framework_builtin_load(name="essex", actor=actor)


# --- edits by indicator leads ----------------------------------------------------------------


def story_update(*, indicator: Indicator, text: str, actor: Any, reason: str = "") -> Story:
    """Replace the story behind the baseline of ``indicator``; the previous text stays in its history."""
    text = (text or "").strip()
    if not text:
        raise ValidationProblem("Enter the story behind the baseline", field="text")
    if len(text) > 20_000:
        raise ValidationProblem("The story must be 20,000 characters or fewer", field="text")
    if "\x00" in text:
        raise ValidationProblem("The story contains a character that cannot be saved", field="text")
    with transaction.atomic():
        story = Story.objects.select_for_update().filter(indicator=indicator).first()
        if story is not None and story.text == text:
            return story
        if story is None:
            story = Story(indicator=indicator, text=text, source="Written in saferhub")
        else:
            story.text = text
        story._history_user = actor  # type: ignore[attr-defined]
        story._change_reason = reason[:100]  # type: ignore[attr-defined]
        story.save()
        audit_record(actor=actor, action="story.update", obj=story, indicator=indicator.slug)
    return story


TARGET_FIELDS = ("area", "ambition", "horizon", "target_date", "period_label", "kind", "value", "direction", "wording")


def _target_check(*, indicator: Indicator, values: dict[str, Any]) -> dict[str, Any]:
    wording = (values.get("wording") or "").strip()
    if not wording:
        raise ValidationProblem("Enter the ambition in the plan's own words", field="wording")
    kind = values.get("kind") or Target.Kind.TBC
    if kind not in Target.Kind.values:
        raise ValidationProblem("Choose what kind of target this is", field="kind")
    horizon = values.get("horizon") or Target.Horizon.PLAN
    if horizon not in Target.Horizon.values:
        raise ValidationProblem("Choose when the target falls due", field="horizon")
    value = values.get("value")
    if kind == Target.Kind.VALUE and value is None:
        raise ValidationProblem("Enter the target value, or choose another kind of target", field="value")
    if value is not None and value < 0 and indicator.value_type != ValueType.SCORE:
        raise ValidationProblem("The target value cannot be negative", field="value")
    if value is not None and indicator.value_type == ValueType.PERCENTAGE and value > 100:
        raise ValidationProblem("A percentage target cannot be more than 100", field="value")
    target_date: date | None = values.get("target_date")
    if horizon == Target.Horizon.DATE and target_date is None:
        raise ValidationProblem("Enter the date the target falls due", field="target_date")
    period = (values.get("period_label") or "").strip()
    if period:
        with about_field("period_label"):
            period = parse_period(period, where="period").label
    direction = values.get("direction") or ""
    if direction not in Target.Direction.values:
        raise ValidationProblem("Choose a direction", field="direction")
    return {
        "area": values.get("area"),
        "ambition": (values.get("ambition") or "").strip(),
        "horizon": horizon,
        "target_date": target_date,
        "period_label": period,
        "kind": kind,
        "value": value,
        "direction": direction,
        "wording": wording,
    }


def target_create(
    *,
    indicator: Indicator,
    framework: Framework | None,
    actor: Any,
    wording: str,
    kind: str = Target.Kind.TBC,
    horizon: str = Target.Horizon.PLAN,
    value: float | None = None,
    direction: str = "",
    target_date: date | None = None,
    period_label: str = "",
    ambition: str = "",
    area: Area | None = None,
) -> Target:
    """Add a target or ambition for ``indicator`` (checked first; history and audit recorded)."""
    clean = _target_check(
        indicator=indicator,
        values={
            "wording": wording,
            "kind": kind,
            "horizon": horizon,
            "value": value,
            "direction": direction,
            "target_date": target_date,
            "period_label": period_label,
            "ambition": ambition,
            "area": area,
        },
    )
    with transaction.atomic():
        order = (indicator.targets.filter(framework=framework).aggregate(m=models.Max("order"))["m"] or 0) + 1
        target = Target(indicator=indicator, framework=framework, order=order, source="Written in saferhub", **clean)
        target._history_user = actor  # type: ignore[attr-defined]
        target.save()
        audit_record(actor=actor, action="target.create", obj=target, indicator=indicator.slug)
    return target


def target_update(
    *,
    target: Target,
    actor: Any,
    wording: str,
    kind: str = Target.Kind.TBC,
    horizon: str = Target.Horizon.PLAN,
    value: float | None = None,
    direction: str = "",
    target_date: date | None = None,
    period_label: str = "",
    ambition: str = "",
    area: Area | None = None,
) -> Target:
    """Change a target (every field is given, as the form shows them all); its previous version
    stays in the history."""
    clean = _target_check(
        indicator=target.indicator,
        values={
            "wording": wording,
            "kind": kind,
            "horizon": horizon,
            "value": value,
            "direction": direction,
            "target_date": target_date,
            "period_label": period_label,
            "ambition": ambition,
            "area": area,
        },
    )
    changed = [name for name, value in clean.items() if _differs(target, name, value)]
    if not changed:
        return target
    with transaction.atomic():
        for name in changed:
            setattr(target, name, clean[name])
        target._history_user = actor  # type: ignore[attr-defined]
        target.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action="target.update", obj=target, fields=changed)
    return target
