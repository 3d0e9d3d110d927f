"""The assessment commands: loading the Essex reference data, pricing counted harms, refusing bad input."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from saferhub.cli import main

pytestmark = pytest.mark.django_db


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_load_essex_then_cost_casualties_at_the_1997_values(essex_partnerships):
    loaded = run("assessment", "load-essex")
    assert loaded.exit_code == 0, loaded.output
    assert "8 created" in loaded.output
    assert "0 created, 0 updated, 8 unchanged" in run("assessment", "load-essex").output
    result = run(
        "assessment", "cost", "--set", "dft-casualty-values-1997", "fatal-casualty=2", "slight-casualty=10", "hats=3"
    )
    assert result.exit_code == 0, result.output
    # House of Commons written answer, 13 July 1999: fatal £902,500, slight £7,970 (1997 prices).
    assert f"total: £{2 * 902_500 + 10 * 7_970:,.2f} (1997 prices;" in result.output
    assert "hats: 3 not priced" in result.output


def test_cost_refuses_a_bad_count_and_an_unknown_set_in_one_line(essex_partnerships):
    run("assessment", "load-essex")
    bad = run("assessment", "cost", "--set", "dft-casualty-values-1997", "fatal-casualty=two")
    assert bad.exit_code == 1 and "'fatal-casualty=two' is not KEY=COUNT" in bad.output
    unknown = run("assessment", "cost", "--set", "nothing", "fatal-casualty=1")
    assert unknown.exit_code == 1 and "there is no set of unit costs called 'nothing'" in unknown.output


def test_load_harm_index_names_the_row_and_column_of_a_bad_weight(db, tmp_path):
    path = tmp_path / "weights.csv"
    path.write_text("offence,weight\nTheft,x\n", encoding="utf-8")
    result = run(
        "assessment",
        "load-harm-index",
        str(path),
        "--slug",
        "t",
        "--title",
        "T",
        "--publisher",
        "P",
        "--year",
        "2024",
        "--unit",
        "days",
    )
    assert result.exit_code == 1
    assert "row 2, column weight: is not a number" in result.output
