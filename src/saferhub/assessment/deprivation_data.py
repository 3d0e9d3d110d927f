"""The deprivation gradient's data: loading the English Indices of Deprivation 2019 by LSOA, and
reading, for an area, its 2011 LSOAs' deciles and populations and the 2011 ↔ 2021 lookup.

``deprivation_load`` reads and checks both files whole first, then writes in one transaction: a bad
file changes nothing, and the message names the file, row and column.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from saferhub.assessment.models import LsoaDeprivation
from saferhub.core.errors import ValidationProblem
from saferhub.core.loading import LoadSummary
from saferhub.geography.loaders.files import read_csv, require_columns, whole_number
from saferhub.geography.models import Area, LsoaChange

CODE = "LSOA code (2011)"
NAME = "LSOA name (2011)"
DISTRICT = "Local Authority District code (2019)"
RANK = "Index of Multiple Deprivation (IMD) Rank"
DECILE = "Index of Multiple Deprivation (IMD) Decile"
POPULATION = "Total population: mid 2015 (excluding prisoners)"
SOURCE = (
    "English Indices of Deprivation 2019 (Ministry of Housing, Communities and Local Government): File 1, "
    "Index of Multiple Deprivation; File 6, population denominators (mid-2015, excluding prisoners)"
)


def deprivation_load(*, imd: Path, population: Path) -> LoadSummary:
    """Load every LSOA's IMD 2019 rank and decile (File 1) with its population (File 6)."""
    header, rows = read_csv(imd)
    require_columns(header, (CODE, NAME, DISTRICT, RANK, DECILE), path=imd)
    found: dict[str, LsoaDeprivation] = {}
    for line, row in enumerate(rows, start=2):
        code = row[CODE]
        if not code.startswith("E01") or len(code) != 9:
            raise ValidationProblem(
                f"{code!r} is not a 2011 LSOA code in England (E01…)", where=f"{imd}, row {line}, column {CODE}"
            )
        if code in found:
            raise ValidationProblem(f"LSOA {code} appears twice", where=f"{imd}, row {line}, column {CODE}")
        decile = row[DECILE]
        if not (decile.isdigit() and 1 <= int(decile) <= 10):
            raise ValidationProblem(
                f"{decile!r} is not a decile from 1 to 10", where=f"{imd}, row {line}, column {DECILE}"
            )
        found[code] = LsoaDeprivation(
            lsoa11_code=code,
            lsoa11_name=row[NAME],
            district_code=row[DISTRICT],
            imd_rank=whole_number(row[RANK], where=f"{imd}, row {line}, column {RANK}"),
            imd_decile=int(decile),
            population=0,
            source=SOURCE,
        )
    header, rows = read_csv(population)
    require_columns(header, (CODE, POPULATION), path=population)
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        code = row[CODE]
        if code not in found:
            raise ValidationProblem(
                f"LSOA {code} is not in {imd.name}", where=f"{population}, row {line}, column {CODE}"
            )
        found[code].population = whole_number(row[POPULATION], where=f"{population}, row {line}, column {POPULATION}")
        seen.add(code)
    missing = sorted(set(found) - seen)
    if missing:
        raise ValidationProblem(
            f"{len(missing)} LSOAs have no population, the first {missing[0]}", where=str(population)
        )
    summary = LoadSummary()
    counts = summary.count("LSOA deprivation figures")
    have = {
        r[0]: r[1:]
        for r in LsoaDeprivation.objects.values_list(
            "lsoa11_code", "lsoa11_name", "district_code", "imd_rank", "imd_decile", "population", "source"
        )
    }
    key = {
        c: (x.lsoa11_name, x.district_code, x.imd_rank, x.imd_decile, x.population, x.source) for c, x in found.items()
    }
    changed = [c for c in found if c in have and have[c] != key[c]]
    new = [c for c in found if c not in have]
    counts.created, counts.updated, counts.unchanged = len(new), len(changed), len(found) - len(new) - len(changed)
    if new or changed or set(have) - set(found):
        with transaction.atomic():
            LsoaDeprivation.objects.all().delete()
            LsoaDeprivation.objects.bulk_create(found.values(), batch_size=2000)
    gone = len(set(have) - set(found))
    if gone:
        summary.notes.append(f"{gone} LSOAs no longer in the files were removed")
    return summary


@dataclass(frozen=True)
class AreaDeprivation:
    """An area's 2011 LSOAs by decile: residents and LSOAs per decile, every 2011 LSOA's decile, and
    the 2021 → 2011 lookup for the 2021 codes asked about."""

    populations: dict[int, int]
    lsoas: dict[int, int]
    deciles_2011: dict[str, int]
    to_2011: dict[str, list[str]]
    lookup_method: str
    outside: frozenset[str]  # 2011 LSOAs of other districts that records name

    @property
    def loaded(self) -> bool:
        return bool(self.populations)


def district_codes_2019(districts: Iterable[Area]) -> list[str]:
    """The districts' codes and those of the districts they replaced (the IoD2019 names 2019 codes)."""
    wanted = list(districts)
    codes = {d.code for d in wanted}
    codes |= set(Area.objects.filter(successor__in=wanted).values_list("code", flat=True))
    return sorted(codes)


def area_deprivation(*, districts: Iterable[Area], record_codes: Iterable[str]) -> AreaDeprivation:
    """Deciles and populations of the districts' 2011 LSOAs (three queries), and the lookup for the
    record codes that are not 2011 codes of England."""
    populations: dict[int, int] = defaultdict(int)
    lsoas: dict[int, int] = defaultdict(int)
    deciles: dict[str, int] = {}
    for code, decile, people in LsoaDeprivation.objects.filter(
        district_code__in=district_codes_2019(districts)
    ).values_list("lsoa11_code", "imd_decile", "population"):
        populations[decile] += people
        lsoas[decile] += 1
        deciles[code] = decile
    other = [c for c in set(record_codes) if c not in deciles]
    known = dict(LsoaDeprivation.objects.filter(lsoa11_code__in=other).values_list("lsoa11_code", "imd_decile"))
    to_2011: dict[str, list[str]] = defaultdict(list)
    for old, new in LsoaChange.objects.filter(lsoa21_code__in=[c for c in other if c not in known]).values_list(
        "lsoa11_code", "lsoa21_code"
    ):
        to_2011[new].append(old)
    for parent, decile in LsoaDeprivation.objects.filter(
        lsoa11_code__in=[o for v in to_2011.values() for o in v]
    ).values_list("lsoa11_code", "imd_decile"):
        deciles.setdefault(parent, decile)
    method = LsoaChange.objects.values_list("method", flat=True).first() or ""
    return AreaDeprivation(dict(populations), dict(lsoas), deciles, dict(to_2011), method, frozenset(known))
