"""Exports escape cells that a spreadsheet would read as formulas."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from saferhub.core.exports import export_csv_response, export_safe_cell, export_xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_text_is_escaped(text):
    assert export_safe_cell(text) == "'" + text


def test_numbers_stay_numbers():
    assert export_safe_cell(Decimal("-5.00")) == Decimal("-5.00")
    assert export_safe_cell(-3) == -3
    assert export_safe_cell("plain") == "plain"


def test_csv_and_xlsx_hold_escaped_text():
    rows = [['=HYPERLINK("http://x")', Decimal("1.50")]]
    body = export_csv_response("t", ["a", "b"], rows).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    sheet = load_workbook(io.BytesIO(export_xlsx_bytes(["a", "b"], rows))).active
    assert sheet["A2"].value.startswith("'=")
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 1.5
