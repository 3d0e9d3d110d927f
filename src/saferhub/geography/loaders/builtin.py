"""The geography that ships with saferhub: Essex (areas, populations, groups) and the police force
areas of England and Wales with the authorities each covers. No external file is needed, so
``make run`` works offline."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from saferhub.core.codes import validate_gss_code
from saferhub.core.errors import ValidationProblem
from saferhub.geography.loaders.files import LoadSummary
from saferhub.geography.loaders.writes import AreaRow, areas_upsert, populations_upsert
from saferhub.geography.models import Area, AreaType, ComparatorGroup

BUILTIN_GEOGRAPHIES = ("essex",)
_VALID_TYPES = {choice.value for choice in AreaType}


def _data(name: str) -> Any:
    text = resources.files("saferhub.geography").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def force_areas() -> dict[str, Any]:
    """The built-in force list: ``{"source": …, "forces": [{code, name, ons_name, members}, …]}``."""
    return dict(_data("police_force_areas.yaml"))


def geography_builtin_load(*, name: str) -> LoadSummary:
    """Load a built-in geography (``essex``). Running it twice changes nothing."""
    if name not in BUILTIN_GEOGRAPHIES:
        raise ValidationProblem(
            f"there is no built-in geography called {name!r}; choose from: {', '.join(BUILTIN_GEOGRAPHIES)}"
        )
    return geography_spec_load(spec=_data(f"{name}.yaml"), where=f"built-in geography {name}")


def geography_spec_load(*, spec: dict[str, Any], where: str) -> LoadSummary:
    """Load areas, populations and comparator groups from a parsed specification."""
    items = spec.get("areas") or []
    source = spec.get("source", "")
    known = {a.get("code") for a in items} | set(Area.objects.values_list("code", flat=True))
    rows = []
    for i, item in enumerate(items, start=1):
        place = f"{where}, area {i}"
        code = validate_gss_code(item.get("code"), where=place)
        if item.get("type") not in _VALID_TYPES:
            raise ValidationProblem(f"type {item.get('type')!r} is not one of {sorted(_VALID_TYPES)}", where=place)
        for ref in ("parent", "force"):
            if item.get(ref) and item[ref] not in known:
                raise ValidationProblem(f"{ref} {item[ref]!r} of {code} is not an area", where=place)
        rows.append(
            AreaRow(code, item["name"], item["type"], parent=item.get("parent"), force=item.get("force"), source=source)
        )
    summary = LoadSummary()
    with transaction.atomic():
        ids = areas_upsert(rows, summary=summary)
        populations = {
            (ids[item["code"]], int(year)): int(value)
            for item in items
            for year, value in (item.get("populations") or {}).items()
        }
        populations_upsert(populations, source=source, summary=summary)
        for group in spec.get("comparator_groups") or []:
            _group_upsert(group, ids=ids, source=source, summary=summary)
    return summary


def _group_upsert(group: dict[str, Any], *, ids: dict[str, int], source: str, summary: LoadSummary) -> None:
    values = {
        "name": group["name"],
        "kind": group.get("kind", ComparatorGroup.Kind.CUSTOM),
        "description": group.get("description", ""),
        "for_area_id": ids.get(group.get("for_area") or ""),
        "source": source,
    }
    obj = ComparatorGroup.objects.filter(slug=group["slug"]).first()
    if obj is None:
        obj = ComparatorGroup.objects.create(slug=group["slug"], **values)
        summary.created += 1
    elif any(getattr(obj, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
        summary.updated += 1
    else:
        summary.unchanged += 1
    members = {ids[c] for c in group.get("members", [])}
    if set(obj.members.values_list("pk", flat=True)) != members:
        obj.members.set(members)
