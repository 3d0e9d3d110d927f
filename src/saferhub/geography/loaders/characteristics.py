"""The open figures a most similar group is chosen by, for every current district and force area:

* population density: mid-year residents (ONS estimates in the hub) per square kilometre of the
  district's area (ONS boundary file's ``Shape__Area``, square metres);
* deprivation: the share of residents (mid-2015, IoD2019 denominators) living in LSOAs in the two
  most deprived deciles of the Index of Multiple Deprivation 2019 (England only);
* age structure: the share of residents aged 16 to 59 (mid-2015, IoD2019 denominators; the files
  hold no 15–29 band).

Each is kept as numerator over denominator so that a force area's figure is its districts' sums.
Districts replaced since a file was published are counted under the district that took them over.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from saferhub.core.errors import ValidationProblem
from saferhub.geography.loaders.files import LoadSummary, outside_england_wales, read_csv, require_columns, whole_number
from saferhub.geography.models import CSP_AREA_TYPES, Area, AreaCharacteristic, Population

Name = AreaCharacteristic.Name
MOST_DEPRIVED_DECILES = 2
_IMD_CODE = "LSOA code (2011)"
_IMD_LAD = "Local Authority District code (2019)"
_IMD_DECILE = "Index of Multiple Deprivation (IMD) Decile"
_TOTAL = "Total population: mid 2015 (excluding prisoners)"
_AGED_16_59 = "Population aged 16-59: mid 2015 (excluding prisoners)"


def geography_characteristics_load(
    *, land_areas: Path, population_year: int, imd: Path, imd_population: Path
) -> LoadSummary:
    """Compute and store the characteristics of every current district and force area."""
    current = {
        code: (pk, force_id)
        for code, pk, force_id in Area.objects.filter(area_type__in=CSP_AREA_TYPES, successor__isnull=True).values_list(
            "code", "pk", "force_area_id"
        )
    }
    if not current:
        raise ValidationProblem("load the districts first (saferhub geography load districts)")
    active = _active_codes()
    sums: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    density = _density(land_areas, population_year, current, active)
    for key, (num, den) in density.items():
        sums[key] = [num, den]
    for key, (num, den) in _deprivation_and_age(imd, imd_population, current, active).items():
        sums[key] = [num, den]
    years = {Name.POPULATION_DENSITY: population_year, Name.MOST_DEPRIVED_SHARE: 2019, Name.AGE_16_59_SHARE: 2015}
    sources = {
        Name.POPULATION_DENSITY: f"mid-{population_year} population; {land_areas.name}",
        Name.MOST_DEPRIVED_SHARE: f"{imd.name}; {imd_population.name}",
        Name.AGE_16_59_SHARE: imd_population.name,
    }
    # Force areas: the sums of their districts.
    force_of = dict(current.values())
    for (area_id, name), (num, den) in list(sums.items()):
        force_id = force_of.get(area_id)
        if force_id is not None:
            total = sums[(force_id, name)]
            total[0] += num
            total[1] += den
    rows = {
        key: AreaCharacteristic(
            area_id=key[0],
            name=key[1],
            value=num / den * (1 if key[1] == Name.POPULATION_DENSITY else 100),
            numerator=num,
            denominator=den,
            year=years[Name(key[1])],
            source=sources[Name(key[1])],
        )
        for key, (num, den) in sums.items()
        if den > 0
    }
    summary = LoadSummary()
    with transaction.atomic():
        existing = {(c.area_id, c.name): c for c in AreaCharacteristic.objects.filter(area_id__in={k[0] for k in rows})}
        new, changed = [], []
        now = timezone.now()
        for key, row in rows.items():
            old = existing.get(key)
            if old is None:
                new.append(row)
            elif (old.value, old.numerator, old.denominator, old.year, old.source) != (
                row.value,
                row.numerator,
                row.denominator,
                row.year,
                row.source,
            ):
                old.value, old.numerator, old.denominator, old.year, old.source = (
                    row.value,
                    row.numerator,
                    row.denominator,
                    row.year,
                    row.source,
                )
                old.updated_at = now
                changed.append(old)
            else:
                summary.unchanged += 1
        AreaCharacteristic.objects.bulk_create(new, batch_size=2000)
        AreaCharacteristic.objects.bulk_update(
            changed, ["value", "numerator", "denominator", "year", "source", "updated_at"], batch_size=2000
        )
    summary.created, summary.updated = len(new), len(changed)
    no_imd = sum(1 for code in current if (current[code][0], Name.MOST_DEPRIVED_SHARE) not in rows)
    if no_imd:
        summary.notes.append(
            f"{no_imd} districts have no deprivation or age figures "
            "(the Index of Multiple Deprivation covers England only)"
        )
    return summary


def _active_codes() -> dict[str, str]:
    """Every district code the hub knows → the current code that covers it."""
    out = {}
    for code, successor in Area.objects.filter(area_type__in=CSP_AREA_TYPES).values_list("code", "successor__code"):
        out[code] = successor or code
    # A successor can itself have been replaced (two changes since a file was made).
    for code in list(out):
        for _ in range(5):
            nxt = out.get(out[code], out[code])
            if nxt == out[code]:
                break
            out[code] = nxt
    return out


def _density(
    path: Path, year: int, current: Mapping[str, tuple[int, int | None]], active: dict[str, str]
) -> dict[tuple[int, str], tuple[float, float]]:
    header, rows = read_csv(path)
    code_col = next((h for h in header if h.upper().startswith("LAD") and h.upper().endswith("CD")), None)
    if code_col is None:
        raise ValidationProblem(
            f"missing column LAD24CD (or another LADnnCD); found {', '.join(header)}", where=str(path)
        )
    require_columns(header, ("Shape__Area",), path=path)
    km2: dict[str, float] = defaultdict(float)
    for line, row in enumerate(rows, start=2):
        code = row[code_col]
        if outside_england_wales(code) or code not in active:
            continue
        try:
            km2[active[code]] += float(row["Shape__Area"]) / 1e6
        except ValueError:
            raise ValidationProblem(
                f"{row['Shape__Area']!r} is not an area in square metres",
                where=f"{path}, row {line}, column Shape__Area",
            ) from None
    people: dict[str, float] = defaultdict(float)
    for code, value in Population.objects.filter(year=year, area__code__in=list(active)).values_list(
        "area__code", "value"
    ):
        people[active[code]] += value
    return {
        (current[code][0], Name.POPULATION_DENSITY): (people[code], km2[code])
        for code in current
        if people.get(code) and km2.get(code)
    }


def _deprivation_and_age(
    imd: Path, population: Path, current: Mapping[str, tuple[int, int | None]], active: dict[str, str]
) -> dict[tuple[int, str], tuple[float, float]]:
    header, rows = read_csv(imd)
    require_columns(header, (_IMD_CODE, _IMD_LAD, _IMD_DECILE), path=imd)
    decile: dict[str, int] = {}
    district: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        d = row[_IMD_DECILE]
        if not (d.isdigit() and 1 <= int(d) <= 10):
            raise ValidationProblem(
                f"{d!r} is not a decile from 1 to 10", where=f"{imd}, row {line}, column {_IMD_DECILE}"
            )
        decile[row[_IMD_CODE]] = int(d)
        district[row[_IMD_CODE]] = row[_IMD_LAD]
    header, rows = read_csv(population)
    require_columns(header, (_IMD_CODE, _TOTAL, _AGED_16_59), path=population)
    deprived: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    aged: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    unmatched = 0
    for line, row in enumerate(rows, start=2):
        lsoa = row[_IMD_CODE]
        if lsoa not in decile:
            raise ValidationProblem(
                f"LSOA {lsoa} is not in {imd.name}", where=f"{population}, row {line}, column {_IMD_CODE}"
            )
        code = active.get(district[lsoa])
        if code is None:
            unmatched += 1
            continue
        total = whole_number(row[_TOTAL], where=f"{population}, row {line}, column {_TOTAL}")
        middle = whole_number(row[_AGED_16_59], where=f"{population}, row {line}, column {_AGED_16_59}")
        deprived[code][0] += total if decile[lsoa] <= MOST_DEPRIVED_DECILES else 0
        deprived[code][1] += total
        aged[code][0] += middle
        aged[code][1] += total
    if unmatched:
        raise ValidationProblem(
            f"{unmatched} LSOAs lie in districts the hub does not know: load the districts first", where=str(imd)
        )
    out: dict[tuple[int, str], tuple[float, float]] = {}
    for code, (num, den) in deprived.items():
        if code in current:
            out[(current[code][0], Name.MOST_DEPRIVED_SHARE)] = (num, den)
            out[(current[code][0], Name.AGE_16_59_SHARE)] = (aged[code][0], aged[code][1])
    return out
