"""Exports never let a spreadsheet run text as a formula."""

import pytest

from saferhub.incidents.exports import csv_safe, csv_text


@pytest.mark.parametrize("text", ["=1+1", "+44 1234", "-cmd", "@SUM(A1)", "\tx", '=HYPERLINK("http://x")'])
def test_text_that_a_spreadsheet_would_run_is_escaped(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("value", [-0.52, 12, "-0.52", "51.7", "On or near Oakwood Drive", ""])
def test_numbers_and_ordinary_text_are_unchanged(value):
    assert csv_safe(value) == value


def test_csv_text_escapes_every_cell():
    assert csv_text(["a", "b"], [["=x", -1]]) == "a,b\r\n'=x,-1\r\n"
