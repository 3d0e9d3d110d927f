"""Exports escape cells that a spreadsheet would read as formulas (OWASP "CSV injection"): one
function, ``export_safe_cell``, for every export in the hub."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from saferhub.core.exports import csv_text, export_csv_response, export_safe_cell, export_xlsx_bytes


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "+44 1234", "-cmd", '=HYPERLINK("http://x")', "\t1", "-1e3x"],
)
def test_text_that_a_spreadsheet_would_run_is_escaped(text):
    assert export_safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-0.52", "+3", "-1e3", "51.7", "On or near Oakwood Drive", "", "a=b"])
def test_plain_numbers_written_as_text_and_ordinary_text_are_unchanged(value):
    assert export_safe_cell(value) == value


def test_numbers_and_dates_stay_what_they_are():
    assert export_safe_cell(Decimal("-5.00")) == Decimal("-5.00")
    assert export_safe_cell(-3) == -3
    assert export_safe_cell(-0.52) == -0.52
    assert export_safe_cell(date(2024, 1, 31)) == date(2024, 1, 31)
    assert export_safe_cell(None) == ""
    assert export_safe_cell(True) == "yes"


def test_csv_text_escapes_every_cell_header_included():
    assert csv_text(["=h", "b"], [["=x", -1, None]]) == "'=h,b\r\n'=x,-1,\r\n"


def test_csv_and_xlsx_hold_escaped_text():
    rows = [['=HYPERLINK("http://x")', Decimal("1.50")]]
    body = export_csv_response("t", ["a", "b"], rows).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    sheet = load_workbook(io.BytesIO(export_xlsx_bytes(["a", "b"], rows))).active
    assert sheet["A2"].value.startswith("'=")
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 1.5
