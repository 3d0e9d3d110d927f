"""England and Wales from ONS files: countries, regions, counties, every local authority district
since 2011 (current ones and those replaced in the changes of 2019–2023, each linked to the one
that took it over), and the 43 police force areas with the districts each polices.

``geography_national_load`` runs every step from a folder laid out as ONS files are named in
``../shared/data`` (see docs/geography.md); each step is also a command of its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from saferhub.core.codes import validate_gss_code
from saferhub.core.errors import ValidationProblem
from saferhub.geography.loaders.builtin import force_areas
from saferhub.geography.loaders.files import LoadSummary, outside_england_wales, read_csv, require_columns
from saferhub.geography.loaders.writes import AreaRow, areas_upsert
from saferhub.geography.models import AreaType

_COLUMNS = ("LADCD", "LADNM", "LADCD_ACTIVE", "UTLACD", "UTLANM", "RGNCD", "RGNNM", "CTRYCD", "CTRYNM")
_COUNTRY_NAMES = {"E92000001": "England", "W92000004": "Wales"}


def geography_districts_load(*, path: Path, changes: Path | None = None) -> LoadSummary:
    """Load every district of England and Wales from ONS's all-codes lookup (``LADCD, LADNM,
    LADCD_ACTIVE, UTLACD, …, RGNCD, CTRYCD``) with its county, region, country and police force
    area; districts no longer in use are linked to their successor (``LADCD_ACTIVE``). With
    ``changes`` (ONS's code-change list ``oldcd, newcd, type, start``) the dates of the 2019–2023
    changes are set: the old code ends on 31 March of the year the new one starts."""
    header, rows = read_csv(path)
    require_columns(header, _COLUMNS, path=path)
    force_of_utla = {m: f["code"] for f in force_areas()["forces"] for m in f["members"]}
    areas: dict[str, AreaRow] = {}
    outside = 0
    for line, row in enumerate(rows, start=2):
        code = row["LADCD"]
        if outside_england_wales(code):
            outside += 1
            continue
        where = f"{path}, row {line}"
        for col in ("LADCD", "LADCD_ACTIVE", "UTLACD", "CTRYCD"):
            validate_gss_code(row[col], where=f"{where}, column {col}")
        country, region, utla = row["CTRYCD"], row["RGNCD"], row["UTLACD"]
        areas.setdefault(
            country, AreaRow(country, _COUNTRY_NAMES.get(country, row["CTRYNM"]), AreaType.COUNTRY, source=path.name)
        )
        parent = country
        if region:
            validate_gss_code(region, where=f"{where}, column RGNCD", kinds={"region"})
            areas.setdefault(region, AreaRow(region, row["RGNNM"], AreaType.REGION, parent=country, source=path.name))
            parent = region
        if utla.startswith(("E10", "E11")):
            areas.setdefault(utla, AreaRow(utla, row["UTLANM"], AreaType.COUNTY, parent=parent, source=path.name))
            parent = utla
        force = force_of_utla.get(utla)
        if force is None:
            raise ValidationProblem(
                f"upper-tier authority {utla} ({row['UTLANM']}) is in no police force area of "
                "data/police_force_areas.yaml",
                where=f"{where}, column UTLACD",
            )
        active = row["LADCD_ACTIVE"]
        areas[code] = AreaRow(
            code,
            row["LADNM"],
            AreaType.UNITARY if code[:3] in {"E06", "W06"} else AreaType.DISTRICT,
            parent=parent,
            force=force,
            successor=active if active != code else None,
            source=path.name,
        )
    for force in force_areas()["forces"]:
        country = "W92000004" if force["code"].startswith("W") else "E92000001"
        areas[force["code"]] = AreaRow(
            force["code"], force["name"], AreaType.POLICE_FORCE_AREA, parent=country, source=force_areas()["source"]
        )
    if changes is not None:
        _dates(areas, changes)
    summary = LoadSummary()
    with transaction.atomic():
        areas_upsert(list(areas.values()), summary=summary)
    if outside:
        summary.skipped += outside
        summary.notes.append(f"{outside} districts of Scotland and Northern Ireland were not loaded")
    return summary


def _dates(areas: dict[str, AreaRow], path: Path) -> None:
    header, rows = read_csv(path)
    require_columns(header, ("oldcd", "newcd", "type", "start"), path=path)
    for line, row in enumerate(rows, start=2):
        old, new, start = row["oldcd"], row["newcd"], row["start"]
        if row["type"] not in {"merger", "new_code"} or old not in areas or new not in areas:
            continue  # combined authorities, terminated counties, Scotland
        if not start.isdigit():
            raise ValidationProblem(f"{start!r} is not a year", where=f"{path}, row {line}, column start")
        year = int(start)
        a, b = areas[old], areas[new]
        areas[old] = AreaRow(**{**a.__dict__, "valid_to": date(year, 3, 31)})
        areas[new] = AreaRow(**{**b.__dict__, "valid_from": date(year, 4, 1)})


@dataclass
class NationalLoad:
    """Each step's summary and time, for the command to print."""

    steps: list[tuple[str, LoadSummary, float]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(s for _, _, s in self.steps)


# Files of a national load, as ONS names them in ../shared/data (relative to the folder given).
NATIONAL_FILES = {
    "districts": "geography/la_all_codes.csv",
    "changes": "boundaries/lad/ltla-code-changes.csv",
    "lsoas_2011": "geography/lsoa11_to_lad.csv",
    "lsoas_2021": "geography/lsoa21_to_lad.csv",
    "centres": "geography/lsoa_latlong.csv",
    "population_2022": "population/lad-mid-2022.csv",
    "population_2023": "population/lad-mid-2023.csv",
    "population_forces": "population/police-force-area-2009-2019.csv",
    "land_areas": "population/lad-2024-centroids-areas.csv",
    "imd": "deprivation/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
    "imd_population": "deprivation/File_6_-_IoD2019_Population_Denominators.csv.gz",
}


def national_files(folder: Path) -> dict[str, Path]:
    """The national files under ``folder``; refuses a folder that lacks any, naming them all."""
    paths = {k: folder / v for k, v in NATIONAL_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        raise ValidationProblem(f"missing {len(missing)} file(s): {', '.join(missing)}", where=str(folder))
    return paths


def timed(load: NationalLoad, name: str, step: object) -> None:
    """Run ``step`` (a no-argument callable returning a LoadSummary) and record it."""
    started = time.perf_counter()
    summary = step()  # type: ignore[operator]
    load.steps.append((name, summary, time.perf_counter() - started))
