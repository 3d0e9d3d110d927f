"""Reads of the outcomes framework: what a user may see and the pages' context (the export is in ``export``).

Every page here lists things with a fixed number of queries, whatever the number of rows: related
rows come through ``select_related``/``prefetch_related`` and are grouped in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from saferhub.accounts.access import (
    access_framework_read,
    access_has_role,
    access_public_read,
    access_sees_small_numbers,
)
from saferhub.accounts.models import Partnership, Role
from saferhub.core import disclosure
from saferhub.core.suppressions import hidden_figures
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

DEFAULT_AREA_CODE = "E10000012"  # Essex county: the default where nothing says otherwise


# --- access ----------------------------------------------------------------------------------


def framework_readable(user: Any, framework: Framework) -> bool:
    return access_framework_read(user, framework)


def indicator_readable(user: Any, indicator: Indicator, memberships: list[IndicatorMembership] | None = None) -> bool:
    """An indicator is open to whoever may read its owner or any framework that lists it. One that
    belongs to no partnership and no framework (an importer made it from the records, such as
    police.uk's crime types) is open to everyone, as its figures are on the performance pages; small
    counts are suppressed there and here alike."""
    if indicator.owner is not None and access_public_read(user, indicator.owner):
        return True
    if memberships is None:
        memberships = list(indicator.memberships.select_related("framework__owner"))
    if indicator.owner is None and not memberships:
        return True
    return any(access_framework_read(user, m.framework) for m in memberships)


def indicator_editable(user: Any, indicator: Indicator) -> bool:
    """Contributors (and above) of the partnership that owns the indicator keep it current."""
    return indicator.owner is not None and access_has_role(user, indicator.owner, Role.CONTRIBUTOR)


# --- lists -----------------------------------------------------------------------------------


def frameworks_for_user(user: Any) -> list[Framework]:
    """Frameworks the user may read, with how many indicators and themes each lists."""
    qs = (
        Framework.objects.select_related("owner", "area")
        .annotate(
            indicator_count=Count("memberships", filter=Q(memberships__context=False), distinct=True),
            theme_count=Count("themes", distinct=True),
        )
        .order_by("title")
    )
    rank: dict[str, int] = {"active": 0, "consultation": 1, "draft": 2, "archived": 3}
    return sorted((f for f in qs if framework_readable(user, f)), key=lambda f: rank.get(f.status, 3))


@dataclass
class CatalogueFilters:
    framework: str = ""
    theme: str = ""
    lead: str = ""
    q: str = ""


def indicator_catalogue(user: Any, *, filters: CatalogueFilters) -> dict[str, Any]:
    """The indicator catalogue, filtered by framework, theme and lead organisation."""
    frameworks = frameworks_for_user(user)
    readable_ids = {f.pk for f in frameworks}
    memberships = IndicatorMembership.objects.select_related("framework", "theme").order_by("framework__title", "order")
    qs = (
        Indicator.objects.select_related("owner", "lead_organisation")
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .order_by("title")
    )
    chosen = next((f for f in frameworks if f.slug == filters.framework), None)
    if chosen is not None:
        qs = qs.filter(memberships__framework=chosen)
        if filters.theme:
            qs = qs.filter(memberships__theme_id=filters.theme if filters.theme.isdigit() else -1)
    if filters.lead:
        qs = qs.filter(lead_organisation__slug=filters.lead)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(national_indicator_ref__icontains=filters.q))
    rows = []
    for indicator in qs.distinct():
        listed = [m for m in indicator.memberships.all() if m.framework_id in readable_ids]
        owner_open = indicator.owner is not None and access_public_read(user, indicator.owner)
        if not listed and not owner_open:
            continue
        rows.append({"indicator": indicator, "memberships": listed})
    themes = list(Theme.objects.filter(framework=chosen).order_by("order")) if chosen is not None else []
    from saferhub.accounts.models import Organisation

    leads = list(Organisation.objects.filter(led_indicators__isnull=False).distinct().order_by("name"))
    return {
        "rows": rows,
        "frameworks": frameworks,
        "chosen_framework": chosen,
        "themes": themes,
        "leads": leads,
        "filters": filters,
    }


# --- the framework page ----------------------------------------------------------------------


def _framework_area(framework: Framework) -> Any:
    from saferhub.geography.models import Area

    if framework.area_id:
        return framework.area
    if framework.owner.area_id:
        return framework.owner.area
    return Area.objects.filter(code=DEFAULT_AREA_CODE).first()


def _ambitions(targets: list[Target]) -> list[dict[str, Any]]:
    """Targets grouped under the ambition they belong to, in the plan's order."""
    groups: dict[str, list[Target]] = {}
    for t in targets:
        groups.setdefault(t.ambition, []).append(t)
    return [{"ambition": ambition, "targets": items} for ambition, items in groups.items()]


def _suppressed_latest(
    user: Any, framework: Framework, indicators: list[Indicator], latest: dict[int, Any], area: Any = None
) -> dict[int, str]:
    """What stands in for each latest value a public reader may not see (a count of 1 to 4, a figure
    made from one, or one hidden because it would give one away: ``core.suppressions``), by indicator
    id. The owner's members see them, else the framework's, and the partnerships of the area."""
    hidden = hidden_figures(area_codes=[area.code]) if area is not None else set()
    owner_ids = {i.owner_id for i in indicators if i.owner_id}
    owners = {p.pk: p for p in Partnership.objects.filter(pk__in=owner_ids)} if owner_ids else {}
    sees: dict[int | None, bool] = {}
    out: dict[int, str] = {}
    for ind in indicators:
        value = latest.get(ind.pk)
        if value is None:
            continue
        key = ind.owner_id if ind.owner_id in owners else None
        if key not in sees:
            sees[key] = access_sees_small_numbers(
                user, [owners[key]] if key is not None else [framework.owner], area=area
            )
        count = ind.value_type == "count"
        if not sees[key] and (
            disclosure.point_discloses({"value": value.value, "numerator": value.numerator}, count=count)
            or (ind.slug, getattr(area, "code", ""), value.period_label, "") in hidden
        ):
            out[ind.pk] = disclosure.SMALL_TEXT if count else disclosure.SUPPRESSED_TEXT
    return out


def framework_page_context(user: Any, framework: Framework) -> dict[str, Any]:
    """Outcomes, themes and indicators of a framework, each with its latest value, ambition and lead."""
    from saferhub.measures.selectors import latest_values

    area = _framework_area(framework)
    memberships = IndicatorMembership.objects.filter(framework=framework).select_related(
        "indicator", "indicator__lead_organisation"
    )
    themes = list(
        Theme.objects.filter(framework=framework)
        .select_related("outcome")
        .prefetch_related(
            Prefetch("memberships", queryset=memberships.order_by("order")),
            Prefetch("stories", queryset=Story.objects.all()),
            Prefetch("partners", queryset=PartnerContribution.objects.select_related("organisation")),
        )
        .order_by("order", "code")
    )
    indicators = [m.indicator for t in themes for m in t.memberships.all()]
    latest = latest_values(indicators=indicators, area=area) if area is not None and indicators else {}
    suppressed = _suppressed_latest(user, framework, indicators, latest, area)
    targets: dict[int, list[Target]] = defaultdict(list)
    for t in Target.objects.filter(framework=framework).order_by("order", "id"):
        targets[t.indicator_id].append(t)
    outcomes: list[dict[str, Any]] = []
    by_outcome: dict[int | None, dict[str, Any]] = {}
    for outcome in framework.outcomes.order_by("order"):
        entry = {"outcome": outcome, "themes": []}
        outcomes.append(entry)
        by_outcome[outcome.pk] = entry
    loose: list[dict[str, Any]] = []
    count = 0
    for theme in themes:
        rows: list[dict[str, Any]] = []
        context_rows: list[dict[str, Any]] = []
        for m in theme.memberships.all():
            row = {
                "membership": m,
                "indicator": m.indicator,
                "latest": latest.get(m.indicator_id),
                "suppressed_text": suppressed.get(m.indicator_id, ""),
                "ambitions": _ambitions(targets.get(m.indicator_id, [])),
            }
            (context_rows if m.context else rows).append(row)
            count += 1
        stories = list(theme.stories.all())
        entry = {
            "theme": theme,
            "rows": rows,
            "context_rows": context_rows,
            "story": stories[0] if stories else None,
            "partners": list(theme.partners.all()),
        }
        holder = by_outcome.get(theme.outcome_id) if theme.outcome_id else None
        (holder["themes"] if holder is not None else loose).append(entry)
    return {
        "framework": framework,
        "area": area,
        "outcomes": outcomes,
        "loose_themes": loose,
        "membership_count": count,
        "can_export": True,
    }


# --- the indicator page ----------------------------------------------------------------------


@dataclass
class AreaChoice:
    area: Any
    problem: str = ""
    options: list[Any] = field(default_factory=list)


def _choose_area(indicator: Indicator, memberships: list[IndicatorMembership], code: str | None) -> AreaChoice:
    from saferhub.core.codes import validate_gss_code
    from saferhub.core.errors import ValidationProblem
    from saferhub.geography.models import Area
    from saferhub.measures.models import IndicatorValue

    option_ids = set(
        IndicatorValue.objects.filter(indicator=indicator).order_by().values_list("area_id", flat=True).distinct()
    )
    defaults = [m.framework.area_id for m in memberships if m.framework.area_id]
    if indicator.owner is not None and indicator.owner.area_id:
        defaults.append(indicator.owner.area_id)
    wanted: Any = None
    problem = ""
    if code:
        try:
            code = validate_gss_code(code)
        except ValidationProblem as exc:
            problem = exc.message
        else:
            wanted = Area.objects.filter(code=code).first()
            if wanted is None:
                problem = f"{code} is not an area in the hub"
    areas = {a.pk: a for a in Area.objects.filter(Q(pk__in=option_ids | set(defaults)) | Q(code=DEFAULT_AREA_CODE))}
    if wanted is None:
        with_values = [d for d in defaults if d in option_ids]
        pick = with_values[0] if with_values else (defaults[0] if defaults else None)
        wanted = areas.get(pick) if pick else next((a for a in areas.values() if a.code == DEFAULT_AREA_CODE), None)
    else:
        areas.setdefault(wanted.pk, wanted)
    options = sorted(
        (a for a in areas.values() if a.pk in option_ids or a == wanted),
        key=lambda a: (a.area_type != "county", a.name),
    )
    return AreaChoice(area=wanted, problem=problem, options=options)


def indicator_page_context(user: Any, indicator: Indicator, *, area_code: str | None = None) -> dict[str, Any]:
    """Everything the indicator page shows. The performance section (scorecard, charts, SPC) is added
    by ``saferhub.performance`` under the key ``performance`` and the template block of that name."""
    from saferhub.measures.models import IndicatorValue

    memberships = list(
        indicator.memberships.select_related(
            "framework", "framework__owner", "framework__area", "theme", "outcome"
        ).order_by("framework__title")
    )
    readable = [m for m in memberships if framework_readable(user, m.framework)]
    readable_ids = {m.framework_id for m in readable}
    choice = _choose_area(indicator, readable, area_code)
    targets = [
        t
        for t in Target.objects.filter(indicator=indicator)
        .select_related("framework", "area")
        .order_by("framework__title", "order", "id")
        if t.framework_id is None or t.framework_id in readable_ids
    ]
    targets_by_framework: dict[Any, list[Target]] = {}
    for t in targets:
        targets_by_framework.setdefault(t.framework, []).append(t)
    baselines = [
        b
        for b in Baseline.objects.filter(indicator=indicator)
        .select_related("framework", "area")
        .order_by("framework__title", "order", "id")
        if b.framework_id is None or b.framework_id in readable_ids
    ]
    values = (
        list(
            # The page names the import by its id: the import's own record (with its large summary) is not read.
            IndicatorValue.objects.filter(indicator=indicator, area=choice.area).order_by("breakdown", "period_start")
        )
        if choice.area is not None
        else []
    )
    # Read as published figures (outside every owning partnership): counts of 1 to 4 are not shown.
    # The owner's members see them, else the members of the frameworks listing it (as the performance pages).
    owners = [indicator.owner] if indicator.owner is not None else [m.framework.owner for m in memberships]
    public = not access_sees_small_numbers(user, owners, area=choice.area)
    count = indicator.value_type == "count"
    hidden = (  # asked whenever the reader is public, so the page's queries do not depend on its values
        hidden_figures(measures=[indicator.slug], area_codes=[choice.area.code])
        if public and choice.area is not None
        else set()
    )
    suppressed_ids = {
        v.pk
        for v in values
        if public
        and (
            disclosure.point_discloses({"value": v.value, "numerator": v.numerator}, count=count)
            or (indicator.slug, choice.area.code, v.period_label, v.breakdown) in hidden
        )
    }
    story = Story.objects.filter(indicator=indicator).first()
    story_versions = story.history.count() if story is not None else 0
    theme_ids = [m.theme_id for m in readable if m.theme_id]
    partners = list(
        PartnerContribution.objects.filter(Q(indicator=indicator) | Q(theme_id__in=theme_ids))
        .select_related("organisation", "theme", "theme__framework")
        .order_by("theme__framework__title", "theme__order", "order")
    )
    partner_groups: dict[str, list[PartnerContribution]] = {}
    for p in partners:
        label = f"{p.theme.framework.title}: {p.theme}" if p.theme is not None else "This indicator"
        partner_groups.setdefault(label, []).append(p)
    return {
        "indicator": indicator,
        "memberships": readable,
        "area": choice.area,
        "area_problem": choice.problem,
        "area_options": choice.options,
        "targets_by_framework": [
            {"framework": f, "ambitions": _ambitions(ts)} for f, ts in targets_by_framework.items()
        ],
        "baselines": baselines,
        "public_figures": public,
        "suppressed_ids": suppressed_ids,
        "suppressed_text": disclosure.SMALL_TEXT if count else disclosure.SUPPRESSED_TEXT,
        "suppression_note": disclosure.EXPLANATION if suppressed_ids else "",
        "values": [v for v in values if not v.breakdown],
        "breakdown_values": [v for v in values if v.breakdown],
        "story": story,
        "story_versions": story_versions,
        "partner_groups": partner_groups,
        "polarity_changes": list(indicator.polarity_changes.all()),
        "can_edit": indicator_editable(user, indicator),
        "performance": None,
    }


# --- history ---------------------------------------------------------------------------------


def story_history(indicator: Indicator) -> list[Any]:
    story = Story.objects.filter(indicator=indicator).first()
    if story is None:
        return []
    return list(story.history.select_related("history_user").order_by("-history_date", "-history_id"))


def target_history(indicator: Indicator) -> list[dict[str, Any]]:
    """Every version of every target of the indicator, newest first, with the fields that changed."""
    records = list(
        Target.history.filter(indicator_id=indicator.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    previous: dict[int, Any] = {}
    out = []
    fields = ("ambition", "horizon", "target_date", "period_label", "kind", "value", "direction", "wording", "area_id")
    for r in records:
        before = previous.get(r.id)
        changed = [f for f in fields if before is not None and getattr(before, f) != getattr(r, f)]
        out.append({"record": r, "changed": changed, "before": before})
        previous[r.id] = r
    out.sort(key=lambda e: (e["record"].history_date, e["record"].history_id), reverse=True)
    return out


def framework_by_slug(slug: str) -> Framework | None:
    return Framework.objects.select_related("owner", "area", "owner__area").filter(slug=slug).first()


def indicator_by_slug(slug: str) -> Indicator | None:
    return Indicator.objects.select_related("owner", "owner__area", "lead_organisation").filter(slug=slug).first()


def partnership_frameworks(partnership: Partnership) -> QuerySet[Framework]:
    return Framework.objects.filter(owner=partnership).order_by("title")
