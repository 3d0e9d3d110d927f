"""Computable indicator definitions: how an indicator's figures are counted from imported records.

A definition names the source and dataset (police.uk street or outcomes, STATS19 casualties), the
record kinds and categories it counts, the unit (a count, a rate per 1,000 or 100,000, or a
percentage), the period it is reported for (month, quarter, calendar or financial year, rolling 12
months), and, when the record categories only approximate the plan's wording, a plain-words proxy
note for the "how this is computed" text.

This module is pure Python (no Django, no record store) so it can be checked and tested alone:
:func:`parse_definition` validates a definition read from a framework YAML file, naming the field
at fault; :func:`store_filters` gives the arguments for ``RecordStore.grouped_counts`` grouped by
area and month; :func:`roll_up` turns those monthly counts into the indicator's own periods, in
one pass over the rows, marking a period partial when months are missing so it is not judged as a
whole one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from saferhub.core.codes import parse_period
from saferhub.core.errors import ValidationProblem

# The sources the importers write indicators from (an indicator's ``data_source``): open records,
# counted by the hub, never a partner's return.
POLICE_UK_NOTE = "police.uk street-level crime and anti-social behaviour (Open Government Licence v3.0)"
STATS19_NOTE = "DfT STATS19 road casualty statistics (Open Government Licence v3.0)"
IMPORTER_SOURCES = (POLICE_UK_NOTE, STATS19_NOTE)

# source → dataset → the record kinds it holds
DATASETS: dict[str, dict[str, tuple[str, ...]]] = {
    "police-uk": {"street": ("crime", "asb"), "outcomes": ("outcome",)},
    "stats19": {"casualty": ("casualty",), "collision": ("collision",)},
}
UNITS = {"count": 1, "rate_per_1000": 1000, "rate_per_100000": 100000, "percentage": 100}
PERIOD_TYPES = {"month": 1, "quarter": 3, "year": 12, "financial_year": 12, "rolling_12_months": 12}
FILTER_COLUMNS = ("category", "outcome", "severity", "road_user")
_ALLOWED_KEYS = {"source", "dataset", "kinds", "filters", "unit", "period_type", "denominator", "proxy", "age_under"}


@dataclass(frozen=True)
class ComputedDefinition:
    source: str
    dataset: str
    kinds: tuple[str, ...]
    unit: str
    period_type: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    denominator: str = ""  # e.g. "population" (all ages); empty for counts and percentages of records
    age_under: int | None = None  # counts only records with a known age below this (children)
    proxy: str = ""  # plain words: what the records count instead of what the plan names

    @property
    def multiplier(self) -> int:
        return UNITS[self.unit]


def _text_list(raw: Any, name: str, where: str) -> tuple[str, ...]:
    values = [raw] if isinstance(raw, str) else raw
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise ValidationProblem(f"{name} must be a list of one or more words", where=where, field=name)
    return tuple(v.strip() for v in values)


def _choice(raw: Mapping[str, Any], name: str, choices: Iterable[str], where: str) -> str:
    value = raw.get(name)
    options = list(choices)
    if value not in options:
        raise ValidationProblem(
            f"{name} {value!r} is not one of {', '.join(options)}", where=where, field=name, code="choice"
        )
    return str(value)


def parse_definition(raw: Any, *, where: str) -> ComputedDefinition:
    """Check a definition read from YAML; raise ``ValidationProblem`` naming the field at fault."""
    if not isinstance(raw, Mapping):
        raise ValidationProblem("the computed definition must be a mapping of names to values", where=where)
    unknown = sorted(set(raw) - _ALLOWED_KEYS)
    if unknown:
        raise ValidationProblem(
            f"unknown key {unknown[0]!r}; allowed keys are {', '.join(sorted(_ALLOWED_KEYS))}",
            where=where,
            field=unknown[0],
            code="unknown",
        )
    source = _choice(raw, "source", DATASETS, where)
    dataset = _choice(raw, "dataset", DATASETS[source], where)
    kinds = _text_list(raw.get("kinds", list(DATASETS[source][dataset])), "kinds", where)
    wrong = [k for k in kinds if k not in DATASETS[source][dataset]]
    if wrong:
        raise ValidationProblem(
            f"kind {wrong[0]!r} is not in {source} {dataset} records "
            f"(they hold {', '.join(DATASETS[source][dataset])})",
            where=where,
            field="kinds",
        )
    filters_raw = raw.get("filters") or {}
    if not isinstance(filters_raw, Mapping):
        raise ValidationProblem("filters must map a record column to its values", where=where, field="filters")
    filters: dict[str, tuple[str, ...]] = {}
    for column, values in filters_raw.items():
        if column not in FILTER_COLUMNS:
            raise ValidationProblem(
                f"cannot filter on {column!r}; filters may use {', '.join(FILTER_COLUMNS)}",
                where=where,
                field="filters",
            )
        filters[column] = _text_list(values, f"filters.{column}", where)
    unit = _choice(raw, "unit", UNITS, where)
    period_type = _choice(raw, "period_type", PERIOD_TYPES, where)
    denominator = str(raw.get("denominator") or "")
    if unit.startswith("rate") and denominator != "population":
        raise ValidationProblem(
            f"a {unit.replace('_', ' ')} needs denominator: population", where=where, field="denominator"
        )
    age_under = raw.get("age_under")
    if age_under is not None and (isinstance(age_under, bool) or not isinstance(age_under, int) or age_under < 1):
        raise ValidationProblem("age_under must be a whole number of years", where=where, field="age_under")
    proxy = raw.get("proxy") or ""
    if not isinstance(proxy, str):
        raise ValidationProblem("proxy must be a sentence in plain words", where=where, field="proxy")
    return ComputedDefinition(source, dataset, kinds, unit, period_type, filters, denominator, age_under, proxy.strip())


def as_json(definition: ComputedDefinition) -> dict[str, Any]:
    """The definition as stored on the indicator (lists, not tuples; empty parts left out)."""
    data = {
        "source": definition.source,
        "dataset": definition.dataset,
        "kinds": list(definition.kinds),
        "filters": {column: list(values) for column, values in definition.filters.items()},
        "unit": definition.unit,
        "period_type": definition.period_type,
        "denominator": definition.denominator,
        "age_under": definition.age_under,
        "proxy": definition.proxy,
    }
    return {key: value for key, value in data.items() if value not in ("", None, {})}


def store_filters(definition: ComputedDefinition) -> dict[str, Any]:
    """Keyword arguments for ``RecordStore.grouped_counts``: assigned records by area and month."""
    by = ["area", "month"] + (["age"] if definition.age_under is not None else [])
    return {
        "by": by,
        "sources": [definition.source],
        "datasets": [definition.dataset],
        "kinds": list(definition.kinds),
        "assigned_only": True,
        "where": {column: list(values) for column, values in definition.filters.items()},
    }


def area_month_rows(
    store_rows: Iterable[tuple[Any, ...]], definition: ComputedDefinition
) -> list[tuple[str, str, int]]:
    """``grouped_counts`` rows (area, month[, age], count) → (area, month, count), keeping only
    records of a known age under ``age_under`` when the definition asks for children."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for row in store_rows:
        if definition.age_under is not None:
            area, month, age, count = row
            if age is None or age < 0 or age >= definition.age_under:
                continue
        else:
            area, month, count = row
        totals[(area, month)] += int(count)
    return [(area, month, count) for (area, month), count in sorted(totals.items())]


@dataclass(frozen=True)
class PeriodCount:
    area: str
    label: str
    kind: str
    start: date
    end: date
    count: int
    months: int  # months with records held for this area
    months_needed: int

    @property
    def partial(self) -> bool:
        return self.months < self.months_needed


def _month_index(month: str) -> int:
    period = parse_period(month)
    if period.kind != "month":
        raise ValidationProblem(f"{month!r} is not a month written YYYY-MM", field="month")
    return period.start.year * 12 + period.start.month - 1


def _month_date(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _periods_of(index: int, period_type: str) -> list[str]:
    year, month = index // 12, index % 12 + 1
    if period_type == "month":
        return [f"{year:04d}-{month:02d}"]
    if period_type == "quarter":
        return [f"{year:04d}-Q{(month - 1) // 3 + 1}"]
    if period_type == "year":
        return [f"{year:04d}"]
    if period_type == "financial_year":
        start = year if month >= 4 else year - 1
        return [f"{start:04d}/{(start + 1) % 100:02d}"]
    # rolling 12 months: each record month falls in the twelve windows ending then or later
    labels = []
    for end in range(index, index + 12):
        first, last = _month_date(end - 11), _month_date(end)
        labels.append(f"{first.isoformat()}..{parse_period(f'{last.year:04d}-{last.month:02d}').end.isoformat()}")
    return labels


def roll_up(
    rows: Iterable[tuple[str, str, int]], period_type: str, *, held_months: Iterable[str] | None = None
) -> list[PeriodCount]:
    """Monthly ``(area, month, count)`` rows → counts for each area and period of ``period_type``.

    ``held_months`` are the months the store holds for the dataset (a month with no matching record
    still counts as held); by default, the months seen in ``rows``. A period missing any held month
    is partial."""
    if period_type not in PERIOD_TYPES:
        raise ValidationProblem(f"period type {period_type!r} is not one of {', '.join(PERIOD_TYPES)}")
    rows = list(rows)
    held = {_month_index(m) for m in held_months} if held_months is not None else {_month_index(r[1]) for r in rows}
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for area, month, count in rows:
        for label in _periods_of(_month_index(month), period_type):
            totals[(area, label)] += int(count)
    months_in: dict[str, int] = defaultdict(int)
    for index in held:
        for label in _periods_of(index, period_type):
            months_in[label] += 1
    areas = sorted({area for area, _, _ in rows})
    result = []
    for area in areas:
        for label, months in sorted(months_in.items()):
            period = parse_period(label)
            result.append(
                PeriodCount(
                    area,
                    label,
                    period.kind,
                    period.start,
                    period.end,
                    totals.get((area, label), 0),
                    months,
                    PERIOD_TYPES[period_type],
                )
            )
    return result


SOURCE_WORDS = {
    ("police-uk", "street"): "police.uk street-level records",
    ("police-uk", "outcomes"): "police.uk outcomes records",
    ("stats19", "casualty"): "STATS19 road casualty records",
    ("stats19", "collision"): "STATS19 road collision records",
}
KIND_WORDS = {
    "crime": "crimes",
    "asb": "anti-social behaviour incidents",
    "outcome": "outcomes",
    "casualty": "casualties",
    "collision": "collisions",
}
FILTER_WORDS = {"category": "category", "outcome": "outcome", "severity": "severity", "road_user": "road user"}
UNIT_WORDS = {
    "count": "counted",
    "rate_per_1000": "per 1,000 residents (ONS mid-year population)",
    "rate_per_100000": "per 100,000 residents (ONS mid-year population)",
    "percentage": "as a percentage",
}
PERIOD_WORDS = {
    "month": "each month",
    "quarter": "each calendar quarter",
    "year": "each calendar year",
    "financial_year": "each financial year (April to March)",
    "rolling_12_months": "over each rolling 12 months",
}


def _and(words: list[str], joiner: str = "and") -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {joiner} " + words[-1]


def describe(definition: ComputedDefinition) -> str:
    """How the figure is computed, in plain words, for the page's "how this is computed" note."""
    kinds = _and([KIND_WORDS.get(k, k) for k in definition.kinds])
    parts = [f"From {SOURCE_WORDS.get((definition.source, definition.dataset), definition.source)}: {kinds}"]
    for column, values in definition.filters.items():
        label = FILTER_WORDS.get(column, column)
        parts.append(f"whose {label} is {_and(list(values), 'or')}")
    if definition.age_under is not None:
        parts.append(f"aged under {definition.age_under}")
    text = " ".join(parts) + f", {UNIT_WORDS[definition.unit]}, {PERIOD_WORDS[definition.period_type]}."
    if definition.proxy:
        text += f" A proxy, not the plan's own measure: {definition.proxy}"
    return text
