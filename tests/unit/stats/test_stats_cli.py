"""``saferhub stats spc`` reproduces NHSRplotthedots' published limits from a CSV."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from saferhub.stats_cli import command
from tests.unit.stats.fixtures import reference_json

VIGNETTE = reference_json("nhsrplotthedots.json")["deviations_vignette"]


@pytest.fixture
def vignette_csv(tmp_path):
    start = dt.date.fromisoformat(VIGNETTE["first_date"])
    lines = ["date,value"] + [f"{start + dt.timedelta(days=i)},{v}" for i, v in enumerate(VIGNETTE["data"])]
    path = tmp_path / "vignette.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("flag", "key"), [("--screen", "screened"), ("--no-screen", "unscreened")])
def test_json_output_reproduces_the_vignette_limits(vignette_csv, flag, key):
    result = CliRunner().invoke(command, ["spc", str(vignette_csv), flag, "--format", "json"])
    assert result.exit_code == 0, result.output
    segment = json.loads(result.output)["segments"][0]
    got = [round(segment[k], 2) for k in ("lower_limit", "mean", "upper_limit")]
    assert got == [VIGNETTE[key]["lpl"], VIGNETTE[key]["mean"], VIGNETTE[key]["upl"]]
    assert json.loads(result.output)["options"]["screen_outliers"] is (key == "screened")


def test_table_output_prints_limits_options_and_flags(vignette_csv):
    result = CliRunner().invoke(command, ["spc", str(vignette_csv), "--polarity", "lower_is_better", "--target", "3"])
    assert result.exit_code == 0, result.output
    assert "screen outliers on" in result.output
    assert "-0.715556  1.94444    4.60444" in result.output
    assert "6      2021-03-26  10         outside_limits" in result.output
    assert "special_cause_concern" in result.output
    assert "assurance: inconsistent" in result.output


def test_csv_output_has_one_row_per_point(vignette_csv):
    result = CliRunner().invoke(command, ["spc", str(vignette_csv), "--no-screen", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = result.output.strip().splitlines()
    assert rows[0].startswith("row,date,value,segment,mean,lower_limit,upper_limit")
    assert len(rows) == 1 + len(VIGNETTE["data"])
    assert rows[1].startswith("2,2021-03-22,1,1,1.94444,-3.06261,6.9515")


def test_errors_name_the_file_column_and_spreadsheet_row(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,value\n2021-01-01,1\n2021-02-01,2\n2021-03-01,lots\n", encoding="utf-8")
    result = CliRunner().invoke(command, ["spc", str(bad)])
    assert result.exit_code == 1
    assert "bad.csv: value 'lots' in row 4 is not a number" in result.output

    result = CliRunner().invoke(command, ["spc", str(bad), "--value-column", "count"])
    assert result.exit_code == 1
    assert "column 'count' is missing; the file has: date, value" in result.output


def test_without_a_date_column_rebase_takes_a_spreadsheet_row(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("value\n" + "\n".join(str(v) for v in [1, 2] * 6 + [10, 11] * 6) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        command, ["spc", str(path), "--date-column", "", "--rebase-at", "14", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    segments = json.loads(result.output)["segments"]
    assert [s["start"] for s in segments] == [0, 12]
    assert [s["mean"] for s in segments] == [1.5, 10.5]
