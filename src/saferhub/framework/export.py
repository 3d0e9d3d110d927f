"""The framework written back out in the file schema (docs/framework.md), as `export` writes and `import` reads."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q

from saferhub.framework.models import (
    Baseline,
    Framework,
    Indicator,
    IndicatorMembership,
    PartnerContribution,
    Story,
    Target,
    Theme,
)


def _indicator_spec(i: Indicator) -> dict[str, Any]:
    return {
        "slug": i.slug,
        "title": i.title,
        "definition": i.definition,
        "value_type": i.value_type,
        "unit": i.unit,
        "polarity": i.polarity,
        "polarity_note": i.polarity_note,
        "polarity_changes": [
            {"from": c.effective_from, "polarity": c.polarity, "reason": c.reason} for c in i.polarity_changes.all()
        ],
        "frequency": i.frequency,
        "national_indicator_ref": i.national_indicator_ref,
        "data_source": i.data_source,
        "lead_role": i.lead_role,
        "lead_organisation": i.lead_organisation.slug if i.lead_organisation else "",
        "owner": i.owner.slug if i.owner else "",
        "status": i.status,
        "source": i.source,
    }


def _number(value: float | None) -> Any:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def framework_spec(framework: Framework, *, include_values: bool = False) -> dict[str, Any]:
    """The framework in the file schema (docs/framework.md): what export writes and import reads."""
    from saferhub.measures.models import IndicatorValue

    memberships = list(
        IndicatorMembership.objects.filter(framework=framework)
        .select_related("indicator", "indicator__lead_organisation", "indicator__owner", "theme")
        .prefetch_related("indicator__polarity_changes")
        .order_by("order")
    )
    indicator_ids = [m.indicator_id for m in memberships]
    targets: dict[int, list[Target]] = defaultdict(list)
    for t in Target.objects.filter(framework=framework).select_related("area").order_by("order", "id"):
        targets[t.indicator_id].append(t)
    baselines: dict[int, list[Baseline]] = defaultdict(list)
    for b in Baseline.objects.filter(framework=framework).select_related("area").order_by("order", "id"):
        baselines[b.indicator_id].append(b)
    stories = {s.indicator_id: s for s in Story.objects.filter(indicator_id__in=indicator_ids)}
    theme_stories = {s.theme_id: s for s in Story.objects.filter(theme__framework=framework)}
    partners: dict[tuple[str, int], list[PartnerContribution]] = defaultdict(list)
    for p in PartnerContribution.objects.filter(
        Q(theme__framework=framework) | Q(indicator_id__in=indicator_ids)
    ).select_related("organisation"):
        key = ("theme", p.theme_id) if p.theme_id else ("indicator", p.indicator_id)
        partners[key].append(p)  # type: ignore[index]
    values: dict[int, list[Any]] = defaultdict(list)
    if include_values:
        for v in (
            IndicatorValue.objects.filter(indicator_id__in=indicator_ids)
            .select_related("area")
            .order_by("indicator_id", "area__code", "breakdown", "period_start")
        ):
            values[v.indicator_id].append(v)

    def partner_spec(items: list[PartnerContribution]) -> list[dict[str, Any]]:
        return [
            {
                "name": p.partner_name,
                "organisation": p.organisation.slug if p.organisation else "",
                "contribution": p.contribution,
                "how_we_work": p.how_we_work,
                "source": p.source,
            }
            for p in sorted(items, key=lambda p: (p.order, p.pk))
        ]

    def story_spec(story: Story | None) -> dict[str, Any] | None:
        return {"text": story.text, "source": story.source} if story is not None else None

    defined: set[int] = set()

    def membership_spec(m: IndicatorMembership) -> dict[str, Any]:
        spec: dict[str, Any] = {"code": m.code}
        if m.indicator_id in defined:
            spec["indicator"] = m.indicator.slug
        else:
            spec["indicator"] = _indicator_spec(m.indicator)
            defined.add(m.indicator_id)
        spec.update(
            reference=m.reference,
            title_in_plan=m.title_in_plan,
            lead=m.target_lead,
            context=m.context or None,
            source=m.source,
            story=story_spec(stories.get(m.indicator_id)),
            targets=[
                {
                    "key": t.key,
                    "area": t.area.code if t.area else "",
                    "ambition": t.ambition,
                    "horizon": t.horizon,
                    "target_date": t.target_date,
                    "period": t.period_label,
                    "kind": t.kind,
                    "value": _number(t.value),
                    "direction": t.direction,
                    "wording": t.wording,
                    "source": t.source,
                }
                for t in targets.get(m.indicator_id, [])
            ],
            baselines=[
                {
                    "key": b.key,
                    "area": b.area.code if b.area else "",
                    "period": b.period_label,
                    "value": _number(b.value),
                    "wording": b.wording,
                    "source": b.source,
                }
                for b in baselines.get(m.indicator_id, [])
            ],
            values=[
                {
                    "area": v.area.code,
                    "period": v.period_label,
                    "breakdown": v.breakdown,
                    "value": None if v.numerator is not None and v.denominator is not None else _number(v.value),
                    "numerator": _number(v.numerator) if v.denominator is not None else None,
                    "denominator": _number(v.denominator),
                    "status": v.status,
                    "flags": list(v.quality_flags or []),
                    "source": v.source_note,
                }
                for v in values.get(m.indicator_id, [])
            ],
            partners=partner_spec(partners.get(("indicator", m.indicator_id), [])),
        )
        return spec

    by_theme: dict[int | None, list[IndicatorMembership]] = defaultdict(list)
    for m in memberships:
        by_theme[m.theme_id].append(m)

    def theme_spec(theme: Theme) -> dict[str, Any]:
        return {
            "code": theme.code,
            "title": theme.title,
            "description": theme.description,
            "source": theme.source,
            "story": story_spec(theme_stories.get(theme.pk)),
            "partners": partner_spec(partners.get(("theme", theme.pk), [])),
            "indicators": [membership_spec(m) for m in by_theme.get(theme.pk, [])],
        }

    themes = list(Theme.objects.filter(framework=framework).order_by("order", "code"))
    spec: dict[str, Any] = {
        "framework": {
            "slug": framework.slug,
            "title": framework.title,
            "short_title": framework.short_title,
            "owner": framework.owner.slug,
            "area": framework.area.code if framework.area else "",
            "period_label": framework.period_label,
            "period_start": framework.period_start,
            "period_end": framework.period_end,
            "status": framework.status,
            "description": framework.description,
            "source": framework.source,
        }
    }
    outcomes = list(framework.outcomes.order_by("order"))
    if outcomes:
        spec["outcomes"] = [
            {
                "code": o.code,
                "title": o.title,
                "description": o.description,
                "source": o.source,
                "themes": [theme_spec(t) for t in themes if t.outcome_id == o.pk],
            }
            for o in outcomes
        ]
    loose = [theme_spec(t) for t in themes if t.outcome_id is None]
    if loose:
        spec["themes"] = loose
    return spec
