"""A corpus of malformed and hostile files. Each gets a clear error naming the file (and the row and
column where there is one) and what was expected, and changes nothing: not the record store, not one
database row of data. The refusal itself is recorded, with its reasons, for download."""

from __future__ import annotations

import codecs
import gzip
import stat
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from saferhub.core.errors import SaferhubError
from saferhub.ingest.models import Import
from saferhub.ingest.services import mapped_import, police_uk_import, returns_import, stats19_import
from tests.integration.ingest.conftest import STREET_HEADER, database_state, store_tree, street_file, street_row

pytestmark = pytest.mark.django_db

NAME = "2024-01-essex-street.csv"
GOOD = street_row()


def text_file(name: str, text: str, encoding: str = "utf-8") -> Callable[[Path], list[Path]]:
    def build(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(text.encode(encoding))
        return [path]

    return build


def bytes_file(name: str, data: bytes) -> Callable[[Path], list[Path]]:
    def build(folder: Path) -> list[Path]:
        path = folder / name
        path.write_bytes(data)
        return [path]

    return build


def street(*rows: str, header: str = STREET_HEADER, name: str = NAME) -> Callable[[Path], list[Path]]:
    return text_file(name, "\n".join([header, *rows]) + "\n")


def zipped(members: dict[str, bytes], *, symlink: str | None = None) -> Callable[[Path], list[Path]]:
    def build(folder: Path) -> list[Path]:
        path = folder / "download.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                archive.writestr(name, data)
            if symlink:
                info = zipfile.ZipInfo(symlink)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                archive.writestr(info, "/etc/passwd")
        return [path]

    return build


def _zip_with_a_name_twice(path: Path) -> list[Path]:
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w") as archive:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it is told to write
        archive.writestr(f"2024-01/{NAME}", STREET_HEADER + "\n" + GOOD + "\n")
        archive.writestr(f"2024-01/{NAME}", STREET_HEADER + "\n")
    return [path]


COLLISION_HEADER = (
    "collision_index,collision_year,police_force,collision_severity,date,local_authority_ons_district,"
    "longitude,latitude,lsoa_of_accident_location"
)
COLLISION = "2024131449060,2024,13,3,21/05/2024,E08000033,-1.78346,53.70214,E01010949"
CASUALTY_HEADER = "collision_index,casualty_reference,casualty_severity,casualty_type,age_of_casualty"


def stats19_files(
    collisions: list[str] | None, casualties: list[str] | None = None, collision_header: str = COLLISION_HEADER
) -> Callable[[Path], list[Path]]:
    def build(folder: Path) -> list[Path]:
        paths = []
        if collisions is not None:
            paths.append(folder / "collisions.csv")
            paths[-1].write_text("\n".join([collision_header, *collisions]) + "\n")
        if casualties is not None:
            paths.append(folder / "casualties.csv")
            paths[-1].write_text("\n".join([CASUALTY_HEADER, *casualties]) + "\n")
        return paths

    return build


RETURNS_HEADER = "indicator,area_code,period,numerator,denominator,value"


def returns_csv(*rows: str, header: str = RETURNS_HEADER) -> Callable[[Path], list[Path]]:
    return text_file("return.csv", "\n".join([header, *rows]) + "\n")


def returns_xlsx(rows: list[list[Any]]) -> Callable[[Path], list[Path]]:
    def build(folder: Path) -> list[Path]:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(RETURNS_HEADER.split(","))
        for row in rows:
            sheet.append(row)
        path = folder / "return.xlsx"
        book.save(path)
        return [path]

    return build


MAPPING = {
    "name": "partner-collisions",
    "kind": "collision",
    "columns": {
        "reference": "Ref",
        "date": {"column": "Date", "format": "%Y%m%d"},
        "severity": "Severity",
        "easting": "Easting",
        "northing": "Northing",
    },
    "values": {"severity": {"Fatal": "fatal", "Serious": "serious", "Slight": "slight"}},
    "area": {"code": "E10000012"},
}
PARTNER_HEADER = "Ref,Date,Day,Day,Severity,Easting,Northing"
PARTNER_ROW = "1,20160106,6,Wednesday,Slight,539615.18,263046.68"


def partner(*rows: str, header: str = PARTNER_HEADER) -> Callable[[Path], list[Path]]:
    return text_file("partner.csv", "\n".join([header, *rows]) + "\n")


@dataclass
class Case:
    id: str
    source: str
    build: Callable[[Path], list[Path]]
    expect: str
    where: str = ""  # must appear in the message: file, row, column
    mapping: Any = None
    settings: dict[str, Any] = field(default_factory=dict)


def mapping_with(**changes: Any) -> dict[str, Any]:
    out = {**MAPPING, **changes}
    return {k: v for k, v in out.items() if v is not None}


LONG = "x" * 5000
CASES = [
    # --- wrong or missing columns ---
    Case(
        "missing-column",
        "police-uk",
        street(GOOD, header=STREET_HEADER.replace(",Crime type", "")),
        "missing column 'Crime type'",
        f"{NAME}, row 1",
    ),
    Case(
        "renamed-column",
        "police-uk",
        street(GOOD, header=STREET_HEADER.replace("Crime type", "CrimeType")),
        "missing column 'Crime type'",
        "row 1",
    ),
    Case(
        "duplicate-header",
        "police-uk",
        street(GOOD + ",x", header=STREET_HEADER + ",Month"),
        "names 'Month' twice",
        "row 1",
    ),
    Case(
        "a-return-given-as-police-data",
        "police-uk",
        text_file(NAME, RETURNS_HEADER + "\nx,E07000073,2024,1,2,\n"),
        "missing columns",
        "row 1",
    ),
    Case(
        "no-header-row", "police-uk", text_file(NAME, GOOD + "\n" + GOOD + "\n"), "Is the first row the header", "row 1"
    ),
    Case(
        "semicolons",
        "police-uk",
        street(GOOD.replace(",", ";"), header=STREET_HEADER.replace(",", ";")),
        "semicolons",
        "row 1",
    ),
    Case("json-not-csv", "police-uk", text_file(NAME, '{"crimes": [1, 2, 3]}\n'), "missing columns", NAME),
    # --- encodings ---
    Case(
        "latin-1",
        "police-uk",
        text_file(NAME, STREET_HEADER + "\n" + street_row(location="Caf\u00e9 Row") + "\n", "latin-1"),
        "0xE9 is not UTF-8",
        f"{NAME}, row 2, column Location",
    ),
    Case(
        "windows-1252-quotes",
        "police-uk",
        text_file(NAME, STREET_HEADER + "\n" + street_row(location="Smith\u2019s Yard") + "\n", "cp1252"),
        "0x92 is not UTF-8",
        "row 2, column Location",
    ),
    Case(
        "utf-16-le",
        "police-uk",
        bytes_file(NAME, (STREET_HEADER + "\n" + GOOD).encode("utf-16")),
        "is UTF-16 text",
        NAME,
    ),
    Case(
        "utf-16-be",
        "police-uk",
        bytes_file(NAME, codecs.BOM_UTF16_BE + (STREET_HEADER + "\n").encode("utf-16-be")),
        "is UTF-16 text",
        NAME,
    ),
    Case(
        "utf-32", "police-uk", bytes_file(NAME, (STREET_HEADER + "\n" + GOOD).encode("utf-32")), "is UTF-32 text", NAME
    ),
    Case(
        "nul-bytes",
        "police-uk",
        bytes_file(NAME, (STREET_HEADER + "\n").encode() + b"abc\x00def\n"),
        "NUL byte",
        f"{NAME}, row 2",
    ),
    Case("png-named-csv", "police-uk", bytes_file(NAME, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "NUL byte", NAME),
    # --- empty and truncated ---
    Case("empty-file", "police-uk", bytes_file(NAME, b""), "is empty", NAME),
    Case("blank-lines-only", "police-uk", bytes_file(NAME, b"\n\n  \n"), "is empty", NAME),
    # Two empty files have the same (empty) content, but they are empty, not duplicates (issue 16).
    Case(
        "two-empty-files",
        "police-uk",
        lambda folder: [*bytes_file("2024-01-a-street.csv", b"")(folder), *bytes_file(NAME, b"")(folder)],
        "is empty",
        "2024-01-a-street.csv",
    ),
    Case("header-only", "police-uk", street(), "header row but no records", NAME),
    Case(
        "cut-mid-row",
        "police-uk",
        text_file(NAME, STREET_HEADER + "\n" + GOOD + "\n" + ",".join(GOOD.split(",")[:3])),
        "has 3 values; expected 12",
        f"{NAME}, row 3",
    ),
    Case(
        "cut-inside-quotes",
        "police-uk",
        text_file(NAME, STREET_HEADER + "\n" + GOOD + '\n,2024-01,"Essex Pol'),
        "cut short",
        NAME,
    ),
    Case("too-many-values", "police-uk", street(GOOD, GOOD + ",extra"), "has 13 values; expected 12", "row 3"),
    Case("only-empty-cells", "police-uk", street(",,,,,,,,,,,"), "header row but no records", NAME),
    # --- cells ---
    Case(
        "non-numeric-longitude",
        "police-uk",
        street(street_row(lon="east")),
        "is not a number",
        f"{NAME}, row 2, column Longitude",
    ),
    Case(
        "latitude-out-of-range",
        "police-uk",
        street(GOOD, street_row(lat="123.4")),
        "is outside -90 to 90",
        "row 3, column Latitude",
    ),
    Case(
        "longitude-out-of-range",
        "police-uk",
        street(street_row(lon="200")),
        "is outside -180 to 180",
        "column Longitude",
    ),
    Case("nan-longitude", "police-uk", street(street_row(lon="NaN")), "is outside -180 to 180", "column Longitude"),
    Case("infinite-latitude", "police-uk", street(street_row(lat="inf")), "is outside -90 to 90", "column Latitude"),
    Case(
        "longitude-without-latitude",
        "police-uk",
        street(street_row(lat="")),
        "both a longitude and a latitude",
        "row 2, column Latitude",
    ),
    Case(
        "impossible-month",
        "police-uk",
        street(street_row(month="2024-13"), name="essex-street.csv"),
        "is not a month: expected YYYY-MM",
        "essex-street.csv, row 2, column Month",
    ),
    Case(
        "month-in-words",
        "police-uk",
        street(street_row(month="Jan 2024"), name="essex.csv"),
        "is not a month",
        "column Month",
    ),
    Case(
        "month-in-the-future",
        "police-uk",
        street(street_row(month="2999-01"), name="essex.csv"),
        "is not a possible month",
        "column Month",
    ),
    Case(
        "month-before-records",
        "police-uk",
        street(street_row(month="1999-12"), name="essex.csv"),
        "is not a possible month",
        "column Month",
    ),
    Case(
        "month-not-the-files-month",
        "police-uk",
        street(GOOD, street_row(month="2024-02")),
        "but the file name says 2024-01",
        f"{NAME}, row 3, column Month",
    ),
    Case("empty-month", "police-uk", street(street_row(month="")), "is not a month", "row 2, column Month"),
    Case(
        "formula-as-month",
        "police-uk",
        street(street_row(month="=cmd|' /C calc'!A0"), name="e.csv"),
        "is not a month",
        "column Month",
    ),
    Case(
        "unknown-crime-type",
        "police-uk",
        street(street_row(crime_type="Burglarly")),
        "is not a police.uk crime type",
        "row 2, column Crime type",
    ),
    Case(
        "empty-crime-type",
        "police-uk",
        street(street_row(crime_type="", crime_id="abc")),
        "expected a police.uk crime type",
        "column Crime type",
    ),
    Case(
        "malformed-lsoa",
        "police-uk",
        street(street_row(lsoa="X01234567")),
        "is not an LSOA code",
        "row 2, column LSOA code",
    ),
    Case(
        "district-code-as-lsoa",
        "police-uk",
        street(street_row(lsoa="E07000073")),
        "is not an LSOA code",
        "column LSOA code",
    ),
    Case("no-force", "police-uk", street(street_row(force="")), "expected the police force", "row 2"),
    Case(
        "over-long-cell",
        "police-uk",
        street(street_row(location=LONG)),
        "expected at most 1,000",
        "row 2, column Location",
    ),
    # --- sizes, zips and files ---
    Case(
        "oversized-file",
        "police-uk",
        street(*[GOOD] * 50),
        "larger than",
        NAME,
        settings={"SAFERHUB_MAX_UPLOAD_BYTES": 2000},
    ),
    Case("zip-bomb", "police-uk", zipped({f"2024-01/{NAME}": b"0" * 3_000_000}), "zip bomb", "download.zip"),
    Case(
        "zip-path-traversal",
        "police-uk",
        zipped({"../../etc/2024-01-essex-street.csv": b"x"}),
        "points outside the zip",
        "download.zip",
    ),
    Case("zip-in-a-zip", "police-uk", zipped({"inner.zip": b"PK\x03\x04"}), "contains another zip", "download.zip"),
    Case("zip-with-no-csv", "police-uk", zipped({"readme.txt": b"hello"}), "holds no .csv files", "download.zip"),
    Case("zip-with-a-symlink", "police-uk", zipped({}, symlink="2024-01/link.csv"), "symbolic link", "download.zip"),
    Case(
        "zip-naming-a-file-twice",
        "police-uk",
        lambda folder: _zip_with_a_name_twice(folder / "download.zip"),
        "more than once",
        "download.zip",
    ),
    Case(
        "zip-over-the-total",
        "police-uk",
        zipped({f"2024-0{n}/2024-0{n}-essex-street.csv": b"x" * 900 for n in range(1, 4)}),
        "would expand to",
        "download.zip",
        settings={"SAFERHUB_MAX_UPLOAD_BYTES": 1000, "SAFERHUB_MAX_IMPORT_BYTES": 2000},
    ),
    Case(
        "damaged-gzip", "police-uk", bytes_file(NAME + ".gz", b"\x1f\x8b" + b"\x00" * 40), "not a readable gzip", NAME
    ),
    Case(
        "gzip-bomb",
        "police-uk",
        bytes_file(NAME + ".gz", gzip.compress(b"0" * 50_000)),
        "allowed for one file",
        NAME + ".gz",
        settings={"SAFERHUB_MAX_UPLOAD_BYTES": 10_000},
    ),
    Case(
        "damaged-zip",
        "police-uk",
        bytes_file("download.zip", b"PK\x03\x04" + b"\x00" * 40),
        "not a readable zip",
        "download.zip",
    ),
    Case(
        "two-files-for-one-month",
        "police-uk",
        lambda folder: [
            street_file(folder, [GOOD]),
            street_file(folder, [street_row(crime_type="Drugs")], name="2024-01-essex-street-copy.csv"),
        ],
        "in more than one file",
        NAME,
    ),
    Case(
        "same-file-twice",
        "police-uk",
        lambda folder: [street_file(folder, [GOOD]), street_file(folder, [GOOD], name="copy.csv")],
        "is the same file as",
        "copy.csv",
    ),
    Case(
        "spreadsheet-given-as-police-data",
        "police-uk",
        bytes_file("crimes.xlsx", b"PK"),
        "expected .csv",
        "crimes.xlsx",
    ),
    Case("empty-folder", "police-uk", lambda folder: [folder], "folder with no .csv files", ""),
    Case("file-not-found", "police-uk", lambda folder: [folder / "nowhere.csv"], "file not found", "nowhere.csv"),
    # --- STATS19 ---
    Case(
        "stats19-missing-index",
        "stats19",
        stats19_files([COLLISION.split(",", 1)[1]], collision_header=COLLISION_HEADER.split(",", 1)[1]),
        "missing column 'collision_index'",
        "collisions.csv, row 1",
    ),
    Case(
        "stats19-unknown-severity",
        "stats19",
        stats19_files([COLLISION.replace(",13,3,", ",13,7,")]),
        "is not a collision severity",
        "collisions.csv, row 2, column collision_severity",
    ),
    Case(
        "stats19-impossible-date",
        "stats19",
        stats19_files([COLLISION.replace("21/05/2024", "31/02/2024")]),
        "is not a real date",
        "row 2, column date",
    ),
    Case(
        "stats19-year-not-the-dates",
        "stats19",
        stats19_files([COLLISION.replace(",2024,13,", ",2023,13,")]),
        "expected the year of the date",
        "column collision_year",
    ),
    Case(
        "stats19-bad-district",
        "stats19",
        stats19_files([COLLISION.replace("E08000033", "E0800003X")]),
        "is not a local authority district code",
        "column local_authority_ons_district",
    ),
    Case(
        "stats19-unknown-force",
        "stats19",
        stats19_files([COLLISION.replace(",13,3,", ",999,3,")]),
        "is not a STATS19 police force code",
        "column police_force",
    ),
    Case(
        "stats19-duplicate-collision",
        "stats19",
        stats19_files([COLLISION, COLLISION]),
        "appears on more than one row",
        "collisions.csv, row 2",
    ),
    Case(
        "stats19-casualty-without-collision",
        "stats19",
        stats19_files([COLLISION], ["2024999999999,1,2,9,30"]),
        "is not a collision in any collision file",
        "casualties.csv, row 2, column collision_index",
    ),
    Case(
        "stats19-casualty-file-alone",
        "stats19",
        stats19_files(None, ["2024131449060,1,2,9,30"]),
        "is not a collision in any collision file",
        "casualties.csv, row 2",
    ),
    Case(
        "stats19-non-numeric-severity",
        "stats19",
        stats19_files([COLLISION], ["2024131449060,1,x,9,30"]),
        "is not a casualty severity",
        "column casualty_severity",
    ),
    Case(
        "stats19-duplicate-casualty",
        "stats19",
        stats19_files([COLLISION], ["2024131449060,1,2,9,30", "2024131449060,1,3,9,31"]),
        "appears on more than one row",
        "casualties.csv",
    ),
    Case(
        "stats19-impossible-age",
        "stats19",
        stats19_files([COLLISION], ["2024131449060,1,2,9,abc"]),
        "is not an age",
        "column age_of_casualty",
    ),
    # --- returns ---
    Case(
        "returns-unknown-indicator",
        "returns",
        returns_csv("no-such-thing,E07000073,2023,,,5"),
        "is not an indicator in the hub",
        "return.csv, row 2, column indicator",
    ),
    Case(
        "returns-unknown-area",
        "returns",
        returns_csv("test-count,E07000999,2023,,,5"),
        "is not an area in the hub",
        "row 2, column area_code",
    ),
    Case(
        "returns-malformed-area",
        "returns",
        returns_csv("test-count,Harlow,2023,,,5"),
        "is not an ONS GSS code",
        "column area_code",
    ),
    Case(
        "returns-impossible-period",
        "returns",
        returns_csv("test-count,E07000073,2024-13,,,5"),
        "2024-13",
        "row 2, column period",
    ),
    Case(
        "returns-non-numeric",
        "returns",
        returns_csv("test-count,E07000073,2023,,,n/a"),
        "is not a number",
        "row 2, column value",
    ),
    Case(
        "returns-numerator-above-denominator",
        "returns",
        returns_csv("feeling-safe,E07000073,2023,120,100,"),
        "larger than denominator",
        "return.csv, row 2",
    ),
    Case(
        "returns-zero-denominator",
        "returns",
        returns_csv("feeling-safe,E07000073,2023,0,0,"),
        "denominator is 0",
        "row 2",
    ),
    Case("returns-negative-count", "returns", returns_csv("test-count,E07000073,2023,,,-4"), "negative", "row 2"),
    Case(
        "returns-value-disagrees",
        "returns",
        returns_csv("feeling-safe,E07000073,2023,65,100,80"),
        "does not match numerator and denominator",
        "row 2",
    ),
    Case(
        "returns-duplicate-row",
        "returns",
        returns_csv("test-count,E07000073,2023,,,5", "test-count,E07000073,2023,,,6"),
        "repeats test-count",
        "return.csv, row 3",
    ),
    Case(
        "returns-missing-columns",
        "returns",
        returns_csv("test-count,2023,5", header="indicator,year,value"),
        "missing columns 'area_code', 'period'",
        "return.csv, row 1",
    ),
    Case(
        "returns-bad-status",
        "returns",
        returns_csv("test-count,E07000073,2023,,,5,maybe", header=RETURNS_HEADER + ",status"),
        "is not provisional or final",
        "column status",
    ),
    Case(
        "returns-no-figures",
        "returns",
        returns_csv("test-count,E07000073,2023,,,"),
        "has no rows with figures",
        "return.csv",
    ),
    Case(
        "returns-damaged-xlsx",
        "returns",
        bytes_file("return.xlsx", b"PK\x03\x04garbage"),
        "not a readable .xlsx workbook",
        "return.xlsx",
    ),
    Case(
        "returns-xlsx-formula",
        "returns",
        returns_xlsx([["test-count", "E07000073", "2023", None, None, "=2+2"]]),
        "is a formula",
        "return.xlsx, row 2, column value",
    ),
    # --- mapped partner layouts ---
    Case(
        "mapped-column-not-in-file",
        "mapped",
        partner(PARTNER_ROW),
        "has no column 'Datum'",
        "partner.csv, row 1",
        mapping=mapping_with(columns={**MAPPING["columns"], "date": {"column": "Datum", "format": "%Y%m%d"}}),
    ),
    Case(
        "mapped-ambiguous-column",
        "mapped",
        partner(PARTNER_ROW),
        "columns called 'Day'",
        "partner.csv, row 1",
        mapping=mapping_with(columns={**MAPPING["columns"], "location": "Day"}),
    ),
    Case(
        "mapped-unknown-severity",
        "mapped",
        partner(PARTNER_ROW.replace("Slight", "Minor")),
        "is not one of the values the mapping names for severity",
        "partner.csv, row 2, column Severity",
        mapping=MAPPING,
    ),
    Case(
        "mapped-easting-off-the-grid",
        "mapped",
        partner(PARTNER_ROW.replace("539615.18", "9539615")),
        "is outside 0 to 700000",
        "row 2, column Easting",
        mapping=MAPPING,
    ),
    Case(
        "mapped-wrong-date-format",
        "mapped",
        partner(PARTNER_ROW.replace("20160106", "06/01/2016")),
        "is not a real date in the form YYYYMMDD",
        "row 2, column Date",
        mapping=MAPPING,
    ),
    Case(
        "mapped-unknown-key",
        "mapped",
        partner(PARTNER_ROW),
        "keys saferhub does not know: colour",
        "mapping",
        mapping=mapping_with(colour="blue"),
    ),
    Case(
        "mapped-not-yaml",
        "mapped",
        partner(PARTNER_ROW),
        "not a readable YAML mapping",
        "map.yaml",
        mapping="key: [unclosed",
    ),
]


@pytest.fixture
def baseline(essex_geography, tmp_path):
    """A hub with data in it: records in the store, indicator values from records and from a return."""
    from saferhub.framework.models import Indicator

    Indicator.objects.create(slug="test-count", title="A count", value_type="count")
    Indicator.objects.create(slug="feeling-safe", title="Feeling safe", value_type="percentage")
    (tmp_path / "base").mkdir()
    kent = street_row(force="Kent Police", month="2023-12", lsoa="E01024011", lsoa_name="Ashford 013C")
    police_uk_import(paths=[street_file(tmp_path / "base", [kent], name="2023-12-kent-street.csv")])
    from saferhub.measures.services import indicator_values_write

    indicator_values_write(
        indicator=Indicator.objects.get(slug="feeling-safe"),
        rows=[{"area": "E07000073", "period": "2022", "numerator": 65, "denominator": 100}],
    )


def _run(case: Case, paths: list[Path], tmp_path: Path) -> None:
    if case.source == "police-uk":
        police_uk_import(paths=paths)
    elif case.source == "stats19":
        stats19_import(paths=paths)
    elif case.source == "returns":
        returns_import(paths=paths)
    else:
        mapping: Any = case.mapping
        if isinstance(mapping, str):
            path = tmp_path / "map.yaml"
            path.write_text(mapping)
            mapping = path
        mapped_import(paths=paths, mapping=mapping)


def test_the_corpus_is_large_and_every_case_is_distinct():
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)


def test_a_file_already_imported_is_recognised_and_changes_nothing(baseline, tmp_path, store, settings):
    folder = tmp_path / "again"
    folder.mkdir()
    path = street_file(folder, [GOOD])
    police_uk_import(paths=[path])
    before_db, before_store = database_state(), store_tree(store.root)
    with pytest.raises(SaferhubError, match=f"{NAME} was already imported"):
        police_uk_import(paths=[path])
    assert (database_state(), store_tree(store.root)) == (before_db, before_store)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_file_gets_a_clear_error_and_changes_nothing(case, baseline, tmp_path, store, settings):
    for name, value in case.settings.items():
        setattr(settings, name, value)
    folder = tmp_path / "bad"
    folder.mkdir()
    paths = case.build(folder)
    before_db, before_store = database_state(), store_tree(store.root)
    imports_before = Import.objects.count()

    with pytest.raises(SaferhubError) as caught:
        _run(case, paths, tmp_path)

    message = str(caught.value)
    assert case.expect in message, message
    assert case.where in message, message
    assert database_state() == before_db
    assert store_tree(store.root) == before_store
    assert not list(store.root.glob("staging/*")), "staged files were left behind"
    # The refusal is on record, with its reasons.
    assert Import.objects.count() == imports_before + 1
    refused = Import.objects.latest("id")
    assert refused.status in (Import.Status.REJECTED, Import.Status.FAILED)
    assert refused.error and refused.rejections.exists()
