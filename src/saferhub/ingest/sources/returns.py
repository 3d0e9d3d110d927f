"""Partner returns and survey results: indicator values in a CSV or XLSX file.

Columns (by name, any case): ``indicator`` (the slug), ``area_code``, ``period``, and at least one of
``value``, ``numerator``, ``denominator`` (``sample_size`` is read as the denominator); optional
``breakdown``, ``status`` (provisional or final) and ``note``. Rows with no figures at all are
skipped (a template lists every area; fill in those you have). Survey percentages keep their sample
size as the denominator, so their Wilson intervals are right; when only the percentage and sample
size are given the number answering is derived from them.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass
from typing import Any

import openpyxl

from saferhub.core.codes import GSS_PATTERN, parse_period
from saferhub.core.errors import ValidationProblem
from saferhub.core.exports import export_safe_cell
from saferhub.framework.models import Indicator
from saferhub.geography.models import Area
from saferhub.geography.selectors import csp_areas_in
from saferhub.incidents.store import Manifest
from saferhub.ingest.csvread import ColumnSpec, Layout, choose_layout, normalise_name, open_csv, read_rows
from saferhub.ingest.intake import InputFile
from saferhub.ingest.problems import ImportRefused, Rejection
from saferhub.ingest.staging import file_problem
from saferhub.ingest.types import Context, IndicatorRows, IndicatorSpec, StageResult, limits
from saferhub.measures.services import value_with_interval

RETURNS = Layout(
    name="partner return",
    dataset="returns",
    columns=(
        ColumnSpec("indicator", "indicator", aliases=("indicator_slug",)),
        ColumnSpec("area_code", "area_code", aliases=("area", "code", "gss_code")),
        ColumnSpec("period", "period"),
        ColumnSpec("value", "value", required=False),
        ColumnSpec("numerator", "numerator", required=False, aliases=("count",)),
        ColumnSpec("denominator", "denominator", required=False, aliases=("sample_size", "population")),
        ColumnSpec("breakdown", "breakdown", required=False),
        ColumnSpec("status", "status", required=False),
        ColumnSpec("note", "note", required=False),
        ColumnSpec("area_name", "area_name", required=False),
    ),
    marker="indicator",
)
TEMPLATE_COLUMNS = (
    "indicator",
    "area_code",
    "area_name",
    "period",
    "numerator",
    "denominator",
    "value",
    "breakdown",
    "status",
    "note",
)
MAX_RETURN_ROWS = 200_000
XLSX_MAX_EXPANDED = 200 * 1024 * 1024
NUMBERS = ("value", "numerator", "denominator")


@dataclass
class Cell:
    text: str
    is_formula: bool = False


# Bounds on what one return may hold: no count, rate or money figure a partnership reports comes
# near a trillion, and an indicator split more ways than this is not a breakdown but a list.
MAX_FIGURE = 1e12
MAX_BREAKDOWNS = 200
MAX_BREAKDOWN_CHARS = 120  # IndicatorValue.breakdown


def _number(cell: str) -> float | None:
    text = cell.strip().replace(",", "")
    if text == "":
        return None
    number = float(text)  # ValueError for text
    if math.isnan(number) or math.isinf(number) or abs(number) > MAX_FIGURE:
        raise ValueError(text)
    return number


def _read_xlsx(item: InputFile) -> tuple[list[str], list[tuple[int, dict[str, Cell]]]]:
    """Header and rows of the first worksheet. Formulas are kept as formulas, never calculated."""
    try:
        with zipfile.ZipFile(item.path) as archive:
            expanded = sum(i.file_size for i in archive.infolist())
            if expanded > XLSX_MAX_EXPANDED:
                raise ImportRefused(
                    f"expands to {expanded:,} bytes, more than a spreadsheet return should; refused as unsafe",
                    where=item.name,
                )
    except zipfile.BadZipFile:
        raise ImportRefused(
            "is not a readable .xlsx workbook (it may be damaged, or an older .xls file): "
            "expected an Excel workbook saved as .xlsx, or CSV UTF-8",
            where=item.name,
        ) from None

    try:
        book = openpyxl.load_workbook(item.path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds of error for damaged files
        raise ImportRefused(f"is not a readable .xlsx workbook ({type(exc).__name__})", where=item.name) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=False)
        first = next(rows, None)
        if first is None:
            raise ImportRefused("has an empty first worksheet: expected a header row", where=item.name)
        header = ["" if c.value is None else str(c.value).strip() for c in first]
        out: list[tuple[int, dict[str, Cell]]] = []
        for number, row in enumerate(rows, start=2):
            if number > MAX_RETURN_ROWS + 1:
                raise ImportRefused(f"has more than {MAX_RETURN_ROWS:,} rows", where=item.name)
            cells: dict[str, Cell] = {}
            for name, cell in zip(header, row, strict=False):
                value = cell.value
                is_formula = getattr(cell, "data_type", "") == "f" or (isinstance(value, str) and value.startswith("="))
                if value is None:
                    text = ""
                elif isinstance(value, float) and value.is_integer():
                    text = str(int(value))
                elif hasattr(value, "strftime"):
                    text = value.strftime("%Y-%m-%d")
                else:
                    text = str(value)
                cells[name] = Cell(text, is_formula)
            if any(c.text.strip() for c in cells.values()):
                out.append((number, cells))
        return header, out
    finally:
        book.close()


def _read_csv(item: InputFile, file_index: int) -> tuple[list[str], list[tuple[int, dict[str, Cell]]], list[Rejection]]:

    csvfile = open_csv(item, max_bytes=limits().max_file_bytes)
    choose_layout(csvfile, [RETURNS], what="return")
    table, problems = read_rows(csvfile, file_index=file_index)
    if table.num_rows > MAX_RETURN_ROWS:
        raise ImportRefused(f"has more than {MAX_RETURN_ROWS:,} rows", where=item.name)
    columns = {name: table.column(name).to_pylist() for name in table.column_names if not name.startswith("_")}
    numbers = table.column("_row").to_pylist()
    rows = [
        (int(n), {csvfile.label(name): Cell(values[i] or "") for name, values in columns.items()})
        for i, n in enumerate(numbers)
    ]
    return csvfile.header, rows, problems


def _canonical(header: list[str], item: InputFile) -> dict[str, str]:
    """Which of the file's columns is each return field (by name, any case)."""

    canonical: dict[str, str] = {}
    for spec in RETURNS.columns:
        for h in header:
            if normalise_name(h) in (spec.name, *spec.aliases):
                canonical[spec.name] = h
    missing = [s.label for s in RETURNS.columns if s.required and s.name not in canonical]
    if missing:
        raise ImportRefused(
            f"is not a return: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing)}. Expected the columns {RETURNS.labels()} and "
            "at least one of value, numerator, denominator",
            where=f"{item.name}, row 1",
        )
    return canonical


@dataclass
class _RowChecker:
    """Checks one return row at a time, adding rejections, and collects the good rows by indicator."""

    indicators: dict[str, Any]
    areas: set[str]
    allowed: set[str] | None
    partnership_name: str
    default_status: str
    result: StageResult
    skipped: int = 0

    def __post_init__(self) -> None:
        self.collected: dict[str, list[dict[str, Any]]] = {}
        self.seen: dict[tuple[str, str, str, str], tuple[str, int]] = {}
        self.breakdowns: dict[str, set[str]] = {}

    def check(self, file_name: str, canonical: dict[str, str], number: int, cells: dict[str, Cell]) -> None:

        def get(key: str) -> Cell:
            column = canonical.get(key)
            return cells.get(column, Cell("")) if column else Cell("")

        def reject(key: str, value: str, reason: str) -> None:
            self.result.rejections.add(Rejection(file_name, number, canonical.get(key, key), value[:200], reason))

        if all(not get(k).text.strip() for k in NUMBERS):
            self.skipped += 1
            return
        before = self.result.rejections.total
        slug = get("indicator").text.strip()
        indicator = self.indicators.get(slug)
        if indicator is None:
            reject(
                "indicator",
                slug,
                "is not an indicator in the hub: expected an indicator's short name (its slug), "
                "as in the template for it",
            )
        code = get("area_code").text.strip().upper()
        if code not in self.areas:
            reject(
                "area_code",
                code,
                "is not an area in the hub: expected the GSS code of an area, such as E07000073"
                if GSS_PATTERN.match(code)
                else "is not an ONS GSS code: expected a letter and eight digits, such as E07000073",
            )
        elif self.allowed is not None and code not in self.allowed:
            reject(
                "area_code",
                code,
                f"is not one of {self.partnership_name}'s areas; expected one of {', '.join(sorted(self.allowed))}",
            )
        period = None
        try:
            period = parse_period(get("period").text.strip())
        except ValidationProblem as exc:
            reject("period", get("period").text.strip(), exc.message)
        figures: dict[str, float | None] = {}
        for key in NUMBERS:
            cell = get(key)
            if cell.is_formula:
                reject(key, cell.text, "is a formula; expected a number (paste values only)")
                continue
            try:
                figures[key] = _number(cell.text)
            except ValueError:
                reject(key, cell.text, f"is not a number below {MAX_FIGURE:,.0f}: expected digits such as 65 or 12.5")
        status = get("status").text.strip().lower() or self.default_status
        if status not in ("provisional", "final"):
            reject("status", status, "is not provisional or final")
        if self.result.rejections.total > before or indicator is None or period is None:
            return
        value, numerator, denominator = figures.get("value"), figures.get("numerator"), figures.get("denominator")
        if indicator.value_type == "percentage" and numerator is None and None not in (value, denominator):
            assert value is not None and denominator is not None
            numerator = round(value * denominator / 100, 9)  # a survey result: keep its sample size
        try:
            value_with_interval(
                indicator=indicator, value=value, numerator=numerator, denominator=denominator, where=""
            )
        except ValidationProblem as exc:
            reject("value" if exc.message.startswith("value") else "numerator", "", exc.message)
            return
        breakdown = get("breakdown").text.strip()
        if len(breakdown) > MAX_BREAKDOWN_CHARS:
            reject("breakdown", breakdown, f"is {len(breakdown):,} characters; at most {MAX_BREAKDOWN_CHARS} are kept")
            return
        kinds = self.breakdowns.setdefault(slug, set())
        if breakdown not in kinds and len(kinds) >= MAX_BREAKDOWNS:
            reject(
                "breakdown",
                breakdown,
                f"would be breakdown number {len(kinds) + 1:,} of {slug} in this return; at most "
                f"{MAX_BREAKDOWNS} are accepted (is this column a list of cases rather than categories?)",
            )
            return
        kinds.add(breakdown)
        value_key = (slug, code, period.label, breakdown)
        if value_key in self.seen:
            first_file, first_row = self.seen[value_key]
            reject(
                "period",
                period.label,
                f"repeats {slug} for {code} {period.label}{' ' + breakdown if breakdown else ''} "
                f"(first given in {first_file}, row {first_row}); expected each value once",
            )
            return
        self.seen[value_key] = (file_name, number)
        note = get("note").text.strip()[:200]
        self.collected.setdefault(slug, []).append(
            {
                "area": code,
                "period": period.label,
                "breakdown": breakdown,
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "status": status,
                # The file and row are on the import (source_import); the note stays the same when a later
                # return repeats a figure, so that figure shows as unchanged.
                "source_note": note or "Partner return",
                "where": f"{file_name}, row {number}",
            }
        )
        self.result.rows_accepted += 1


class ReturnsImporter:
    source = "returns"
    suffixes: tuple[str, ...] = (".csv", ".xlsx")
    uses_store = False

    def __init__(self, partnership: Any = None, status: str = "final") -> None:
        self.partnership = partnership
        self.status = status

    def options(self) -> dict[str, Any]:
        return {"status": self.status}

    def stage(self, ctx: Context, files: list[InputFile]) -> StageResult:

        result = StageResult()
        partnership = self.partnership or ctx.import_run.partnership
        allowed: set[str] | None = None
        if partnership is not None and partnership.area_id is not None:
            area = partnership.area
            assert area is not None
            # The partnership's own area and the areas inside it: a district's partnership does not
            # answer for its county or its police force area.
            allowed = set(csp_areas_in(area=area).values_list("code", flat=True)) | {area.code}
        checker = _RowChecker(
            indicators={i.slug: i for i in Indicator.objects.all()},
            areas=set(Area.objects.values_list("code", flat=True)),
            allowed=allowed,
            partnership_name=partnership.name if partnership is not None else "",
            default_status=self.status,
            result=result,
        )
        for index, item in enumerate(files):
            ctx.progress(index, len(files), f"Reading {item.name}")
            try:
                if item.name.lower().endswith(".xlsx"):
                    header, rows = _read_xlsx(item)
                    problems: list[Rejection] = []
                else:
                    header, rows, problems = _read_csv(item, index)
                canonical = _canonical(header, item)
            except ImportRefused as exc:
                file_problem(result, item, exc)
                continue
            if not any(k in canonical for k in NUMBERS):
                result.rejections.add(
                    Rejection(
                        item.name, 1, "", "", "has none of the columns value, numerator and denominator; expected one"
                    )
                )
                continue
            for problem in problems:
                result.rejections.add(problem)
            result.rows_read += len(rows) + len(problems)
            result.files.append(
                {"name": item.name, "sha256": item.sha256, "size": item.size, "rows": len(rows), "dataset": "returns"}
            )
            for number, cells in rows:
                checker.check(item.name, canonical, number, cells)
        skipped = checker.skipped
        collected = checker.collected
        if skipped:
            result.notes.append(f"{skipped:,} rows had no figures and were skipped")
        if not result.rejections and not collected:
            result.rejections.add(
                Rejection(files[0].name if files else "", None, "", "", "has no rows with figures: nothing to import")
            )
        for slug, values in collected.items():
            indicator = checker.indicators[slug]
            result.values.append(IndicatorRows(IndicatorSpec(slug=slug, title=indicator.title), values))
        return result

    def indicator_rows(self, ctx: Context, stage: StageResult, view: Manifest) -> list[IndicatorRows]:
        return stage.values


def _template_rows(indicator: Any, areas: list[Any], period: str) -> list[list[str]]:
    return [[indicator.slug, area.code, area.name, period, "", "", "", "", "", ""] for area in areas]


def returns_template_csv(*, indicator: Any, areas: list[Any], period: str = "") -> str:
    """A CSV template for one indicator: a row per area, with the columns a return needs."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_COLUMNS)
    for row in _template_rows(indicator, areas, period):
        writer.writerow([export_safe_cell(v) for v in row])
    return out.getvalue()


def returns_template_xlsx(*, indicator: Any, areas: list[Any], period: str = "") -> bytes:
    """The same template as an Excel workbook (every cell text, so nothing is run as a formula)."""

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "return"
    sheet.append(list(TEMPLATE_COLUMNS))
    for row in _template_rows(indicator, areas, period):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    notes = book.create_sheet("about")
    notes.append([f"{indicator.title} ({indicator.slug})"])
    notes.append([f"Value type: {indicator.get_value_type_display()}. Frequency: {indicator.get_frequency_display()}."])
    notes.append(["Periods: 2024-03 (month), 2024-Q1 (quarter), 2023 (year), 2023/24 (financial year)."])
    notes.append(["Give value, or numerator and denominator (for surveys, the sample size as denominator)."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
