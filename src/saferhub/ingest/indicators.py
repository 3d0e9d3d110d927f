"""From the record store to indicator values: counts and rates per 1,000 population by area and period.

Rules (docs/ingestion.md, "Aggregation"):

* Only the months an import touched are recomputed (and neighbouring months whose low-volume flag
  changes because of it).
* A month is *missing* for an area unless some partition for that month speaks for the area (its
  ``scope``): then a month with no records of a type is a true zero. Missing is never written as 0.
* Districts and unitaries count the records assigned to them; a county counts its districts and
  only when every one of them has data for the month; a police force area counts every record its
  force published (including those with no location or outside its districts), as police.uk does;
  a region or country sums its districts and unitaries only when all of them have the month (rollup.py).
* A partition far below its force's usual volume (below 85% of the median of the same force's other
  months within 12 months, with at least three to compare) flags every value it feeds ``low_volume``.
* Rates per 1,000 use the mid-year population for the period's year, or the nearest earlier year.
"""

# ruff: noqa: S608 - DuckDB SQL is assembled from this module's own fragments; file contents reach it only as
# column values, and the few literals (paths, months, slugs) go through sql_literal().

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from saferhub.geography.models import CSP_AREA_TYPES, Area, AreaType, Population
from saferhub.incidents.store import Manifest, PartitionKey, sql_literal
from saferhub.ingest.rollup import add_region_and_country_totals
from saferhub.ingest.staging import slugify
from saferhub.ingest.types import Context, IndicatorRows, IndicatorSpec, StageResult
from saferhub.measures.definitions import POLICE_UK_NOTE, STATS19_NOTE

LOW_VOLUME_RATIO = 0.85
LOW_VOLUME_WINDOW_MONTHS = 12
LOW_VOLUME_MIN_COMPARISONS = 3

# The crime types police.uk uses now; each has a count of zero in a month with data but none of it.
CURRENT_CRIME_TYPES = (
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)
CURRENT_SLUGS = frozenset(f"crime-{slugify(c)}" for c in CURRENT_CRIME_TYPES)
# Rates per 1,000 are written for the headline counts; each crime type has its count only.
RATE_SLUGS = {"all-crime", "anti-social-behaviour", "road-casualties", "ksi-casualties", "slight-casualties"}


def crime_type_slug(category: str) -> str:
    return f"crime-{slugify(category)}"


def _count_spec(slug: str, title: str, *, unit: str, frequency: str, source: str, definition: str) -> IndicatorSpec:
    return IndicatorSpec(
        slug=slug,
        title=title,
        value_type="count",
        unit=unit,
        polarity="lower_is_better",
        frequency=frequency,
        definition=definition,
        data_source=source,
    )


def _rate_spec(count: IndicatorSpec) -> IndicatorSpec:
    return IndicatorSpec(
        slug=f"{count.slug}-rate",
        title=f"{count.title} per 1,000 population",
        value_type="rate_per_1000",
        unit=f"{count.unit} per 1,000 people",
        polarity=count.polarity,
        frequency=count.frequency,
        definition=f"{count.definition} Per 1,000 residents (ONS mid-year estimate for the year).",
        data_source=count.data_source,
    )


def crime_specs(categories: Iterable[str]) -> dict[str, IndicatorSpec]:
    """Catalogue entries for crime counts: all crime, anti-social behaviour and each crime type."""
    specs = {
        "all-crime": _count_spec(
            "all-crime",
            "All recorded crime",
            unit="crimes",
            frequency="monthly",
            source=POLICE_UK_NOTE,
            definition="Crimes recorded by the police (police.uk street-level data), excluding anti-social behaviour.",
        ),
        "anti-social-behaviour": _count_spec(
            "anti-social-behaviour",
            "Anti-social behaviour incidents",
            unit="incidents",
            frequency="monthly",
            source=POLICE_UK_NOTE,
            definition="Anti-social behaviour incidents recorded by the police (police.uk street-level data).",
        ),
    }
    for category in categories:
        slug = crime_type_slug(category)
        specs[slug] = _count_spec(
            slug,
            f"Crime: {category.lower()}",
            unit="crimes",
            frequency="monthly",
            source=POLICE_UK_NOTE,
            definition=f"Crimes of the police.uk type \u201c{category}\u201d recorded by the police.",
        )
    return specs


# --- low volume --------------------------------------------------------------------------------


def _month_index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def low_volume_flags(manifest: Manifest, *, source: str, dataset: str) -> dict[str, bool]:
    """Partition id → whether it is far below its part's usual volume (see the module's rules)."""
    by_part: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for key, partition in manifest.select(sources=[source], datasets=[dataset]).items():
        by_part[key.part].append((_month_index(key.month), key.id, partition.rows))
    flags: dict[str, bool] = {}
    for items in by_part.values():
        for index, key_id, rows in items:
            others = [r for i, k, r in items if k != key_id and abs(i - index) <= LOW_VOLUME_WINDOW_MONTHS]
            usual = statistics.median(others) if len(others) >= LOW_VOLUME_MIN_COMPARISONS else None
            flags[key_id] = usual is not None and rows < LOW_VOLUME_RATIO * usual
    return flags


def affected_months(ctx: Context, *, source: str, dataset: str, view: Manifest) -> set[str]:
    """Months this import changes, and months whose low-volume flag it changes."""
    assert ctx.txn is not None
    months = {PartitionKey.parse(k).month for k in ctx.txn.changes if PartitionKey.parse(k).dataset == dataset}
    before = low_volume_flags(ctx.store.manifest(), source=source, dataset=dataset)
    after = low_volume_flags(view, source=source, dataset=dataset)
    for key_id in set(before) | set(after):
        if before.get(key_id) != after.get(key_id) and key_id in view.partitions:
            months.add(PartitionKey.parse(key_id).month)
    return months


# --- areas and populations ---------------------------------------------------------------------


# Areas indicators are counted for; records are assigned to districts and unitaries, never to these.
SMALL_AREA_TYPES = (AreaType.WARD, AreaType.MSOA, AreaType.LSOA)


class AreaBook:
    """The hub's areas that indicators are counted for (not its tens of thousands of LSOAs, wards and
    MSOAs) and their populations, loaded once per aggregation."""

    def __init__(self) -> None:
        wanted = Area.objects.exclude(area_type__in=SMALL_AREA_TYPES)
        self.areas = {a.code: a for a in wanted.only("code", "area_type", "parent_id", "name")}
        by_pk = {a.pk: a for a in self.areas.values()}
        self.parent = {
            a.code: by_pk[a.parent_id].code for a in self.areas.values() if a.parent_id and a.parent_id in by_pk
        }
        self.counties: dict[str, set[str]] = defaultdict(set)
        for a in self.areas.values():
            parent = self.parent.get(a.code)
            if a.area_type in CSP_AREA_TYPES and parent and self.areas[parent].area_type == AreaType.COUNTY:
                self.counties[parent].add(a.code)
        self.populations: dict[str, dict[int, int]] = defaultdict(dict)
        populations = Population.objects.exclude(area__area_type__in=SMALL_AREA_TYPES)
        for code, year, value in populations.values_list("area__code", "year", "value"):
            self.populations[code][year] = value

    def population(self, code: str, year: int) -> int | None:
        years = self.populations.get(code)
        if not years:
            return None
        earlier = [y for y in years if y <= year]
        return years[max(earlier)] if earlier else years[min(years)]


# --- crime -------------------------------------------------------------------------------------


def crime_indicator_rows(*, ctx: Context, stage: StageResult, view: Manifest) -> list[IndicatorRows]:
    """Monthly counts and rates of all crime, ASB and each crime type, for the months an import touched."""
    source, dataset = "police-uk", "street"
    months = affected_months(ctx, source=source, dataset=dataset, view=view)
    if not months:
        return []
    partitions = view.select(sources=[source], datasets=[dataset], months=months)
    flags = low_volume_flags(view, source=source, dataset=dataset)
    relation = ctx.store.relation_sql(partitions.values())
    month_list = ", ".join(sql_literal(m) for m in sorted(months))
    area_counts = ctx.con.execute(
        f"""SELECT area_code, month, kind, category, count(*) FROM {relation}
            WHERE area_status = 'assigned' AND kind IN ('crime', 'asb') AND month IN ({month_list})
            GROUP BY ALL"""
    ).fetchall()
    force_counts = ctx.con.execute(
        f"""SELECT force_code, month, kind, category, count(*) FROM {relation}
            WHERE force_code IS NOT NULL AND kind IN ('crime', 'asb') AND month IN ({month_list})
            GROUP BY ALL"""
    ).fetchall()
    book = AreaBook()
    covered: dict[str, dict[str, bool]] = defaultdict(dict)  # month → area → low volume?
    for key, partition in partitions.items():
        flagged = flags.get(key.id, False)
        codes = [c for c in partition.meta.get("scope", []) if c in book.areas]
        force_code = partition.meta.get("force_code")
        if force_code and force_code in book.areas:
            codes.append(force_code)
        for code in codes:
            covered[key.month][code] = covered[key.month].get(code, False) or flagged
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code, month, kind, category, n in [*area_counts, *force_counts]:
        if code not in covered.get(month, {}):
            continue
        bucket = counts[(code, month)]
        if kind == "asb":
            bucket["anti-social-behaviour"] += n
        else:
            bucket["all-crime"] += n
            bucket[crime_type_slug(category)] += n
    # Counties: the sum of their districts, only when every district has the month.
    for month, areas in list(covered.items()):
        for county, districts in book.counties.items():
            if districts and districts <= set(areas):
                covered[month][county] = any(areas[d] for d in districts)
                total = counts[(county, month)]
                for district in districts:
                    for slug, n in counts.get((district, month), {}).items():
                        total[slug] += n
    add_region_and_country_totals(covered=covered, counts=counts)
    categories = sorted(set(CURRENT_CRIME_TYPES) | {c for _, _, kind, c, _ in area_counts if kind == "crime" and c})
    specs = crime_specs(categories)
    seen_categories = {
        crime_type_slug(c) for _, _, kind, c, _ in [*area_counts, *force_counts] if kind == "crime" and c
    }
    # Every current type has a count (0 in a month with data but none of it); an old type only where seen.
    written = [s for s in specs if not s.startswith("crime-") or s in seen_categories or s in CURRENT_SLUGS]
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for month, areas in sorted(covered.items()):
        year = int(month[:4])
        for code, low in sorted(areas.items()):
            values = counts.get((code, month), {})
            for slug in written:
                n = int(values.get(slug, 0))
                row = {
                    "area": code,
                    "period": month,
                    "breakdown": "",
                    "value": n,
                    "source_note": POLICE_UK_NOTE,
                    "quality_flags": ["low_volume"] if low else [],
                }
                out[slug].append(row)
                population = book.population(code, year) if slug in RATE_SLUGS else None
                if population:
                    out[f"{slug}-rate"].append({**row, "value": None, "numerator": n, "denominator": population})
    result = []
    for slug, spec in specs.items():
        if out.get(slug):
            result.append(IndicatorRows(spec, out[slug]))
        if out.get(f"{slug}-rate"):
            result.append(IndicatorRows(_rate_spec(spec), out[f"{slug}-rate"]))
    return result


# --- road casualties and collisions ------------------------------------------------------------

ROAD_USER_BREAKDOWNS = ("pedestrian", "pedal-cyclist", "motorcyclist", "car-occupant", "other")
CHILD_MAX_AGE = 15


def road_specs(dataset: str, source_note: str) -> dict[str, IndicatorSpec]:
    """Catalogue entries for annual road casualty (or collision) counts by severity."""
    noun = "casualties" if dataset == "casualty" else "collisions"
    people = "people" if dataset == "casualty" else "collisions"
    titles = {
        f"road-{noun}": f"Road traffic {noun}",
        f"ksi-{noun}": f"Killed or seriously injured (KSI) road {noun}"
        if dataset == "casualty"
        else "Road collisions in which someone was killed or seriously injured",
        f"slight-{noun}": f"Slightly injured road {noun}" if dataset == "casualty" else "Slight-injury road collisions",
    }
    if dataset == "casualty":
        titles["killed-casualties"] = "People killed on the roads"
        titles["seriously-injured-casualties"] = "People seriously injured on the roads"
    return {
        slug: _count_spec(
            slug,
            title,
            unit=people,
            frequency="annual",
            source=source_note,
            definition=f"{title}, reported to the police (STATS19), by the district where the collision happened.",
        )
        for slug, title in titles.items()
    }


def _severity_slugs(dataset: str, severity: str) -> list[str]:
    noun = "casualties" if dataset == "casualty" else "collisions"
    slugs = [f"road-{noun}"]
    if severity in ("fatal", "serious"):
        slugs.append(f"ksi-{noun}")
    if severity == "slight":
        slugs.append(f"slight-{noun}")
    if dataset == "casualty":
        slugs.append({"fatal": "killed-casualties", "serious": "seriously-injured-casualties"}.get(severity, ""))
    return [s for s in slugs if s]


def road_indicator_rows(*, ctx: Context, view: Manifest, source: str, dataset: str) -> list[IndicatorRows]:
    """Annual counts (and rates for the totals) of road casualties or collisions by severity, for the
    calendar years an import touched that are complete: all twelve months present for the force or supplier."""
    assert ctx.txn is not None
    years = {
        PartitionKey.parse(k).month[:4]
        for k in ctx.txn.changes
        if PartitionKey.parse(k).dataset == dataset and PartitionKey.parse(k).source == source
    }
    if not years:
        return []
    note = STATS19_NOTE if source == "stats19" else "Partner collision data (mapped import)"
    partitions = view.select(
        sources=[source], datasets=[dataset], months=[f"{y}-{m:02d}" for y in years for m in range(1, 13)]
    )
    months_by_part: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key in partitions:
        months_by_part[(key.part, key.month[:4])].add(key.month)
    complete = {pair for pair, months in months_by_part.items() if len(months) == 12}
    book = AreaBook()
    covered: dict[str, set[str]] = defaultdict(set)  # year → area codes
    for key, partition in partitions.items():
        if (key.part, key.month[:4]) not in complete:
            continue
        codes = [c for c in partition.meta.get("scope", []) if c in book.areas]
        force_code = partition.meta.get("force_code")
        if force_code and force_code in book.areas:
            codes.append(force_code)
        covered[key.month[:4]].update(codes)
    if not covered:
        return []
    relation = ctx.store.relation_sql(p for k, p in partitions.items() if (k.part, k.month[:4]) in complete)
    child = f"coalesce(age BETWEEN 0 AND {CHILD_MAX_AGE}, false)"
    rows = ctx.con.execute(
        f"""SELECT area_code AS code, substr(month, 1, 4) AS year, severity, road_user, {child} AS child, count(*)
            FROM {relation} WHERE area_status = 'assigned' GROUP BY ALL
            UNION ALL
            SELECT force_code AS code, substr(month, 1, 4) AS year, severity, road_user, {child} AS child, count(*)
            FROM {relation} WHERE force_code IS NOT NULL GROUP BY ALL"""
    ).fetchall()
    counts: dict[tuple[str, str, str, str], int] = defaultdict(int)  # (slug, code, year, breakdown)
    for code, year, severity, road_user, is_child, n in rows:
        if code not in covered.get(year, set()):
            continue
        for slug in _severity_slugs(dataset, severity or ""):
            counts[(slug, code, year, "")] += n
            if dataset == "casualty":
                group = road_user if road_user in ROAD_USER_BREAKDOWNS else "other"
                counts[(slug, code, year, f"road_user={group}")] += n
                if is_child:
                    counts[(slug, code, year, "age=child")] += n
    for year, areas in covered.items():
        for county, districts in book.counties.items():
            if districts and districts <= areas:
                areas.add(county)
                for (slug, code, y, breakdown), n in list(counts.items()):
                    if y == year and code in districts:
                        counts[(slug, county, year, breakdown)] += n
    specs = road_specs(dataset, note)
    breakdowns = [""]
    if dataset == "casualty":
        breakdowns += [f"road_user={g}" for g in ROAD_USER_BREAKDOWNS] + ["age=child"]
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for year, areas in sorted(covered.items()):
        for code in sorted(areas):
            for slug in specs:
                for breakdown in breakdowns:
                    n = counts.get((slug, code, year, breakdown), 0)
                    row = {
                        "area": code,
                        "period": year,
                        "breakdown": breakdown,
                        "value": n,
                        "source_note": note,
                        "quality_flags": [],
                    }
                    out[slug].append(row)
                    population = book.population(code, int(year)) if slug in RATE_SLUGS else None
                    if population and breakdown == "":
                        out[f"{slug}-rate"].append({**row, "value": None, "numerator": n, "denominator": population})
    result = []
    for slug, spec in specs.items():
        if out.get(slug):
            result.append(IndicatorRows(spec, out[slug]))
        if out.get(f"{slug}-rate"):
            result.append(IndicatorRows(_rate_spec(spec), out[f"{slug}-rate"]))
    return result
