"""Set-based writes shared by the loaders: areas and populations, created and updated in bulk.

One query reads what exists, then new rows go in with ``bulk_create`` and changed rows with
``bulk_update`` (both with their history rows, django-simple-history's bulk helpers), so loading
every LSOA in England and Wales is a handful of statements, not tens of thousands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from saferhub.geography.loaders.files import LoadSummary
from saferhub.geography.models import Area, Population

BATCH = 2000

# Parents before children: a row's parent and force area must exist before it is written.
_LEVEL = {
    "country": 0,
    "region": 1,
    "county": 2,
    "combined_authority": 2,
    "police_force_area": 2,
    "unitary": 3,
    "district": 3,
    "ward": 4,
    "msoa": 4,
    "lsoa": 5,
}


@dataclass(frozen=True)
class AreaRow:
    """An area as a file describes it; ``None`` for a reference means "the file does not say" and
    never clears what the hub already holds."""

    code: str
    name: str | None
    area_type: str
    parent: str | None = None
    force: str | None = None
    successor: str | None = None
    vintage: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    source: str = ""


_REFS = (("parent", "parent_id"), ("force", "force_area_id"), ("successor", "successor_id"))
_PLAIN = ("name", "area_type", "vintage", "valid_from", "valid_to")


def areas_upsert(rows: Sequence[AreaRow], *, summary: LoadSummary) -> dict[str, int]:
    """Create or update ``rows`` (codes unique); return every known code's primary key.

    References name codes in ``rows`` or already in the hub; the caller has checked them.
    """
    ids = dict(Area.objects.values_list("code", "pk"))
    by_level: dict[int, list[AreaRow]] = {}
    for row in rows:
        by_level.setdefault(_LEVEL.get(row.area_type, 9), []).append(row)
    successors: list[AreaRow] = []
    for level in sorted(by_level):
        batch = by_level[level]
        # By type, not by a list of codes: a national LSOA list is more codes than SQLite binds at once.
        wanted = {r.code for r in batch if r.code in ids}
        existing = {
            a.code: a for a in Area.objects.filter(area_type__in={r.area_type for r in batch}) if a.code in wanted
        }
        now = timezone.now()
        new: list[Area] = []
        changed: list[tuple[Area, tuple[str, ...]]] = []
        for row in batch:
            area = existing.get(row.code)
            values = _values(row, ids)
            if area is None:
                new.append(Area(code=row.code, source=row.source, **{k: v for k, v in values.items() if v is not None}))
                continue
            diff = [k for k, v in values.items() if v is not None and getattr(area, k) != v]
            if diff:
                for k in diff:
                    setattr(area, k, values[k])
                area.source = row.source or area.source
                area.updated_at = now
                changed.append((area, (*diff, "source")))
            else:
                summary.unchanged += 1
        history = level < _LEVEL["lsoa"]
        if new:
            for area in _create(new, history=history):
                ids[area.code] = area.pk
            summary.created += len(new)
        if changed:
            _update_in_sets(changed, history=history)
            summary.updated += len(changed)
        successors.extend(r for r in batch if r.successor)
    _set_successors(successors, ids)
    return ids


def _update_in_sets(changed: list[tuple[Area, tuple[str, ...]]], *, history: bool) -> None:
    """Write changed areas with one UPDATE per distinct set of new values (a national LSOA file
    changes thousands of areas in the same way: a vintage added), and their history rows in bulk."""
    groups: dict[tuple[tuple[str, object], ...], list[int]] = {}
    for area, fields in changed:
        groups.setdefault(tuple((f, getattr(area, f)) for f in fields), []).append(area.pk)
    now = timezone.now()
    for values, pks in groups.items():
        for start in range(0, len(pks), 900):  # SQLite binds at most a few thousand values
            Area.objects.filter(pk__in=pks[start : start + 900]).update(**dict(values), updated_at=now)
    if history:
        Area.history.bulk_history_create([a for a, _ in changed], batch_size=BATCH)


def _values(row: AreaRow, ids: dict[str, int]) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(row, name) for name in _PLAIN}
    for ref, attr in _REFS[:2]:
        code = getattr(row, ref)
        values[attr] = ids[code] if code else None
    return values


def _create(objs: list[Area], *, history: bool) -> list[Area]:
    # LSOAs are reference data read from ONS files (``source`` names the file); tens of thousands
    # of history rows per load would record nothing a person did, so they are written without.
    if history:
        return list(bulk_create_with_history(objs, Area, batch_size=BATCH))
    return Area.objects.bulk_create(objs, batch_size=BATCH)


def _set_successors(rows: Iterable[AreaRow], ids: dict[str, int]) -> None:
    """Successors can be in the same file and level as their predecessors, so they are linked last."""
    wanted = {r.code: ids[r.successor] for r in rows if r.successor and r.successor != r.code}
    if not wanted:
        return
    changed = []
    for area in Area.objects.filter(code__in=list(wanted)):
        if area.successor_id != wanted[area.code]:
            area.successor_id = wanted[area.code]
            area.updated_at = timezone.now()
            changed.append(area)
    if changed:
        bulk_update_with_history(changed, Area, ["successor", "updated_at"], batch_size=BATCH)


def populations_upsert(values: dict[tuple[int, int], int], *, source: str, summary: LoadSummary) -> None:
    """Create or update mid-year estimates keyed by (area id, year), in bulk."""
    if not values:
        return
    years = {y for _, y in values}
    existing = {
        (p.area_id, p.year): p for p in Population.objects.filter(year__in=years, area_id__in={a for a, _ in values})
    }
    new, changed = [], []
    for (area_id, year), value in values.items():
        pop = existing.get((area_id, year))
        if pop is None:
            new.append(Population(area_id=area_id, year=year, value=value, source=source))
        elif pop.value != value or pop.source != source:
            pop.value, pop.source, pop.updated_at = value, source, timezone.now()
            changed.append(pop)
        else:
            summary.unchanged += 1
    if new:
        bulk_create_with_history(new, Population, batch_size=BATCH)
        summary.created += len(new)
    if changed:
        bulk_update_with_history(changed, Population, ["value", "source", "updated_at"], batch_size=BATCH)
        summary.updated += len(changed)
