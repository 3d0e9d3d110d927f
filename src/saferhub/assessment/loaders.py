"""Loaders of reference data: the published priority matrix (seed 002, Annex A), the Community
Safety Agreement priorities (seed 001, Table 1), published unit costs of harm (harm indices are in ``harm_loader``).

Each loader reads and checks the whole file first, then writes in one transaction, so a bad file
changes nothing; messages name the file, the item and what was expected. Loading the same file
again changes nothing (what is stored is compared with the file, and replaced only if it differs).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

import yaml
from django.db import transaction

from saferhub.accounts.models import Partnership
from saferhub.assessment.models import (
    ListedIndicator,
    ListedPriority,
    MatrixCell,
    MatrixRow,
    MatrixTheme,
    PriorityList,
    PriorityMatrix,
    UnitCost,
    UnitCostSet,
)
from saferhub.core.errors import ValidationProblem
from saferhub.geography.models import Area

BUILTIN_MATRICES = ("annex_a_2013.yaml",)
BUILTIN_LISTS = ("csa_priorities_2010.yaml",)
BUILTIN_COSTS = "unit_costs.yaml"
TICK = "✓"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_HARM_FILE_BYTES = 5 * 1024 * 1024


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def builtin_text(name: str) -> str:
    return resources.files("saferhub.assessment").joinpath("data", name).read_text(encoding="utf-8")


def _yaml(text: str, *, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValidationProblem(f"is not valid YAML: {exc}", where=where) from None
    if not isinstance(data, dict):
        raise ValidationProblem("must be a mapping of fields (slug, title, …)", where=where)
    return data


def text_field(data: dict[str, Any], key: str, *, where: str, required: bool = True, max_length: int = 300) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str | int):
        raise ValidationProblem(f"{key} must be text", where=where)
    value = str(value).strip()
    if required and not value:
        raise ValidationProblem(f"{key} is missing", where=where)
    if CONTROL_CHARACTERS.search(value):
        raise ValidationProblem(f"{key} contains control characters", where=where)
    if len(value) > max_length:
        raise ValidationProblem(f"{key} is longer than {max_length} characters", where=where)
    return value


def slug_field(data: dict[str, Any], *, where: str) -> str:
    slug = text_field(data, "slug", where=where, max_length=100)
    if not _SLUG.match(slug):
        raise ValidationProblem(f"slug {slug!r} must be lower-case letters, digits and hyphens", where=where)
    return slug


def _list(data: dict[str, Any], key: str, *, where: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ValidationProblem(f"{key} must be a list", where=where)
    return value


def _partnership(slug: str, *, where: str) -> Partnership | None:
    if not slug:
        return None
    found = Partnership.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationProblem(
            f"partnership {slug!r} is not in the hub: load it first (saferhub accounts load-essex)", where=where
        )
    return found


def _area(code: str, *, where: str) -> Area | None:
    if not code:
        return None
    found = Area.objects.filter(code=code).first()
    if found is None:
        raise ValidationProblem(
            f"area {code!r} is not in the hub: load it first (saferhub geography load builtin essex)", where=where
        )
    return found


# --- priority matrices -----------------------------------------------------------------------------


@dataclass
class _MatrixSpec:
    header: dict[str, Any]
    themes: list[dict[str, Any]]
    rows: list[dict[str, Any]]
    cells: dict[tuple[int, int], dict[str, Any]]  # (row position, theme position) → marked, mark, note


def _matrix_spec(data: dict[str, Any], *, where: str) -> _MatrixSpec:
    slug = slug_field(data, where=where)
    footnotes = _list(data, "footnotes", where=where)
    if not all(isinstance(f, str) for f in footnotes):
        raise ValidationProblem("footnotes must be a list of text", where=where)
    header = {
        "slug": slug,
        "title": text_field(data, "title", where=where),
        "kind": PriorityMatrix.Kind.PUBLISHED,
        "publisher": text_field(data, "publisher", where=where, required=False, max_length=200),
        "as_at": text_field(data, "as_at", where=where, required=False, max_length=60),
        "source": text_field(data, "source", where=where),
        "introduction": text_field(data, "introduction", where=where, required=False, max_length=5000),
        "footnotes": [f.strip() for f in footnotes],
        "area": _area(text_field(data, "area", where=where, required=False, max_length=9), where=f"{where}, area"),
    }
    themes: list[dict[str, Any]] = []
    positions: dict[str, int] = {}
    for i, item in enumerate(_list(data, "themes", where=where), start=1):
        place = f"{where}, theme {i}"
        if not isinstance(item, dict):
            raise ValidationProblem("must be a mapping with a label", where=place)
        label = text_field(item, "label", where=place, max_length=120)
        if label in positions:
            raise ValidationProblem(f"theme {label!r} is listed twice", where=place)
        positions[label] = i
        themes.append({"position": i, "label": label, "note": text_field(item, "note", where=place, required=False)})
    if not themes:
        raise ValidationProblem("has no themes", where=where)
    rows: list[dict[str, Any]] = []
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    labels: set[str] = set()
    for r, item in enumerate(_list(data, "rows", where=where), start=1):
        if not isinstance(item, dict):
            raise ValidationProblem("must be a mapping with a label", where=f"{where}, row {r}")
        label = text_field(item, "label", where=f"{where}, row {r}", max_length=120)
        place = f"{where}, row {r} ({label})"
        if label in labels:
            raise ValidationProblem(f"row {label!r} is listed twice", where=place)
        labels.add(label)
        rows.append(
            {
                "position": r,
                "label": label,
                "partnership": _partnership(text_field(item, "partnership", where=place, required=False), where=place),
                "area": _area(text_field(item, "area", where=place, required=False, max_length=9), where=place),
                "priorities_text": text_field(item, "priorities", where=place, required=False, max_length=5000),
                "comments_text": text_field(item, "comments", where=place, required=False, max_length=5000),
            }
        )
        for t in themes:
            cells[(r, t["position"])] = {"marked": False, "mark": "", "note": ""}
        for m in _list(item, "marked", where=place):
            entry = {"theme": m} if isinstance(m, str) else m
            if not isinstance(entry, dict):
                raise ValidationProblem("each marked theme must be a theme label or {theme, mark, note}", where=place)
            theme = text_field(entry, "theme", where=place, max_length=120)
            if theme not in positions:
                raise ValidationProblem(
                    f"marked theme {theme!r} is not one of the {len(themes)} themes: {', '.join(positions)}",
                    where=place,
                )
            key = (r, positions[theme])
            if cells[key]["marked"]:
                raise ValidationProblem(f"theme {theme!r} is marked twice", where=place)
            cells[key] = {
                "marked": True,
                "mark": text_field(entry, "mark", where=place, required=False, max_length=20) or TICK,
                "note": text_field(entry, "note", where=place, required=False),
            }
    if not rows:
        raise ValidationProblem("has no rows", where=where)
    return _MatrixSpec(header=header, themes=themes, rows=rows, cells=cells)


def _matrix_state(matrix: PriorityMatrix) -> tuple[Any, ...]:
    themes = [(t.position, t.label, t.note) for t in matrix.themes.order_by("position")]
    rows = [
        (r.position, r.label, r.partnership_id, r.area_id, r.priorities_text, r.comments_text)
        for r in matrix.rows.order_by("position")
    ]
    cells = sorted(
        (c.row.position, c.theme.position, c.marked, c.mark, c.note)
        for c in MatrixCell.objects.filter(row__matrix=matrix).select_related("row", "theme")
    )
    return themes, rows, cells


def _spec_state(spec: _MatrixSpec) -> tuple[Any, ...]:
    themes = [(t["position"], t["label"], t["note"]) for t in spec.themes]
    rows = [
        (
            r["position"],
            r["label"],
            r["partnership"].pk if r["partnership"] else None,
            r["area"].pk if r["area"] else None,
            r["priorities_text"],
            r["comments_text"],
        )
        for r in spec.rows
    ]
    cells = sorted((r, t, c["marked"], c["mark"], c["note"]) for (r, t), c in spec.cells.items())
    return themes, rows, cells


def priority_matrix_load(*, text: str, where: str) -> LoadSummary:
    """Load a published priority matrix (themes, rows, every cell) from its YAML text."""
    spec = _matrix_spec(_yaml(text, where=where), where=where)
    summary = LoadSummary()
    with transaction.atomic():
        header = dict(spec.header)
        matrix = PriorityMatrix.objects.filter(slug=header["slug"]).first()
        if matrix is not None:
            same_header = all(getattr(matrix, k) == v for k, v in header.items())
            if same_header and _matrix_state(matrix) == _spec_state(spec):
                summary.add("unchanged")
                return summary
            for k, v in header.items():
                setattr(matrix, k, v)
            matrix.save()
            matrix.themes.all().delete()
            matrix.rows.all().delete()
            summary.add("updated")
        else:
            matrix = PriorityMatrix.objects.create(**header)
            summary.add("created")
        themes = MatrixTheme.objects.bulk_create([MatrixTheme(matrix=matrix, **t) for t in spec.themes])
        rows = MatrixRow.objects.bulk_create([MatrixRow(matrix=matrix, **r) for r in spec.rows])
        by_theme = {t.position: t for t in themes}
        by_row = {r.position: r for r in rows}
        MatrixCell.objects.bulk_create(
            [MatrixCell(row=by_row[r], theme=by_theme[t], **c) for (r, t), c in sorted(spec.cells.items())]
        )
    return summary


# --- priority lists --------------------------------------------------------------------------------


def _list_spec(data: dict[str, Any], *, where: str) -> tuple[dict[str, Any], list[tuple[dict[str, Any], list[Any]]]]:
    header = {
        "slug": slug_field(data, where=where),
        "title": text_field(data, "title", where=where),
        "period_label": text_field(data, "period", where=where, required=False, max_length=40),
        "source": text_field(data, "source", where=where),
        "introduction": text_field(data, "introduction", where=where, required=False, max_length=5000),
        "partnership": _partnership(text_field(data, "partnership", where=where, required=False), where=where),
    }
    priorities, numbers = [], set()
    for i, item in enumerate(_list(data, "priorities", where=where), start=1):
        place = f"{where}, priority {i}"
        if not isinstance(item, dict):
            raise ValidationProblem("must be a mapping with number, title and indicators", where=place)
        number = item.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise ValidationProblem(f"number must be a whole number from 1, not {number!r}", where=place)
        if number in numbers:
            raise ValidationProblem(f"priority number {number} is used twice", where=place)
        numbers.add(number)
        indicators = []
        for j, ind in enumerate(_list(item, "indicators", where=place), start=1):
            at = f"{place}, indicator {j}"
            if not isinstance(ind, dict):
                raise ValidationProblem("must be a mapping with title, ni and leads", where=at)
            indicators.append(
                {
                    "position": j,
                    "title": text_field(ind, "title", where=at),
                    "national_indicator": text_field(ind, "ni", where=at, required=False, max_length=60),
                    "leads": text_field(ind, "leads", where=at, required=False, max_length=200),
                }
            )
        priorities.append(({"number": number, "title": text_field(item, "title", where=place)}, indicators))
    if not priorities:
        raise ValidationProblem("has no priorities", where=where)
    return header, priorities


def priority_list_load(*, text: str, where: str) -> LoadSummary:
    """Load a numbered list of priorities with their indicators and leads from its YAML text."""
    header, priorities = _list_spec(_yaml(text, where=where), where=where)
    summary = LoadSummary()
    wanted = [
        (p["number"], p["title"], [(i["position"], i["title"], i["national_indicator"], i["leads"]) for i in inds])
        for p, inds in priorities
    ]
    with transaction.atomic():
        plist = PriorityList.objects.filter(slug=header["slug"]).first()
        if plist is not None:
            stored = [
                (
                    p.number,
                    p.title,
                    [(i.position, i.title, i.national_indicator, i.leads) for i in p.indicators.order_by("position")],
                )
                for p in plist.priorities.order_by("number")
            ]
            if all(getattr(plist, k) == v for k, v in header.items()) and stored == wanted:
                summary.add("unchanged")
                return summary
            for k, v in header.items():
                setattr(plist, k, v)
            plist.save()
            plist.priorities.all().delete()
            summary.add("updated")
        else:
            plist = PriorityList.objects.create(**header)
            summary.add("created")
        made = ListedPriority.objects.bulk_create([ListedPriority(priority_list=plist, **p) for p, _ in priorities])
        ListedIndicator.objects.bulk_create(
            [ListedIndicator(priority=m, **i) for m, (_, inds) in zip(made, priorities, strict=True) for i in inds]
        )
    return summary


# --- unit costs ------------------------------------------------------------------------------------


def _money(value: Any, *, where: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationProblem(f"value {value!r} is not an amount in pounds, such as 1585510", where=where) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationProblem(f"value {value!r} must be zero or more pounds", where=where)
    return amount.quantize(Decimal("0.01"))


def unit_costs_load(*, text: str, where: str) -> LoadSummary:
    """Load sets of published unit costs (one source and price year each) from YAML text."""
    data = _yaml(text, where=where)
    sets = []
    seen: set[str] = set()
    for i, item in enumerate(_list(data, "sets", where=where), start=1):
        place = f"{where}, set {i}"
        if not isinstance(item, dict):
            raise ValidationProblem("must be a mapping with slug, title and costs", where=place)
        slug = slug_field(item, where=place)
        if slug in seen:
            raise ValidationProblem(f"set {slug!r} is listed twice", where=place)
        seen.add(slug)
        header = {
            "slug": slug,
            "title": text_field(item, "title", where=place),
            "publisher": text_field(item, "publisher", where=place, max_length=200),
            "table": text_field(item, "table", where=place, required=False, max_length=200),
            "price_year": text_field(item, "price_year", where=place, required=False, max_length=20),
            "url": text_field(item, "url", where=place, required=False, max_length=500),
            "quoted_in": text_field(item, "quoted_in", where=place, required=False, max_length=500),
            "notes": text_field(item, "notes", where=place, required=False, max_length=5000),
        }
        if header["url"] and not header["url"].startswith(("https://", "http://")):
            raise ValidationProblem(f"url {header['url']!r} must start with https:// or http://", where=place)
        costs, keys = [], set()
        for j, c in enumerate(_list(item, "costs", where=place), start=1):
            at = f"{place} ({slug}), cost {j}"
            if not isinstance(c, dict):
                raise ValidationProblem("must be a mapping with key, label, per and value", where=at)
            key = text_field(c, "key", where=at, max_length=60)
            if not _SLUG.match(key) or key in keys:
                raise ValidationProblem(f"key {key!r} must be a unique slug within the set", where=at)
            keys.add(key)
            costs.append(
                {
                    "key": key,
                    "label": text_field(c, "label", where=at, max_length=200),
                    "per": text_field(c, "per", where=at, max_length=60),
                    "value": _money(c.get("value"), where=at),
                }
            )
        if not costs:
            raise ValidationProblem("has no costs", where=place)
        sets.append((header, costs))
    summary = LoadSummary()
    with transaction.atomic():
        for header, costs in sets:
            obj = UnitCostSet.objects.filter(slug=header["slug"]).first()
            wanted = sorted((c["key"], c["label"], c["per"], c["value"]) for c in costs)
            if obj is not None:
                stored = sorted(obj.costs.values_list("key", "label", "per", "value"))
                if all(getattr(obj, k) == v for k, v in header.items()) and stored == wanted:
                    summary.add("unchanged")
                    continue
                for k, v in header.items():
                    setattr(obj, k, v)
                obj.save()
                obj.costs.all().delete()
                summary.add("updated")
            else:
                obj = UnitCostSet.objects.create(**header)
                summary.add("created")
            UnitCost.objects.bulk_create([UnitCost(cost_set=obj, **c) for c in costs])
    return summary


def assessment_essex_load() -> LoadSummary:
    """Load the built-in Essex reference data: Annex A of the Police and Crime Plan, the Community
    Safety Agreement's Table 1 and the published unit costs. Needs the Essex geography and
    partnerships (saferhub geography load builtin essex; saferhub accounts load-essex)."""
    total = LoadSummary()
    parts: list[tuple[str, Callable[..., LoadSummary]]] = [
        *((name, priority_matrix_load) for name in BUILTIN_MATRICES),
        *((name, priority_list_load) for name in BUILTIN_LISTS),
        (BUILTIN_COSTS, unit_costs_load),
    ]
    with transaction.atomic():
        for name, loader in parts:
            result = loader(text=builtin_text(name), where=f"assessment/data/{name}")
            total.created += result.created
            total.updated += result.updated
            total.unchanged += result.unchanged
            total.notes += result.notes
    return total
