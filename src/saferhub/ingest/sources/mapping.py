"""Reading and checking a mapping file (YAML): which of a partner's columns is which, and how to read them."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from saferhub.core.codes import GSS_PATTERN
from saferhub.ingest.problems import ImportRefused
from saferhub.ingest.staging import (
    slugify,
)

KINDS = ("collision", "casualty", "crime", "asb")


FIELDS = (
    "reference",
    "date",
    "month",
    "severity",
    "category",
    "easting",
    "northing",
    "longitude",
    "latitude",
    "location",
    "area_code",
    "road_user",
    "age",
)


SEVERITIES = ("fatal", "serious", "slight")


FORMAT_WORDS = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "hh", "%M": "mm", "%y": "YY", "%b": "Mon"}


@dataclass
class Mapping:
    name: str
    title: str
    kind: str
    force: str
    columns: dict[str, str]
    formats: dict[str, str]
    values: dict[str, dict[str, str]]
    area: dict[str, Any]
    unique_reference: bool
    where: str
    raw: dict[str, Any] = field(default_factory=dict)
    encoding: str = "utf-8"
    within: list[str] = field(default_factory=list)


def human_format(fmt: str) -> str:
    text = fmt
    for code, word in FORMAT_WORDS.items():
        text = text.replace(code, word)
    return text


def load_mapping(source: Path | str | dict[str, Any]) -> Mapping:
    """Read and check a mapping (a YAML file or its parsed content); refuse it with a clear reason."""
    if isinstance(source, dict):
        data, where = source, "mapping"
    else:
        path = Path(source)
        where = path.name
        if not path.exists():
            raise ImportRefused("mapping file not found", where=str(path))
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ImportRefused(f"is not a readable YAML mapping ({str(exc).splitlines()[0]})", where=where) from None
    if not isinstance(data, dict):
        raise ImportRefused("is not a mapping: expected keys name, kind and columns", where=where)
    unknown = set(data) - {
        "name",
        "title",
        "kind",
        "force",
        "columns",
        "values",
        "area",
        "within",
        "unique_reference",
        "encoding",
    }
    if unknown:
        raise ImportRefused(f"has keys saferhub does not know: {', '.join(sorted(unknown))}", where=where)
    encoding = str(data.get("encoding") or "utf-8")[:40]
    try:
        # A text encoding that reads a plain CSV line as itself: not a codec such as hex or rot13,
        # which Python knows but which do not turn bytes into text.
        codec = codecs.lookup(encoding)
        line = b"Area,2024-01\r\n"
        usable = getattr(codec, "_is_text_encoding", True) and line.decode(encoding) == "Area,2024-01\r\n"
    except (LookupError, ValueError, TypeError):
        usable = False
    if not usable:
        raise ImportRefused(
            f"encoding {encoding!r} is not a text encoding saferhub can read; "
            "expected one such as utf-8 or windows-1252",
            where=where,
        )
    name = slugify(str(data.get("name") or ""))
    if not name:
        raise ImportRefused("needs a name (the supplier, such as cambridgeshire-collisions)", where=where)
    kind = str(data.get("kind") or "")
    if kind not in KINDS:
        raise ImportRefused(f"kind {kind!r} is not one of {', '.join(KINDS)}", where=where)
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        raise ImportRefused("needs columns: which column of the file holds each field", where=where)
    columns: dict[str, str] = {}
    formats: dict[str, str] = {}
    for key, value in raw_columns.items():
        if key not in FIELDS:
            raise ImportRefused(
                f"columns.{key} is not a field saferhub knows: expected {', '.join(FIELDS)}", where=where
            )
        if isinstance(value, dict):
            if "column" not in value:
                raise ImportRefused(f"columns.{key} needs a column name", where=where)
            columns[key] = str(value["column"])
            if value.get("format"):
                formats[key] = str(value["format"])
        else:
            columns[key] = str(value)
    if "date" not in columns and "month" not in columns:
        raise ImportRefused("columns needs date (or month): every record needs its date", where=where)
    if "date" in columns and "date" not in formats:
        formats["date"] = "%Y-%m-%d"
    if kind in ("collision", "casualty") and "severity" not in columns:
        raise ImportRefused(f"columns needs severity for {kind} records", where=where)
    if kind == "crime" and "category" not in columns:
        raise ImportRefused("columns needs category (the crime type) for crime records", where=where)
    for a, b in (("easting", "northing"), ("longitude", "latitude")):
        if (a in columns) != (b in columns):
            raise ImportRefused(f"columns needs both {a} and {b}, or neither", where=where)
    values: dict[str, dict[str, str]] = {}
    for key, table in (data.get("values") or {}).items():
        if key not in columns or not isinstance(table, dict):
            raise ImportRefused(f"values.{key} must map the text of a mapped column to saferhub's values", where=where)
        values[key] = {str(k).strip().lower(): str(v).strip().lower() for k, v in table.items()}
    if "severity" in columns:
        targets = set(values.get("severity", {}).values()) if "severity" in values else set()
        wrong = targets - set(SEVERITIES)
        if wrong:
            raise ImportRefused(
                f"values.severity maps to {', '.join(sorted(wrong))}; expected fatal, serious or slight", where=where
            )
    area = data.get("area") or {}
    if not isinstance(area, dict) or len(area) != 1 or next(iter(area)) not in ("code", "column", "boundaries"):
        raise ImportRefused(
            "area must say how records find their area: code: <GSS code>, column: <name> or boundaries: true",
            where=where,
        )
    if "code" in area and not GSS_PATTERN.match(str(area["code"])):
        raise ImportRefused(f"area.code {area['code']!r} is not a GSS code such as E10000003", where=where)
    if "column" in area:
        columns["area_code"] = str(area["column"])
    if "boundaries" in area and not ({"easting", "longitude"} & set(columns)):
        raise ImportRefused("area: boundaries needs coordinates (easting/northing or longitude/latitude)", where=where)
    within = data.get("within") or []
    within = [within] if isinstance(within, str) else list(within)
    for code in within:
        if not GSS_PATTERN.match(str(code)):
            raise ImportRefused(f"within: {code!r} is not a GSS code such as E10000003", where=where)
    return Mapping(
        within=[str(c) for c in within],
        name=name,
        title=str(data.get("title") or name),
        kind=kind,
        force=str(data.get("force") or ""),
        columns=columns,
        formats=formats,
        values=values,
        area=dict(area),
        unique_reference=bool(data.get("unique_reference")),
        where=where,
        raw=dict(data),
        encoding=encoding,
    )
