"""Decides, for each family of related indicator values, which the public may not see, and stores the
decision (``saferhub.core.suppressions``) in the refresh's transaction.

A family is every indicator whose values add up with each other: police.uk's all crime is the sum of
its crime types, and each ``…-rate`` rests on the count of the same name. Within a family the
values are related by:

- the area hierarchy (``area_sums``): a county's count is the sum of its districts', a region's of
  its counties', districts' and unitaries', a country's of its regions' (and of its police force
  areas'), a police force area's of its community safety partnership areas' (a missing area is an
  unknown figure, not a zero);
- the family's sums: all crime = Σ crime types, in the same area and period;
- breakdowns: a total is the sum of the values of each breakdown dimension;
- periods: a quarter's or a year's count is the sum of the months (or quarters) inside it.

A relation that may not hold exactly (a district missing a month) is still given: more relations
can only make ``protect`` hide more, never less. Each partnership's members see their own area (and
the areas in it) whole, so the decision also holds against what they know (``Insider``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings

from saferhub.accounts.models import Partnership
from saferhub.core import disclosure
from saferhub.core.models import ChangeCounter
from saferhub.core.protection import Protecting
from saferhub.core.suppressions import FigureKey, suppressions_replace
from saferhub.framework.models import Indicator
from saferhub.geography.models import CSP_AREA_TYPES, Area
from saferhub.measures.models import IndicatorValue

POLICE_UK_FAMILY = "police-uk-crime"
ALL_CRIME = "all-crime"
ASB = "anti-social-behaviour"
CRIME_PREFIX = "crime-"
RATE_SUFFIX = "-rate"
AREA_TYPES = [*CSP_AREA_TYPES, "county", "police_force_area", "region", "country"]
LONGER = {"quarter": ("month",), "year": ("month", "quarter"), "financial_year": ("month", "quarter")}

Cell = tuple[str, str, str, str]  # (measure, area code, period, breakdown)
# Part of every decision's fingerprint: raised when the relations change, so that decisions stored
# under the old ones are made again (2: a region is its counties too, a country its regions and forces).
RULES_VERSION = 2


def _base(slug: str) -> str:
    return slug[: -len(RATE_SUFFIX)] if slug.endswith(RATE_SUFFIX) else slug


def _in_police_uk(slug: str) -> bool:
    base = _base(slug)
    return base in (ALL_CRIME, ASB) or base.startswith(CRIME_PREFIX)


def family_of(indicator: Indicator) -> tuple[str, list[Indicator]]:
    """The family's name and members: police.uk crime and ASB together, else the indicator with its
    count or rate twin."""
    if _in_police_uk(indicator.slug):
        members = [i for i in Indicator.objects.all() if _in_police_uk(i.slug)]
        return POLICE_UK_FAMILY, members
    base = _base(indicator.slug)
    members = list(Indicator.objects.filter(slug__in=[base, base + RATE_SUFFIX]))
    return f"indicator:{base}", members


def _count(value: float | None, numerator: float | None, denominator: float | None, multiplier: float, count: bool):
    """The count a value rests on: a count's value, else its numerator (or the numerator its rate and
    denominator imply)."""
    if count:
        return value
    if numerator is not None:
        return numerator
    if value is not None and denominator:
        return value * denominator / multiplier
    return None


def family_cells(members: list[Indicator]) -> tuple[dict[Cell, float | None], dict[Cell, set[str]], dict[Cell, Any]]:
    """Every count the family publishes, by cell; the indicator slugs each cell is shown under (a rate
    shares its count's cell); each cell's period kind and span."""
    slugs = {i.slug for i in members}
    by_id = {i.pk: i for i in members}
    values: dict[Cell, float | None] = {}
    shown_as: dict[Cell, set[str]] = defaultdict(set)
    spans: dict[Cell, Any] = {}
    rows = IndicatorValue.objects.filter(indicator__in=members).values_list(
        "indicator_id",
        "area__code",
        "period_label",
        "period_kind",
        "period_start",
        "period_end",
        "breakdown",
        "value",
        "numerator",
        "denominator",
    )
    for ind_id, code, period, kind, start, end, breakdown, value, num, den in rows:
        ind = by_id[ind_id]
        base = _base(ind.slug)
        measure = base if base in slugs else ind.slug
        cell = (measure, code, period, breakdown)
        n = _count(value, num, den, ind.multiplier, ind.value_type == "count")
        if cell not in values or values[cell] is None:
            values[cell] = n
        shown_as[cell].add(ind.slug)
        spans[cell] = (kind, start, end)
    return values, shown_as, spans


def area_sums(areas: dict[str, Area]) -> dict[str, list[list[str]]]:
    """For each area code, the ways its count is a sum of other areas' counts (each a sorted list of
    codes). Two trees: places (district → county → region → country, a unitary or a district straight
    into its region or country) and forces (community safety partnership areas → police force area →
    country). So a region is its counties, districts and unitaries; England is its regions and also
    its police force areas; a county is its districts; a force area is its partnerships' areas."""
    by_pk = {a.pk: a for a in areas.values()}
    sums: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in areas.values():
        parent = by_pk.get(a.parent_id) if a.parent_id else None
        tree = "forces" if a.area_type == "police_force_area" else "places"
        if parent is not None:
            sums[(parent.code, tree)].append(a.code)
        force = by_pk.get(a.force_area_id) if a.force_area_id and a.area_type in CSP_AREA_TYPES else None
        if force is not None:
            sums[(force.code, "forces")].append(a.code)
    out: dict[str, list[list[str]]] = defaultdict(list)
    for (code, _), kids in sorted(sums.items()):
        out[code].append(sorted(kids))
    return out


def family_relations(
    values: dict[Cell, float | None], spans: dict[Cell, Any], areas: dict[str, Area]
) -> list[disclosure.Relation]:
    """How the family's cells add up (see the module's docstring). Missing parts become unknown cells
    in ``values`` (None)."""
    relations: list[disclosure.Relation] = []
    present = list(values)
    sums = area_sums(areas)
    for measure, code, period, breakdown in present:
        for kids in sums.get(code, ()):
            parts = [(measure, k, period, breakdown) for k in kids]
            for part in parts:
                values.setdefault(part, None)
            relations.append([((measure, code, period, breakdown), 1), *((p, -1) for p in parts)])
    groups: dict[tuple[str, str, str], list[Cell]] = defaultdict(list)
    for cell in present:
        groups[(cell[1], cell[2], cell[3])].append(cell)
    for (code, period, breakdown), cells in groups.items():
        total = (ALL_CRIME, code, period, breakdown)
        types = [c for c in cells if c[0].startswith(CRIME_PREFIX)]
        if total in values and types:
            relations.append([(total, 1), *((c, -1) for c in types)])
    by_dimension: dict[tuple[str, str, str, str], list[Cell]] = defaultdict(list)
    for cell in present:
        if "=" in cell[3]:
            by_dimension[(cell[0], cell[1], cell[2], cell[3].split("=", 1)[0])].append(cell)
    for (measure, code, period, _), cells in by_dimension.items():
        total = (measure, code, period, "")
        if total in values:
            relations.append([(total, 1), *((c, -1) for c in cells)])
    series: dict[tuple[str, str, str], list[Cell]] = defaultdict(list)
    for cell in present:
        series[(cell[0], cell[1], cell[3])].append(cell)
    for cells in series.values():
        of_kind: dict[str, list[Cell]] = defaultdict(list)  # in the series' order, as before
        for cell in cells:
            of_kind[spans[cell][0]].append(cell)
        for cell in cells:
            kind, start, end = spans[cell]
            for shorter in LONGER.get(kind, ()):
                inside = [c for c in of_kind.get(shorter, ()) if start <= spans[c][1] and spans[c][2] <= end]
                if inside:
                    relations.append([(cell, 1), *((c, -1) for c in inside)])
    return relations


def _components(values: dict[Cell, float | None], relations: list[disclosure.Relation]) -> list[list[int]]:
    """Relations grouped by the cells they share (each group is decided on its own)."""
    parent: dict[Cell, Cell] = {}

    def find(c: Cell) -> Cell:
        while parent.setdefault(c, c) != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for relation in relations:
        first = relation[0][0]
        for k, _ in relation[1:]:
            parent[find(k)] = find(first)  # type: ignore[arg-type]
    groups: dict[Cell, list[int]] = defaultdict(list)
    for i, relation in enumerate(relations):
        groups[find(relation[0][0])].append(i)  # type: ignore[arg-type]
    return list(groups.values())


def insiders(areas: dict[str, Area]) -> list[tuple[set[str], set[str]]]:
    """For each partnership's area: the area codes its members see whole (the area and those in it)
    and the codes of the areas it lies in (totals its own figures are part of)."""
    by_pk = {a.pk: a for a in areas.values()}
    out = []
    # In the areas' order: the order readers are served in decides which figure is hidden for whom.
    for area_id in sorted(set(Partnership.objects.exclude(area=None).values_list("area_id", flat=True))):
        home = by_pk.get(area_id)
        if home is None:
            continue
        inside = {home.code} | {
            a.code
            for a in areas.values()
            if home.pk in (a.parent_id, a.force_area_id)
            or (a.parent_id and by_pk.get(a.parent_id) and home.pk in (by_pk[a.parent_id].parent_id,))
        }
        above = {by_pk[x].code for x in (home.parent_id, home.force_area_id) if x and x in by_pk}
        out.append((inside, above))
    return out


def suppression_refresh(*, indicators: Iterable[Indicator]) -> dict[str, int]:
    """Decide and store what the public may not see for the families of these indicators; returns the
    number of hidden figures by family. Call inside the refresh's transaction."""
    with suppression_begin(indicators=indicators) as deciding:
        return deciding.finish()


def suppression_begin(*, indicators: Iterable[Indicator]) -> Deciding:
    """Begin ``suppression_refresh``: read the families' figures and start deciding them; ``finish()``
    stores the decisions. The families' groups are decided together (``protection.Protecting``: side
    by side in processes when there is enough work, while the caller works out its summaries). Call
    both inside the refresh's transaction."""
    done: dict[str, int] = {}
    areas: dict[str, Area] = {}
    knowledge: list[tuple[set[str], set[str]]] = []
    pending: list[_Pending] = []
    groups: list[tuple[dict[Cell, float | None], list[disclosure.Relation], list[disclosure.Insider]]] = []
    for indicator in indicators:
        name, members = family_of(indicator)
        if name in done or not members:
            continue
        values, shown_as, spans = family_cells(members)
        fingerprint = _fingerprint(name, values, shown_as)
        if ChangeCounter.objects.filter(name=_marker(name), value=fingerprint).exists():
            done[name] = -1  # decided already for these very figures (an import refreshes each indicator)
            continue
        done[name] = 0
        if not areas:
            areas = {a.code: a for a in Area.objects.filter(area_type__in=AREA_TYPES)}
            knowledge = insiders(areas)
        relations = family_relations(values, spans, areas)
        family = _Pending(name, fingerprint, values, shown_as, first=len(groups))
        for group in _components(values, relations):
            rels = [relations[i] for i in group]
            cells = cast("set[Cell]", {k for r in rels for k, _ in r})
            family.covered |= cells
            sub = {c: values[c] for c in cells}
            if not any(disclosure.is_small(v) for v in sub.values()):
                continue  # nothing to hide: protect would hide nothing (no small count, nothing forced)
            people = [
                disclosure.Insider(
                    knows=frozenset(c for c in cells if c[1] in inside),
                    shares=frozenset(c for c in cells if c[1] in above),
                )
                for inside, above in knowledge
            ]
            groups.append((sub, rels, [p for p in people if p.knows and p.knows != frozenset(cells)]))
        family.last = len(groups)
        pending.append(family)
    return Deciding(done, pending, Protecting(groups, processes=settings.SAFERHUB_DISCLOSURE_PROCESSES))


@dataclass
class Deciding:
    """Decisions under way (``suppression_begin``): ``finish()`` waits for them and stores each family's."""

    done: dict[str, int]
    pending: list[_Pending]
    protecting: Protecting

    def finish(self) -> dict[str, int]:
        decisions = self.protecting.decisions()
        for family in self.pending:
            self.done[family.name] = _store(family, decisions[family.first : family.last])
        return self.done

    def __enter__(self) -> Deciding:
        return self

    def __exit__(self, *exc: object) -> None:
        self.protecting.close()  # the processes stop if the caller failed before finishing


@dataclass
class _Pending:
    """A family waiting for its groups' decisions (``groups[first:last]`` of ``suppression_refresh``)."""

    name: str
    fingerprint: int
    values: dict[Cell, float | None]
    shown_as: dict[Cell, set[str]]
    first: int
    last: int = 0
    covered: set[Cell] = field(default_factory=set)


def _store(family: _Pending, decisions: list[disclosure.Decision]) -> int:
    """Store a family's decision (its groups', and its cells in no relation, whose own smallness alone
    matters) with its fingerprint, in the same transaction: rolled back together."""
    values = family.values
    hidden: list[tuple[FigureKey, str]] = []
    for decision in decisions:
        primary = cast("frozenset[Cell]", decision.primary)
        secondary = cast("frozenset[Cell]", decision.secondary)
        hidden += [(c, "primary") for c in primary if values.get(c) is not None]
        hidden += [(c, "secondary") for c in secondary if values.get(c) is not None]
    hidden += [(c, "primary") for c, v in values.items() if c not in family.covered and disclosure.is_small(v)]
    rows = [((slug, c[1], c[2], c[3]), reason) for c, reason in hidden for slug in family.shown_as.get(c, {c[0]})]
    count = suppressions_replace(family=family.name, hidden=rows)
    ChangeCounter.objects.update_or_create(name=_marker(family.name), defaults={"value": family.fingerprint})
    return count


def _marker(name: str) -> str:
    """The counter that holds the fingerprint of a family's last decision."""
    return "suppression:" + hashlib.sha256(name.encode()).hexdigest()[:40]


def _fingerprint(name: str, values: dict[Cell, float | None], shown_as: dict[Cell, set[str]]) -> int:
    """What a family's decision rests on (its figures, the areas and the partnerships' areas), as a
    63-bit number."""
    digest = hashlib.sha256(f"{name}|{RULES_VERSION}".encode())
    for cell in sorted(values):
        digest.update(repr((cell, values[cell], sorted(shown_as.get(cell, ())))).encode())
    areas = Area.objects.filter(area_type__in=AREA_TYPES)  # those the decision reads (not LSOAs or wards)
    digest.update(repr(sorted(areas.values_list("code", "parent_id", "force_area_id"))).encode())
    digest.update(repr(sorted(Partnership.objects.exclude(area=None).values_list("area_id", flat=True))).encode())
    return int(digest.hexdigest()[:15], 16)
