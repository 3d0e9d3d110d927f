"""Every chart's table downloads as CSV (issue 21, "everywhere"): the cells the page shows, made safe."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

from saferhub.core.charts import ChartTable


def _rows(uri: str) -> list[list[str]]:
    prefix = "data:text/csv;charset=utf-8,"
    assert uri.startswith(prefix)
    return list(csv.reader(io.StringIO(unquote(uri[len(prefix) :]))))


def test_the_csv_holds_what_the_table_shows_and_nothing_more():
    table = ChartTable(
        "Burglary by month", ["Month", "Harlow"], [["January 2024", "fewer than 5"], ["February 2024", "1,234"]]
    )
    assert _rows(table.csv_uri) == [["Month", "Harlow"], ["January 2024", "fewer than 5"], ["February 2024", "1,234"]]


def test_a_hostile_cell_cannot_become_a_spreadsheet_formula():
    table = ChartTable(
        "Areas",
        ["Area", "Value"],
        [['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0"], ["Harlow, Essex", "3"]],
    )
    rows = _rows(table.csv_uri)
    assert rows[1][0].startswith("'=") and rows[1][1].startswith("'+")
    assert rows[2] == ["Harlow, Essex", "3"]  # a comma stays inside its cell
