"""Framework files: one schema (docs/framework.md), written as YAML or as an XLSX workbook.

Reading keeps where every item came from (``file, line 12`` for YAML, taken from the YAML node
marks; ``file, sheet Targets, row 5`` for XLSX) so that the loader can name the place of each
problem. Writing produces the same schema, so an export can be imported elsewhere unchanged.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import yaml

from saferhub.core.errors import ValidationProblem
from saferhub.core.exports import export_safe_cell

MAX_FILE_BYTES = 5 * 1024 * 1024


class Node(dict[str, Any]):
    """A mapping that remembers where it, and each of its keys, was written."""

    where: str = ""
    key_where: dict[str, str]

    def __init__(self, *args: Any, where: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.where = where
        self.key_where = {}

    def at(self, key: str) -> str:
        return self.key_where.get(key, self.where)


class NodeList(list[Any]):
    where: str = ""

    def __init__(self, items: Iterable[Any] = (), *, where: str = "") -> None:
        super().__init__(items)
        self.where = where


class FileProblems(ValidationProblem):
    """Every problem found in one or more framework files; nothing was loaded."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        first_where, first_message = self.problems[0]
        more = len(self.problems) - 1
        message = first_message + (f" (and {more} more problem{'s' if more != 1 else ''})" if more else "")
        super().__init__(message, where=first_where)

    def lines(self) -> list[str]:
        return [f"{where}: {message}" if where else message for where, message in self.problems]


# --- YAML ----------------------------------------------------------------------------------


def _yaml_loader(name: str) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Node:
        loader.flatten_mapping(node)
        out = Node(where=f"{name}, line {node.start_mark.line + 1}")
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                raise ValidationProblem(
                    "a key must be plain text", where=f"{name}, line {key_node.start_mark.line + 1}"
                )
            key = str(key)
            where = f"{name}, line {key_node.start_mark.line + 1}"
            if key in out:
                raise ValidationProblem(f"{key!r} is given twice in the same item", where=where)
            out[key] = loader.construct_object(value_node, deep=True)
            out.key_where[key] = where
        return out

    def sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> NodeList:
        return NodeList(
            (loader.construct_object(child, deep=True) for child in node.value),
            where=f"{name}, line {node.start_mark.line + 1}",
        )

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    return Loader


def read_yaml(text: str | bytes, *, name: str) -> Node:
    """Parse a framework file. Only plain YAML (no tags that build objects) is accepted."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ValidationProblem(f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", where=name)
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationProblem(f"is not UTF-8 text (byte {exc.start})", where=name) from None
    try:
        data = yaml.load(text, Loader=_yaml_loader(name))  # noqa: S506 - a SafeLoader subclass
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ValidationProblem(
            f"is not valid YAML: it contains a character YAML does not allow (#x{exc.character:04x})"
            if isinstance(exc.character, int)
            else f"is not valid YAML: {exc.reason}",
            where=f"{name}, line {line}",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{name}, line {mark.line + 1}" if mark is not None else name
        raise ValidationProblem(f"is not valid YAML: {exc.problem}", where=where) from None
    except yaml.YAMLError as exc:
        raise ValidationProblem(f"is not valid YAML: {exc}", where=name) from None
    if not isinstance(data, Node):
        raise ValidationProblem("is not a framework file: expected a mapping with a 'framework' section", where=name)
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v not in (None, "", [], {}) or k == "indicator"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def write_yaml(spec: dict[str, Any]) -> str:
    """The specification as YAML text (empty fields left out)."""
    header = "# saferhub framework file: see docs/framework.md for the schema.\n"
    return header + yaml.dump(_plain(spec), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


# --- XLSX ----------------------------------------------------------------------------------

FRAMEWORK_FIELDS = (
    "slug",
    "title",
    "short_title",
    "owner",
    "area",
    "period_label",
    "period_start",
    "period_end",
    "status",
    "description",
    "source",
)
SHEETS: dict[str, tuple[str, ...]] = {
    "Outcomes": ("code", "title", "description", "source"),
    "Themes": ("outcome", "code", "title", "description", "source", "story", "story_source"),
    "Indicators": (
        "slug",
        "title",
        "definition",
        "value_type",
        "unit",
        "polarity",
        "polarity_note",
        "frequency",
        "national_indicator_ref",
        "data_source",
        "lead_role",
        "lead_organisation",
        "owner",
        "status",
        "source",
    ),
    "Polarity changes": ("indicator", "from", "polarity", "reason"),
    "Memberships": (
        "theme",
        "code",
        "indicator",
        "reference",
        "title_in_plan",
        "lead",
        "context",
        "source",
        "story",
        "story_source",
    ),
    "Targets": (
        "indicator",
        "key",
        "area",
        "ambition",
        "horizon",
        "target_date",
        "period",
        "kind",
        "value",
        "direction",
        "wording",
        "source",
    ),
    "Baselines": ("indicator", "key", "area", "period", "value", "wording", "source"),
    "Values": (
        "indicator",
        "area",
        "period",
        "breakdown",
        "value",
        "numerator",
        "denominator",
        "status",
        "flags",
        "source",
        "quote",
    ),
    "Partners": ("theme", "indicator", "name", "organisation", "contribution", "how_we_work", "source"),
}


def _theme_ref(theme: dict[str, Any]) -> str:
    return str(theme.get("code") or theme.get("title") or "")


def flatten(spec: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The nested specification as rows per sheet (the XLSX layout)."""
    rows: dict[str, list[list[Any]]] = {name: [] for name in SHEETS}
    fw = spec.get("framework") or {}
    framework_rows = [[field, fw.get(field)] for field in FRAMEWORK_FIELDS]

    def add(sheet: str, item: dict[str, Any]) -> None:
        rows[sheet].append([item.get(col) for col in SHEETS[sheet]])

    themes: list[tuple[str, dict[str, Any]]] = []
    for outcome in spec.get("outcomes") or []:
        add("Outcomes", outcome)
        themes.extend((str(outcome.get("code") or outcome.get("title")), t) for t in outcome.get("themes") or [])
    themes.extend(("", t) for t in spec.get("themes") or [])
    for outcome_ref, theme in themes:
        story = theme.get("story") or {}
        add(
            "Themes",
            {**theme, "outcome": outcome_ref, "story": story.get("text"), "story_source": story.get("source")},
        )
        for partner in theme.get("partners") or []:
            add("Partners", {**partner, "theme": _theme_ref(theme)})
        for member in theme.get("indicators") or []:
            indicator = member.get("indicator")
            slug = indicator.get("slug") if isinstance(indicator, dict) else indicator
            if isinstance(indicator, dict):
                add("Indicators", indicator)
                for change in indicator.get("polarity_changes") or []:
                    add("Polarity changes", {**change, "indicator": slug})
            story = member.get("story") or {}
            add(
                "Memberships",
                {
                    **member,
                    "theme": _theme_ref(theme),
                    "indicator": slug,
                    "context": "yes" if member.get("context") else "",
                    "story": story.get("text"),
                    "story_source": story.get("source"),
                },
            )
            for sheet, key in (("Targets", "targets"), ("Baselines", "baselines"), ("Values", "values")):
                for item in member.get(key) or []:
                    extra = {"flags": ", ".join(item.get("flags") or [])} if sheet == "Values" else {}
                    add(sheet, {**item, **extra, "indicator": slug})
            for partner in member.get("partners") or []:
                add("Partners", {**partner, "indicator": slug})
    rows["Framework"] = framework_rows
    return rows


def write_xlsx(spec: dict[str, Any]) -> bytes:
    """The specification as a workbook: a Framework sheet of fields, then one sheet per kind of item.

    Text that a spreadsheet would read as a formula is escaped (``core.exports.export_safe_cell``).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rows = flatten(spec)
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for sheet, header in (("Framework", ("field", "value")), *SHEETS.items()):
        ws = workbook.create_sheet(sheet)
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows[sheet]:
            ws.append([export_safe_cell(_plain(v)) for v in row])
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        text = value.strip()
        # Undo the export's formula escape: "'=..." was written for "=...".
        if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
            text = text[1:]
        return text
    return value


def read_xlsx(content: bytes, *, name: str) -> Node:
    """Read a workbook written by ``write_xlsx`` (or by hand in the same layout) into the nested
    specification, with ``where`` naming the sheet and row of each item."""
    from openpyxl import load_workbook

    if len(content) > MAX_FILE_BYTES:
        raise ValidationProblem(f"is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB", where=name)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationProblem(f"is not an XLSX workbook ({type(exc).__name__})", where=name) from None
    if "Framework" not in workbook.sheetnames:
        raise ValidationProblem("has no sheet called Framework", where=name)

    def sheet_rows(sheet: str) -> list[Node]:
        if sheet not in workbook.sheetnames:
            return []
        ws = workbook[sheet]
        it = ws.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(it, ())]
        expected = SHEETS[sheet]
        missing = [c for c in expected if c not in header]
        if missing:
            raise ValidationProblem(
                f"is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
                where=f"{name}, sheet {sheet}, row 1",
            )
        out = []
        for number, values in enumerate(it, start=2):
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            where = f"{name}, sheet {sheet}, row {number}"
            node = Node(where=where)
            for col, value in zip(header, values, strict=False):
                if col in expected and value is not None and value != "":
                    node[col] = _cell(value)
                    node.key_where[col] = f"{where}, column {col}"
            out.append(node)
        return out

    fw = Node(where=f"{name}, sheet Framework")
    ws = workbook["Framework"]
    for number, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if not values or values[0] is None:
            continue
        key = str(values[0]).strip()
        value = _cell(values[1]) if len(values) > 1 else None
        if value not in (None, ""):
            fw[key] = value
            fw.key_where[key] = f"{name}, sheet Framework, row {number}"

    spec = Node(where=name)
    spec["framework"] = fw
    outcomes = NodeList(where=f"{name}, sheet Outcomes")
    by_outcome: dict[str, Node] = {}
    for row in sheet_rows("Outcomes"):
        row["themes"] = NodeList(where=row.where)
        outcomes.append(row)
        by_outcome[str(row.get("code") or row.get("title") or "")] = row
    loose = NodeList(where=f"{name}, sheet Themes")
    by_theme: dict[str, Node] = {}
    for row in sheet_rows("Themes"):
        outcome_ref = str(row.pop("outcome", "") or "")
        if row.get("story"):
            story = Node({"text": row.pop("story")}, where=row.at("story"))
            if row.get("story_source"):
                story["source"] = row.pop("story_source")
            row["story"] = story
        row.pop("story_source", None)
        row["indicators"] = NodeList(where=row.where)
        row["partners"] = NodeList(where=row.where)
        if outcome_ref:
            if outcome_ref not in by_outcome:
                raise ValidationProblem(
                    f"outcome {outcome_ref!r} is not on the Outcomes sheet", where=row.at("outcome")
                )
            by_outcome[outcome_ref]["themes"].append(row)
        else:
            loose.append(row)
        by_theme[_theme_ref(row)] = row
    definitions = {str(r.get("slug")): r for r in sheet_rows("Indicators")}
    for row in sheet_rows("Polarity changes"):
        slug = str(row.pop("indicator", ""))
        if slug not in definitions:
            raise ValidationProblem(f"indicator {slug!r} is not on the Indicators sheet", where=row.where)
        definitions[slug].setdefault("polarity_changes", NodeList(where=row.where)).append(row)
    members: dict[str, Node] = {}
    for row in sheet_rows("Memberships"):
        theme_ref = str(row.pop("theme", "") or "")
        if theme_ref not in by_theme:
            raise ValidationProblem(f"theme {theme_ref!r} is not on the Themes sheet", where=row.where)
        slug = str(row.get("indicator") or "")
        if slug in definitions:
            row["indicator"] = definitions.pop(slug)
        if str(row.get("context", "")).lower() in ("yes", "true", "1"):
            row["context"] = True
        else:
            row.pop("context", None)
        if row.get("story"):
            story = Node({"text": row.pop("story")}, where=row.at("story"))
            if row.get("story_source"):
                story["source"] = row.pop("story_source")
            row["story"] = story
        row.pop("story_source", None)
        by_theme[theme_ref]["indicators"].append(row)
        members[slug] = row
    for sheet, key in (("Targets", "targets"), ("Baselines", "baselines"), ("Values", "values")):
        for row in sheet_rows(sheet):
            slug = str(row.pop("indicator", "") or "")
            if slug not in members:
                raise ValidationProblem(f"indicator {slug!r} is not on the Memberships sheet", where=row.where)
            if sheet == "Values" and row.get("flags"):
                row["flags"] = [f.strip() for f in str(row["flags"]).split(",") if f.strip()]
            members[slug].setdefault(key, NodeList(where=row.where)).append(row)
    for row in sheet_rows("Partners"):
        slug = str(row.pop("indicator", "") or "")
        theme_ref = str(row.pop("theme", "") or "")
        if slug:
            if slug not in members:
                raise ValidationProblem(f"indicator {slug!r} is not on the Memberships sheet", where=row.where)
            members[slug].setdefault("partners", NodeList(where=row.where)).append(row)
        elif theme_ref in by_theme:
            by_theme[theme_ref]["partners"].append(row)
        else:
            raise ValidationProblem(f"theme {theme_ref!r} is not on the Themes sheet", where=row.where)
    for slug, row in definitions.items():
        raise ValidationProblem(
            f"indicator {slug!r} is defined but not listed on the Memberships sheet", where=row.where
        )
    if outcomes:
        spec["outcomes"] = outcomes
    if loose:
        spec["themes"] = loose
    return spec
