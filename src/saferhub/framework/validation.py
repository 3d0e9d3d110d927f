"""Check framework files completely before anything is written.

``framework_specs_check`` reads one or more parsed files (``fileformat.Node``) and returns a
``LoadPlan``: clean values ready to write, or raises ``FileProblems`` listing every problem with the
file and line (or sheet and row) where it is. References between files of one load are resolved
here (an indicator defined in one file may be listed by another), and so are references to what the
hub already holds (partnerships, organisations, areas, catalogue indicators).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from saferhub.core.codes import parse_period
from saferhub.core.errors import ValidationProblem
from saferhub.framework.checker import (
    BASELINE_KEYS,
    FRAMEWORK_KEYS,
    INDICATOR_KEYS,
    MEMBERSHIP_KEYS,
    NON_NEGATIVE_TYPES,
    OUTCOME_KEYS,
    PARTNER_KEYS,
    STORY_KEYS,
    TARGET_KEYS,
    THEME_KEYS,
    TOP_KEYS,
    VALUE_KEYS,
    Checker,
)
from saferhub.framework.definitions import computed_definition
from saferhub.framework.fileformat import FileProblems, Node
from saferhub.framework.models import Framework, Frequency, Indicator, Polarity, Target, ValueType
from saferhub.framework.plans import (
    FrameworkPlan,
    IndicatorPlan,
    LoadPlan,
    MembershipPlan,
    OutcomePlan,
    ThemePlan,
)


def _hub_state(specs: list[Node]) -> tuple[set[str], set[str], set[str], dict[str, str]]:
    """What the hub already holds that files may refer to, in four queries."""
    from saferhub.accounts.models import Organisation, Partnership
    from saferhub.geography.models import Area

    codes: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "area" and isinstance(v, str):
                    codes.add(v.strip())
                else:
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for spec in specs:
        walk(spec)
    partnerships = set(Partnership.objects.values_list("slug", flat=True))
    organisations = set(Organisation.objects.values_list("slug", flat=True))
    areas = set(Area.objects.filter(code__in=codes).values_list("code", flat=True))
    types = dict(Indicator.objects.values_list("slug", "value_type"))
    return partnerships, organisations, areas, types


def framework_specs_check(specs: list[tuple[str, Node]]) -> LoadPlan:
    """Check parsed files (name, content) together; return what to write or raise ``FileProblems``."""
    check = Checker()
    partnerships, organisations, areas, existing_types = _hub_state([s for _, s in specs])
    plan = LoadPlan(
        frameworks=[],
        indicators={},
        existing_indicator_types=existing_types,
        partnerships=partnerships,
        organisations=organisations,
        areas=areas,
    )
    framework_where: dict[str, str] = {}
    references: list[tuple[str, str]] = []  # (slug, where) of memberships that name an indicator
    seen_values: dict[tuple[str, str, str, str], str] = {}
    stories: dict[str, str] = {}

    def org(node: Node, key: str) -> str:
        slug = check.text(node, key, max_length=100)
        if slug and slug not in organisations:
            check.problem(node.at(key), f"{key} {slug!r} is not an organisation in the hub")
            return ""
        return slug

    def partnership(node: Node, key: str, *, required: bool = False) -> str:
        slug = check.text(node, key, required=required, max_length=100)
        if slug and slug not in partnerships:
            check.problem(node.at(key), f"{key} {slug!r} is not a partnership in the hub")
            return ""
        return slug

    def story(node: Node, key: str) -> dict[str, Any] | None:
        if node.get(key) is None:
            return None
        value = node[key]
        if isinstance(value, str):
            value = Node({"text": value}, where=node.at(key))
            value.key_where["text"] = node.at(key)
        body = check.mapping(value, node.at(key), key)
        if body is None:
            return None
        check.unknown_keys(body, STORY_KEYS, "a story")
        return {"text": check.text(body, "text", required=True), "source": check.text(body, "source", max_length=300)}

    def partners(node: Node) -> list[dict[str, Any]]:
        out = []
        names: dict[str, str] = {}
        for i, item in enumerate(check.items(node, "partners"), start=1):
            check.unknown_keys(item, PARTNER_KEYS, "a partner")
            name = check.text(item, "name", required=True, max_length=300)
            if name in names:
                check.problem(item.where, f"partner {name!r} is listed twice here (first at {names[name]})")
            names[name] = item.where
            out.append(
                {
                    "partner_name": name,
                    "organisation": org(item, "organisation"),
                    "contribution": check.text(item, "contribution"),
                    "how_we_work": check.text(item, "how_we_work"),
                    "source": check.text(item, "source", max_length=300),
                    "order": i,
                }
            )
        return out

    def indicator_definition(node: Node) -> str:
        check.unknown_keys(node, INDICATOR_KEYS, "an indicator")
        slug = check.slug(node, "slug")
        values = {
            "title": check.text(node, "title", required=True, max_length=500),
            "definition": check.text(node, "definition"),
            "value_type": check.choice(node, "value_type", ValueType.values, ValueType.COUNT),
            "unit": check.text(node, "unit", max_length=60),
            "polarity": check.choice(node, "polarity", Polarity.values, Polarity.NO_JUDGEMENT),
            "polarity_note": check.text(node, "polarity_note"),
            "frequency": check.choice(node, "frequency", Frequency.values, Frequency.ANNUAL),
            "national_indicator_ref": check.text(node, "national_indicator_ref", max_length=40),
            "data_source": check.text(node, "data_source", max_length=300),
            "lead_role": check.text(node, "lead_role", max_length=200),
            "lead_organisation": org(node, "lead_organisation"),
            "owner": partnership(node, "owner"),
            "status": check.choice(node, "status", Indicator.Status.values, Indicator.Status.ACTIVE),
            "source": check.text(node, "source", max_length=300),
            "computed": computed_definition(check, node),
        }
        changes = []
        dates: set[date] = set()
        for item in check.items(node, "polarity_changes"):
            check.unknown_keys(item, {"from", "polarity", "reason"}, "a polarity change")
            when = check.date(item, "from")
            if when is None and "from" not in item:
                check.problem(item.where, "from (the date the new polarity applies) is required")
            if when in dates:
                check.problem(item.where, f"two polarity changes on {when}")
            if when is not None:
                dates.add(when)
            polarity = check.text(item, "polarity", required=True)
            if polarity and polarity not in Polarity.values:
                check.problem(item.at("polarity"), f"polarity {polarity!r} is not one of: {', '.join(Polarity.values)}")
            changes.append({"effective_from": when, "polarity": polarity, "reason": check.text(item, "reason")})
        if slug:
            if slug in plan.indicators:
                check.problem(
                    node.where, f"indicator {slug!r} is defined twice (first at {plan.indicators[slug].where})"
                )
            else:
                plan.indicators[slug] = IndicatorPlan(
                    slug=slug, where=node.where, values=values, polarity_changes=changes
                )
        return slug

    def membership(node: Node, framework_slug: str, codes: dict[str, str], listed: dict[str, str]) -> MembershipPlan:
        check.unknown_keys(node, MEMBERSHIP_KEYS, "an indicator in a framework")
        raw = node.get("indicator")
        slug = ""
        if isinstance(raw, Node):
            slug = indicator_definition(raw)
        elif raw is None or raw == "":
            check.problem(node.where, "indicator is required: a catalogue slug or a definition")
        else:
            slug = check.slug(node, "indicator")
            if slug:
                references.append((slug, node.at("indicator")))
        code = check.text(node, "code", max_length=40)
        if code:
            if code.lower() in codes:
                check.problem(
                    node.at("code"),
                    f"code {code!r} is used twice in framework {framework_slug!r} (first at {codes[code.lower()]})",
                )
            else:
                codes[code.lower()] = node.at("code")
        if slug:
            if slug in listed:
                check.problem(
                    node.where,
                    f"indicator {slug!r} is listed twice in framework {framework_slug!r} (first at {listed[slug]})",
                )
            listed[slug] = node.where
        m = MembershipPlan(
            indicator=slug,
            where=node.where,
            values={
                "code": code,
                "reference": check.text(node, "reference", max_length=200),
                "title_in_plan": check.text(node, "title_in_plan", max_length=500),
                "target_lead": check.text(node, "lead", max_length=200),
                "context": check.flag(node, "context"),
                "source": check.text(node, "source", max_length=300),
            },
            story=story(node, "story"),
            partners=partners(node),
        )
        if m.story is not None and slug:
            if slug in stories:
                check.problem(node.at("story"), f"the story of {slug!r} is given twice (first at {stories[slug]})")
            stories[slug] = node.at("story")
        keys: set[str] = set()
        for i, item in enumerate(check.items(node, "targets"), start=1):
            check.unknown_keys(item, TARGET_KEYS, "a target")
            key = check.text(item, "key", max_length=80) or f"t{i}"
            if key in keys:
                check.problem(item.where, f"target key {key!r} is used twice for this indicator")
            keys.add(key)
            value = check.number(item, "value")
            direction = check.choice(item, "direction", Target.Direction.values, "")
            default_kind = (
                Target.Kind.VALUE if value is not None else Target.Kind.DIRECTION if direction else Target.Kind.TBC
            )
            kind = check.choice(item, "kind", Target.Kind.values, default_kind)
            horizon = check.choice(item, "horizon", Target.Horizon.values, Target.Horizon.PLAN)
            target_date = check.date(item, "target_date")
            if horizon == Target.Horizon.DATE and target_date is None:
                check.problem(item.where, "a target with horizon 'date' needs a target_date (YYYY-MM-DD)")
            if kind == Target.Kind.VALUE and value is None:
                check.problem(item.where, "a target of kind 'value' needs a value")
            m.targets.append(
                {
                    "key": key,
                    "area": check.area(item, "area", plan.areas),
                    "ambition": check.text(item, "ambition"),
                    "horizon": horizon,
                    "target_date": target_date,
                    "period_label": check.period(item, "period"),
                    "kind": kind,
                    "value": value,
                    "direction": direction,
                    "wording": check.text(item, "wording", required=True),
                    "source": check.text(item, "source", max_length=300),
                    "order": i,
                    "_where": item.where,
                }
            )
        keys = set()
        for i, item in enumerate(check.items(node, "baselines"), start=1):
            check.unknown_keys(item, BASELINE_KEYS, "a baseline")
            key = check.text(item, "key", max_length=80) or f"b{i}"
            if key in keys:
                check.problem(item.where, f"baseline key {key!r} is used twice for this indicator")
            keys.add(key)
            value = check.number(item, "value")
            wording = check.text(item, "wording")
            if value is None and not wording:
                check.problem(item.where, "a baseline needs a value or wording")
            m.baselines.append(
                {
                    "key": key,
                    "area": check.area(item, "area", plan.areas),
                    "period_label": check.text(item, "period", required=True, max_length=40),
                    "value": value,
                    "wording": wording,
                    "source": check.text(item, "source", max_length=300),
                    "order": i,
                    "_where": item.where,
                }
            )
        for item in check.items(node, "values"):
            check.unknown_keys(item, VALUE_KEYS, "a value")
            flags = item.get("flags") or []
            if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
                check.problem(item.at("flags"), "flags should be a list of words, e.g. [approximate]")
                flags = []
            source = check.text(item, "source", max_length=300)
            quote = check.text(item, "quote", max_length=2000)
            area_code = check.area(item, "area", plan.areas, required=True)
            breakdown = check.text(item, "breakdown", max_length=120)
            row: dict[str, Any] = {
                "area": area_code,
                "period": check.text(item, "period", required=True, max_length=40),
                "breakdown": breakdown,
                "value": check.number(item, "value"),
                "numerator": check.number(item, "numerator"),
                "denominator": check.number(item, "denominator"),
                "status": check.choice(item, "status", ["provisional", "final"], "final"),
                "quality_flags": list(flags),
                "source_note": f"{source}: “{quote}”" if source and quote else source or quote,
                "where": item.where,
            }
            if row["value"] is None and row["numerator"] is None:
                check.problem(item.where, "a value needs a value or a numerator")
            if row["period"]:
                try:
                    label = parse_period(row["period"]).label
                except ValidationProblem as exc:
                    check.problem(item.at("period"), f"period: {exc.message}")
                    label = ""
                if slug and area_code and label:
                    identity = (slug, area_code, label, breakdown)
                    if identity in seen_values:
                        check.problem(
                            item.where,
                            f"{slug} {area_code} {label}{' ' + breakdown if breakdown else ''} "
                            f"is given twice (first at {seen_values[identity]})",
                        )
                    seen_values[identity] = item.where
            m.rows.append(row)
        return m

    def theme(
        node: Node, framework_slug: str, refs: dict[str, str], codes: dict[str, str], listed: dict[str, str]
    ) -> ThemePlan:
        check.unknown_keys(node, THEME_KEYS, "a theme")
        code = check.text(node, "code", max_length=40)
        title = check.text(node, "title", required=True, max_length=500)
        ref = (code or title).lower()
        if ref in refs:
            check.problem(
                node.where,
                f"theme {code or title!r} appears twice in framework {framework_slug!r} (first at {refs[ref]})",
            )
        refs[ref] = node.where
        t = ThemePlan(
            where=node.where,
            values={
                "code": code,
                "title": title,
                "description": check.text(node, "description"),
                "source": check.text(node, "source", max_length=300),
            },
            story=story(node, "story"),
            partners=partners(node),
        )
        for item in check.items(node, "indicators"):
            t.memberships.append(membership(item, framework_slug, codes, listed))
        return t

    for name, spec in specs:
        check.unknown_keys(spec, TOP_KEYS, "a framework file")
        fw = check.mapping(spec.get("framework"), spec.at("framework"), "framework")
        if fw is None:
            continue
        check.unknown_keys(fw, FRAMEWORK_KEYS, "framework")
        slug = check.slug(fw, "slug")
        if slug in framework_where:
            check.problem(fw.at("slug"), f"framework {slug!r} is given twice (first at {framework_where[slug]})")
        framework_where[slug] = fw.at("slug")
        start, end = check.date(fw, "period_start"), check.date(fw, "period_end")
        if start and end and end < start:
            check.problem(fw.at("period_end"), f"period_end {end} is before period_start {start}")
        fplan = FrameworkPlan(
            slug=slug,
            name=name,
            where=fw.where,
            values={
                "title": check.text(fw, "title", required=True, max_length=300),
                "short_title": check.text(fw, "short_title", max_length=100),
                "owner": partnership(fw, "owner", required=True),
                "area": check.area(fw, "area", areas),
                "period_label": check.text(fw, "period_label", max_length=40),
                "period_start": start,
                "period_end": end,
                "status": check.choice(fw, "status", Framework.Status.values, Framework.Status.ACTIVE),
                "description": check.text(fw, "description"),
                "source": check.text(fw, "source", max_length=300),
            },
        )
        refs: dict[str, str] = {}
        codes: dict[str, str] = {}
        listed: dict[str, str] = {}
        outcome_refs: dict[str, str] = {}
        for item in check.items(spec, "outcomes"):
            check.unknown_keys(item, OUTCOME_KEYS, "an outcome")
            code = check.text(item, "code", max_length=40)
            title = check.text(item, "title", required=True, max_length=500)
            ref = (code or title).lower()
            if ref in outcome_refs:
                check.problem(item.where, f"outcome {code or title!r} appears twice (first at {outcome_refs[ref]})")
            outcome_refs[ref] = item.where
            o = OutcomePlan(
                where=item.where,
                values={
                    "code": code,
                    "title": title,
                    "description": check.text(item, "description"),
                    "source": check.text(item, "source", max_length=300),
                },
            )
            for t in check.items(item, "themes"):
                o.themes.append(theme(t, slug, refs, codes, listed))
            fplan.outcomes.append(o)
        for t in check.items(spec, "themes"):
            fplan.themes.append(theme(t, slug, refs, codes, listed))
        plan.frameworks.append(fplan)

    for slug, where in references:
        if slug not in plan.indicators and slug not in existing_types:
            check.problem(
                where,
                f"unknown indicator {slug!r}: it is not defined in this file, in the files loaded with it, "
                "or in the hub's catalogue",
            )
    _check_values(check, plan)
    if check.problems:
        raise FileProblems(check.problems)
    return plan


def _check_values(check: Checker, plan: LoadPlan) -> None:
    """Check every value and target as the measures service will: periods, numbers, intervals."""
    from saferhub.measures.services import value_with_interval

    for fplan in plan.frameworks:
        for t in fplan.all_themes():
            for m in t.memberships:
                if not m.indicator:
                    continue
                if m.indicator in plan.indicators:
                    value_type = plan.indicators[m.indicator].values["value_type"]
                else:
                    value_type = plan.existing_indicator_types.get(m.indicator, ValueType.COUNT)
                probe = Indicator(slug=m.indicator, value_type=value_type)
                for target in m.targets:
                    if target["value"] is not None and target["value"] < 0 and value_type in NON_NEGATIVE_TYPES:
                        check.problem(target["_where"], f"target value {target['value']:g} is negative")
                    if value_type == ValueType.PERCENTAGE and target["value"] is not None and target["value"] > 100:
                        check.problem(target["_where"], f"target value {target['value']:g} is more than 100%")
                for row in m.rows:
                    if not row["area"] or not row["period"]:
                        continue
                    if row["value"] is not None and row["value"] < 0 and value_type in NON_NEGATIVE_TYPES:
                        check.problem(row["where"], f"value {row['value']:g} is negative")
                        continue
                    try:
                        value_with_interval(
                            indicator=probe,
                            value=row["value"],
                            numerator=row["numerator"],
                            denominator=row["denominator"],
                            where=row["where"],
                        )
                    except ValidationProblem as exc:
                        check.problem(row["where"], exc.message)
