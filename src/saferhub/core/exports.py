"""CSV and XLSX exports that are safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is read by
spreadsheet programs as a formula; such text is prefixed with an apostrophe so it stays text
(OWASP "CSV injection"). Numbers (int, float, Decimal) are written as numbers, so a negative
amount stays a number; only text is escaped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

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
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _clean_filename(filename: str) -> str:
    return "".join(ch for ch in filename if ch.isalnum() or ch in "-_.") or "export"


def export_csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """An ``HttpResponse`` with a UTF-8 (with BOM, for Excel) CSV attachment."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([export_safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if c is None else export_safe_cell(c) for c in row])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
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
