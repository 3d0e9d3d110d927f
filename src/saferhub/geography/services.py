"""Writes to geography beyond loading files: the comparator groups, and the national load that
runs every loader in order.

Loaders of ONS files and of the built-in data live in ``saferhub.geography.loaders``; their names
are importable from here too, for callers written before they moved.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from saferhub.core.codes import GSS_PATTERN
from saferhub.core.errors import ValidationProblem
from saferhub.geography import similarity
from saferhub.geography.loaders.builtin import BUILTIN_GEOGRAPHIES, geography_builtin_load, geography_spec_load
from saferhub.geography.loaders.characteristics import geography_characteristics_load
from saferhub.geography.loaders.files import LoadSummary, read_csv
from saferhub.geography.loaders.lsoa import ONS_METHOD, geography_lsoa_lookup_derive, geography_lsoas_load
from saferhub.geography.loaders.national import NationalLoad, geography_districts_load, national_files, timed
from saferhub.geography.loaders.ons import geography_boundaries_load, geography_lookup_load, geography_populations_load
from saferhub.geography.models import CSP_AREA_TYPES, Area, AreaCharacteristic, AreaType, ComparatorGroup, LsoaChange

__all__ = [
    "BUILTIN_GEOGRAPHIES",
    "LoadSummary",
    "comparator_group_official_load",
    "comparator_groups_fixed_build",
    "comparator_groups_similar_compute",
    "geography_boundaries_load",
    "geography_builtin_load",
    "geography_lookup_load",
    "geography_national_load",
    "geography_populations_load",
    "geography_spec_load",
]

Kind, Basis, Level = ComparatorGroup.Kind, ComparatorGroup.Basis, ComparatorGroup.Level
Name = AreaCharacteristic.Name


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    weight: float
    log10: bool = False


#: The variables a most similar group is computed from, with their weights (docs/methods.md).
VARIABLES = (
    Variable(Name.POPULATION_DENSITY, "population density (residents per km², log scale)", 1.0, log10=True),
    Variable(Name.MOST_DEPRIVED_SHARE, "share of residents in the 20% most deprived LSOAs (IMD 2019)", 1.0),
    Variable(Name.AGE_16_59_SHARE, "share of residents aged 16 to 59 (mid-2015)", 1.0),
)
#: Neighbours in a group besides the area itself.
K_CSP = 10
K_FORCE = 7


@dataclass(frozen=True)
class GroupSpec:
    slug: str
    name: str
    kind: str
    basis: str
    level: str
    description: str
    members: frozenset[int]
    for_area: int | None = None
    defined_by: int | None = None
    method: str = ""
    source: str = ""


def _groups_write(specs: list[GroupSpec], *, summary: LoadSummary) -> None:
    """Create or update groups by slug and set their members, in bulk."""
    existing = {g.slug: g for g in ComparatorGroup.objects.filter(slug__in=[s.slug for s in specs])}
    members_now: dict[int, set[int]] = defaultdict(set)
    through = ComparatorGroup.members.through
    for gid, aid in through.objects.filter(comparatorgroup_id__in=[g.pk for g in existing.values()]).values_list(
        "comparatorgroup_id", "area_id"
    ):
        members_now[gid].add(aid)
    fields = ("name", "kind", "basis", "level", "description", "for_area_id", "defined_by_id", "method", "source")
    new, changed = [], []
    now = timezone.now()
    for s in specs:
        values = {
            "name": s.name,
            "kind": s.kind,
            "basis": s.basis,
            "level": s.level,
            "description": s.description,
            "for_area_id": s.for_area,
            "defined_by_id": s.defined_by,
            "method": s.method,
            "source": s.source,
        }
        g = existing.get(s.slug)
        if g is None:
            new.append(ComparatorGroup(slug=s.slug, **values))
        elif any(getattr(g, f) != values[f] for f in fields):
            for f in fields:
                setattr(g, f, values[f])
            g.updated_at = now
            changed.append(g)
        elif members_now[g.pk] == set(s.members):
            summary.unchanged += 1
        else:
            changed.append(g)
    created = bulk_create_with_history(new, ComparatorGroup, batch_size=1000) if new else []
    if changed:
        bulk_update_with_history(changed, ComparatorGroup, [*fields, "updated_at"], batch_size=1000)
    summary.created += len(created)
    summary.updated += len(changed)
    ids = {g.slug: g.pk for g in [*existing.values(), *created]}
    stale = [ids[s.slug] for s in specs if members_now.get(ids[s.slug], set()) != set(s.members)]
    through.objects.filter(comparatorgroup_id__in=stale).delete()
    by_slug = {s.slug: s for s in specs}
    rows = [
        through(comparatorgroup_id=gid, area_id=aid)
        for slug, gid in ids.items()
        if gid in stale
        for aid in sorted(by_slug[slug].members)
    ]
    through.objects.bulk_create(rows, batch_size=5000)


def _current(level: str) -> list[Area]:
    types = CSP_AREA_TYPES if level == Level.CSP else (AreaType.POLICE_FORCE_AREA,)
    return list(Area.objects.filter(area_type__in=types, successor__isnull=True).select_related("parent__parent"))


def _region_and_country(area: Area, by_pk: dict[int, Area]) -> tuple[Area | None, Area | None]:
    region = country = None
    current = by_pk.get(area.parent_id) if area.parent_id else None
    while current is not None:
        if current.area_type == AreaType.REGION and region is None:
            region = current
        if current.area_type == AreaType.COUNTRY:
            country = current
        current = by_pk.get(current.parent_id) if current.parent_id else None
    return region, country


def comparator_groups_fixed_build() -> LoadSummary:
    """The fixed groups: every current CSP area in each country, region and police force area, and
    every force area in each country and region (a force's region is its districts' region)."""
    by_pk = {a.pk: a for a in Area.objects.filter(area_type__in=[AreaType.COUNTRY, AreaType.REGION, AreaType.COUNTY])}
    csps = [a for a in _current(Level.CSP) if a.force_area_id]
    forces = {a.pk: a for a in _current(Level.FORCE)}
    members: dict[tuple[str, int], set[int]] = defaultdict(set)
    force_places: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for a in csps:
        force_id = int(a.force_area_id or 0)
        region, country = _region_and_country(a, by_pk)
        for kind, found in ((str(Kind.COUNTRY), country), (str(Kind.REGION), region)):
            if found is not None:
                members[(kind, found.pk)].add(a.pk)
                force_places[force_id].add((kind, found.pk))
        members[(str(Kind.FORCE_AREA), force_id)].add(a.pk)
    names = {**{pk: a.name for pk, a in by_pk.items()}, **{pk: a.name for pk, a in forces.items()}}
    specs = []
    for (kind, place), ids in sorted(members.items()):
        where = f"the {names[place]} area" if kind == Kind.FORCE_AREA else names[place]
        code = by_pk[place].code if place in by_pk else forces[place].code
        specs.append(
            GroupSpec(
                slug=f"csps-{code.lower()}",
                name=f"Community safety partnerships in {where}",
                kind=kind,
                basis=Basis.FIXED,
                level=Level.CSP,
                description=f"Every community safety partnership area in {where}.",
                members=frozenset(ids),
                defined_by=place,
            )
        )
    force_members: dict[tuple[str, int], set[int]] = defaultdict(set)
    for force_id, places in force_places.items():
        for kind, place in places:
            force_members[(kind, place)].add(force_id)
    for (kind, place), ids in sorted(force_members.items()):
        specs.append(
            GroupSpec(
                slug=f"forces-{by_pk[place].code.lower()}",
                name=f"Police force areas in {names[place]}",
                kind=kind,
                basis=Basis.FIXED,
                level=Level.FORCE,
                description=f"Every police force area in {names[place]}.",
                members=frozenset(ids),
                defined_by=place,
            )
        )
    summary = LoadSummary()
    with transaction.atomic():
        _groups_write(specs, summary=summary)
    return summary


def comparator_groups_similar_compute(*, k_csp: int = K_CSP, k_force: int = K_FORCE) -> LoadSummary:
    """A most similar group for every current CSP area and force area: the area and its k nearest
    neighbours of the same level (``saferhub.geography.similarity``) on ``VARIABLES``.

    An area is compared on the variables it has, with the areas that have all of them: English
    areas on all three, Welsh ones (no IMD in the files) on density alone, among England and Wales.
    """
    values: dict[int, dict[str, float]] = defaultdict(dict)
    for area_id, name, value in AreaCharacteristic.objects.values_list("area_id", "name", "value"):
        values[area_id][name] = value
    if not values:
        raise ValidationProblem(
            "no area characteristics yet: load them first (saferhub geography load characteristics)"
        )
    specs: list[GroupSpec] = []
    summary = LoadSummary()
    for level, k in ((Level.CSP, k_csp), (Level.FORCE, k_force)):
        areas = {a.pk: a for a in _current(level) if a.pk in values}
        by_vars: dict[tuple[Variable, ...], list[int]] = defaultdict(list)
        for pk in areas:
            by_vars[tuple(v for v in VARIABLES if v.name in values[pk])].append(pk)
        for used, targets in by_vars.items():
            pool = [pk for pk in areas if all(v.name in values[pk] for v in used)]
            table = {
                str(pk): [math.log10(values[pk][v.name]) if v.log10 else values[pk][v.name] for v in used]
                for pk in pool
            }
            found = similarity.nearest_neighbours(
                list(table), table, weights=[v.weight for v in used], k=k, targets=[str(t) for t in targets]
            )
            method = (
                f"{similarity.METHOD}; k = {k}; variables and weights: "
                + "; ".join(f"{v.label}, weight {v.weight:g}" for v in used)
                + f"; z-scores over {len(pool)} {Level(level).label.lower()}"
            )
            for target in targets:
                area = areas[target]
                specs.append(
                    GroupSpec(
                        slug=f"msg-{area.code.lower()}",
                        name=f"Most similar to {area.name}",
                        kind=Kind.MOST_SIMILAR,
                        basis=Basis.COMPUTED,
                        level=level,
                        description=(
                            f"{area.name} and the {k} {Level(level).label.lower()} most like it in "
                            + ", ".join(v.label for v in used)
                            + "."
                        ),
                        members=frozenset([target, *(int(n.code) for n in found[str(target)])]),
                        for_area=target,
                        method=method,
                        source="saferhub, from the area characteristics in the hub",
                    )
                )
        missing = [a.name for a in _current(level) if a.pk not in values]
        if missing:
            summary.notes.append(f"{len(missing)} {Level(level).label.lower()} have no characteristics and no group")
    with transaction.atomic():
        _groups_write(specs, summary=summary)
    return summary


def comparator_group_official_load(*, path: Path, source: str) -> LoadSummary:
    """Load published most similar groups (a Home Office list, say) from a CSV with one row per
    member: ``Area code, Member code`` and optionally ``Group name``. Each area's group is the area
    and its listed members, kept beside the computed one and preferred to it; ``source`` cites the
    publication. A bad row refuses the whole file."""
    if not source.strip():
        raise ValidationProblem("say where the list was published (--source): it is shown with the group")
    header, rows = read_csv(path)
    missing = [c for c in ("Area code", "Member code") if c not in header]
    if missing:
        raise ValidationProblem(f"missing column {' and '.join(missing)}; found {', '.join(header)}", where=str(path))
    known = {a.code: a for a in Area.objects.filter(area_type__in=[*CSP_AREA_TYPES, AreaType.POLICE_FORCE_AREA])}
    groups: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        for col in ("Area code", "Member code"):
            code = row[col]
            where = f"{path}, row {line}, column {col}"
            if not GSS_PATTERN.match(code):
                raise ValidationProblem(f"{code!r} is not an ONS GSS code, such as E07000073", where=where)
            if code not in known:
                raise ValidationProblem(
                    f"{code} is not a community safety partnership or police force area in the hub", where=where
                )
            if known[code].successor_id:
                raise ValidationProblem(f"{code} ({known[code].name}) is no longer in use", where=where)
        area, member = known[row["Area code"]], known[row["Member code"]]
        if (area.area_type == AreaType.POLICE_FORCE_AREA) != (member.area_type == AreaType.POLICE_FORCE_AREA):
            raise ValidationProblem(
                f"{member.name} and {area.name} are not both force areas or both partnership areas",
                where=f"{path}, row {line}",
            )
        groups[area.code].add(member.code)
        if row.get("Group name"):
            names[area.code] = row["Group name"]
    if not groups:
        raise ValidationProblem("has no rows", where=str(path))
    specs = [
        GroupSpec(
            slug=f"official-msg-{code.lower()}",
            name=names.get(code) or f"Most similar to {known[code].name} (published)",
            kind=Kind.MOST_SIMILAR,
            basis=Basis.OFFICIAL,
            level=Level.FORCE if known[code].area_type == AreaType.POLICE_FORCE_AREA else Level.CSP,
            description=f"{known[code].name} and its most similar group as published: {source.strip()}.",
            members=frozenset({known[code].pk, *(known[m].pk for m in members)}),
            for_area=known[code].pk,
            method="published list",
            source=source.strip()[:300],
        )
        for code, members in sorted(groups.items())
    ]
    summary = LoadSummary()
    with transaction.atomic():
        _groups_write(specs, summary=summary)
    return summary


def geography_national_load(*, folder: Path) -> NationalLoad:
    """England and Wales from the ONS files under ``folder`` (laid out as in docs/geography.md):
    districts and force areas, LSOAs of both vintages and the lookup between them, populations,
    the characteristics groups are chosen by, and every comparator group. Idempotent: a second
    run changes nothing."""
    files = national_files(folder)
    load = NationalLoad()
    timed(
        load,
        "districts and force areas",
        lambda: geography_districts_load(path=files["districts"], changes=files["changes"]),
    )
    timed(load, "LSOAs (2011)", lambda: geography_lsoas_load(path=files["lsoas_2011"]))
    timed(load, "LSOAs (2021)", lambda: geography_lsoas_load(path=files["lsoas_2021"]))
    timed(load, "LSOA lookup 2011 to 2021", lambda: _derive_unless_ons(files["centres"]))
    timed(load, "populations mid-2022", lambda: geography_populations_load(path=files["population_2022"], year=2022))
    timed(load, "populations mid-2023", lambda: geography_populations_load(path=files["population_2023"], year=2023))
    timed(load, "force area populations", lambda: geography_populations_load(path=files["population_forces"]))
    timed(
        load,
        "area characteristics",
        lambda: geography_characteristics_load(
            land_areas=files["land_areas"],
            population_year=2023,
            imd=files["imd"],
            imd_population=files["imd_population"],
        ),
    )
    timed(load, "fixed comparator groups", comparator_groups_fixed_build)
    timed(load, "most similar groups", comparator_groups_similar_compute)
    return load


def _derive_unless_ons(centres: Path) -> LoadSummary:
    if LsoaChange.objects.filter(method=ONS_METHOD).exists():
        return LoadSummary(notes=["ONS's own LSOA lookup is loaded and was kept"])
    return geography_lsoa_lookup_derive(centres=centres)
