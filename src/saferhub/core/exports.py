"""CSV and XLSX exports that are safe to open in a spreadsheet: the one place formulas are escaped.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is read by
spreadsheet programs as a formula; such text is prefixed with an apostrophe so it stays text
(OWASP "CSV injection"). Numbers (int, float, Decimal) are written as numbers, and so is text that
is only a number ("-0.52", "+3"), which a spreadsheet reads as that number and never runs; every
other text starting with one of those characters is escaped. Every export in the hub (pages, the
record store's command line, import rejections, return templates) writes its cells through
``export_safe_cell``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_safe_cell(value: Any) -> Any:
    """The value as it should go into a cell: numbers and dates as they are, text escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, Decimal, date, datetime)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Rows as CSV text (no byte-order mark) with every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([export_safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([export_safe_cell(c) for c in row])
    return out.getvalue()


def _clean_filename(filename: str) -> str:
    return "".join(ch for ch in filename if ch.isalnum() or ch in "-_.") or "export"


def export_csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """An ``HttpResponse`` with a UTF-8 (with BOM, for Excel) CSV attachment."""
    response = HttpResponse("\ufeff" + csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_clean_filename(filename)}.csv"'
    return response


def export_xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Data") -> bytes:
    """An XLSX workbook with one sheet: a bold header row, then the rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet[:31]
    worksheet.append([export_safe_cell(h) for h in header])
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = []
        for c in row:
            v = export_safe_cell(c)
            # openpyxl treats a string starting with "=" as a formula; export_safe_cell already
            # prefixed it, and the cell is written with the string type so nothing is evaluated.
            values.append(v)
        worksheet.append(values)
    for row_cells in worksheet.iter_rows(min_row=1):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_xlsx_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Data"
) -> HttpResponse:
    response = HttpResponse(export_xlsx_bytes(header, rows, sheet=sheet), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_clean_filename(filename)}.xlsx"'
    return response


def export_response(fmt: str, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """``fmt`` is ``csv`` or ``xlsx``."""
    if fmt == "xlsx":
        return export_xlsx_response(filename, header, list(rows))
    return export_csv_response(filename, header, rows)
