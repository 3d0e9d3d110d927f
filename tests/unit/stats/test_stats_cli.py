"""``saferhub stats …`` reproduces the methods' published figures from the command line, and names bad cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from saferhub.stats_cli import command
from tests.unit.stats.fixtures import FIXTURES, PHE_SIGNIFICANCE, reference_csv, reference_json

VIGNETTE = reference_json("nhsrplotthedots.json")["deviations_vignette"]


def run(*args):
    return CliRunner().invoke(command, [str(a) for a in args])


def rows_of(output):
    return list(csv.DictReader(io.StringIO(output)))


@pytest.fixture
def vignette_csv(tmp_path):
    start = dt.date.fromisoformat(VIGNETTE["first_date"])
    lines = ["date,value"] + [f"{start + dt.timedelta(days=i)},{v}" for i, v in enumerate(VIGNETTE["data"])]
    path = tmp_path / "vignette.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- interval ---------------------------------------------------------------------------------------------


def test_a_wilson_interval_for_65_of_100_from_options():
    result = run("interval", "--kind", "proportion", "--numerator", 65, "--denominator", 100)
    assert result.exit_code == 0, result.output
    (row,) = rows_of(result.output)
    assert (round(float(row["lower_95"]), 5), round(float(row["upper_95"]), 5)) == (0.55254, 0.73636)
    assert row["method"] == "Wilson score"


def test_intervals_for_a_csv_with_renamed_columns_several_levels_and_a_missing_cell(tmp_path):
    path = write(
        tmp_path, "rates.csv", "area,cases,people\nHarlow,65,100000\nBasildon,,100000\n=HYPERLINK(x),5,20000\n"
    )
    result = run(
        "interval",
        path,
        "--kind",
        "rate",
        "--numerator-column",
        "cases",
        "--denominator-column",
        "people",
        "--group-column",
        "area",
        "--confidence",
        95,
        "--confidence",
        99.8,
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    assert [round(r["lower_95"], 4) for r in (rows[0],)] == [50.1632]  # METHODS.md: 65 → 50.1632–82.8491
    assert rows[0]["method"] == "Byar" and rows[2]["method"] == "exact Poisson"
    assert rows[1]["value"] is None and rows[1]["note"] == "not calculated: the numerator is missing in row 3"
    assert rows[0]["lower_99_8"] < rows[0]["lower_95"]
    csv_out = run(
        "interval",
        path,
        "--kind",
        "rate",
        "--numerator-column",
        "cases",
        "--denominator-column",
        "people",
        "--group-column",
        "area",
    ).output
    assert "'=HYPERLINK(x)" in csv_out  # a formula in a name stays text


def test_interval_errors_name_row_and_column(tmp_path):
    path = write(tmp_path, "bad.csv", "cases,people\n1,10\n2,10\nmany,10\n")
    result = run("interval", path, "--numerator-column", "cases", "--denominator-column", "people")
    assert result.exit_code == 1
    assert "bad.csv: row 4, column 'cases': 'many' is not a number" in result.output
    over = write(tmp_path, "over.csv", "cases,people\n1,10\n2,10\n12,10\n")
    result = run("interval", over, "--numerator-column", "cases", "--denominator-column", "people")
    assert "numerator 12 is larger than denominator 10 in row 4 (the numerator is column 'cases';" in result.output
    result = run("interval", over)
    assert "columns 'numerator', 'denominator' are missing; the file has: cases, people" in result.output
    result = run("interval", over, "--numerator-column", "cases")
    assert "column 'denominator' is missing; the file has: cases, people" in result.output


def test_means_by_group_match_phe(tmp_path):
    rows = [r for r in reference_csv("phe_mean_inputs.csv") if r["values"]]
    path = write(tmp_path, "m.csv", "group,value\n" + "".join(f"{r['area']},{r['values']}\n" for r in rows))
    result = run("interval", path, "--kind", "mean", "--format", "json")
    assert result.exit_code == 0, result.output
    got = {r["group"]: r for r in json.loads(result.output)["rows"]}
    for ref in reference_csv("phe_mean_results.csv")[:2]:
        assert got[ref["area"]]["lower_95"] == pytest.approx(float(ref["lower95_0cl"]), rel=1e-6)


# --- spc ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("flag", "key"), [("--screen", "screened"), ("--no-screen", "unscreened")])
def test_spc_reproduces_the_nhsrplotthedots_vignette_limits(vignette_csv, flag, key):
    result = run("spc", vignette_csv, flag, "--format", "json")
    assert result.exit_code == 0, result.output
    segment = json.loads(result.output)["segments"][0]
    got = [round(segment[k], 2) for k in ("lower_limit", "mean", "upper_limit")]
    assert got == [VIGNETTE[key]["lpl"], VIGNETTE[key]["mean"], VIGNETTE[key]["upl"]]


def test_spc_table_prints_limits_options_and_flags(vignette_csv):
    result = run("spc", vignette_csv, "--polarity", "lower_is_better", "--target", "3")
    assert result.exit_code == 0, result.output
    assert "screen outliers on" in result.output
    assert "-0.715556  1.94444    4.60444" in result.output
    assert "6      2021-03-26  10         outside_limits" in result.output
    assert "assurance: inconsistent" in result.output


def test_spc_for_many_series_gives_each_its_own_limits(tmp_path):
    data = VIGNETTE["data"]
    text = "group,value\n" + "".join(f"a,{v}\n" for v in data) + "".join(f"b,{v * 3}\n" for v in data)
    result = run("spc", write(tmp_path, "many.csv", text), "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = rows_of(result.output)
    assert round(float(rows[0]["upper_limit"]), 2) == VIGNETTE["screened"]["upl"]
    assert round(float(rows[-1]["upper_limit"]), 2) == pytest.approx(3 * 4.604444, abs=0.01)
    assert rows[4]["rule"] == "outside_limits" and rows[4]["group"] == "a"


def test_spc_without_a_date_column_rebases_at_a_spreadsheet_row(tmp_path):
    path = write(tmp_path, "plain.csv", "value\n" + "\n".join(str(v) for v in [1, 2] * 6 + [10, 11] * 6) + "\n")
    result = run("spc", path, "--date-column", "", "--group-column", "", "--rebase-at", "14", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [s["mean"] for s in json.loads(result.output)["segments"]] == [1.5, 10.5]


# --- funnel, trend, forecast, compare, sii, quantile -------------------------------------------------------


def test_funnel_reproduces_phe_significance_for_every_area():
    # The fixture's own "#" source lines are skipped; its rows keep their numbers.
    path = FIXTURES / "phe_funnel_prop_inputs.csv"
    result = run("funnel", path, "--multiplier", 100, "--group-column", "Area", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert round(document["baseline"], 6) == 80.642448
    expected = [PHE_SIGNIFICANCE[r["significance"]] for r in reference_csv("phe_funnel_prop_inputs.csv")]
    assert [r["outcome"] for r in document["rows"]] == expected
    assert document["rows"][0]["row"] == 4  # two source lines and the header come first


def test_funnel_shmi_phi_matches_funnelplotr(tmp_path):
    ref = reference_json("funnelplotr.json")["phi_example"]
    text = "observed,expected\n" + "".join(f"{o},{e}\n" for o, e in zip(ref["observed"], ref["expected"], strict=True))
    result = run("funnel", write(tmp_path, "o.csv", text), "--kind", "ratio", "--scale", "log", "--format", "json")
    assert round(json.loads(result.output)["phi"], 6) == ref["phi_6dp"]


def test_trend_reproduces_the_phe_workbook_figures(tmp_path):
    rows = [r for r in reference_csv("phe_trend_markers.csv") if r["sheet"] == "testdata_other_trends"]
    text = "period,value,lower,upper\n" + "".join(f"{r['Year']},{r['Value']},{r['LL']},{r['UL']}\n" for r in rows)
    result = run("trend", write(tmp_path, "t.csv", text), "--kind", "other", "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)["rows"]
    assert (row["outcome"], round(row["statistic"], 4), round(row["slope"], 4)) == ("decreasing", 46.7636, -1.7516)


def test_forecast_of_counts_is_never_negative_and_says_when_the_evidence_is_too_thin(tmp_path):
    text = "period,value\n2019,9\n2020,4\n2021,7\n2022,2\n2023,3\n"
    result = run(
        "forecast",
        write(tmp_path, "f.csv", text),
        "--horizon",
        3,
        "--frequency",
        "annual",
        "--kind",
        "count",
        "--ambition",
        2,
        "--polarity",
        "lower_is_better",
        "--due",
        "2026",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert all(r["lower"] >= 0 for r in document["rows"])
    assert document["target"]["status"] == "not_enough_evidence"
    assert document["target"]["date"] == "2026-01-01" or document["target"]["date"] == 2026


def test_compare_spc_for_rates_matches_fingertips(tmp_path):
    ref = reference_json("fingertips.json")["spc_for_rates"]
    text = "group,value,denominator\n" + "".join(f"{c['area']},{c['value']},{c['denominator']}\n" for c in ref["cases"])
    result = run(
        "compare",
        write(tmp_path, "c.csv", text),
        "--method",
        "spc-rate",
        "--benchmark",
        ref["benchmark"],
        "--polarity",
        "lower_is_better",
    )
    assert result.exit_code == 0, result.output
    assert [r["outcome"] for r in rows_of(result.output)] == [c["at_95"] for c in ref["cases"]]


def test_sii_reproduces_phe(tmp_path):
    records = [r for r in reference_csv("phe_sii.csv") if int(r["RecordNo"]) <= 20]
    text = "group,quantile,population,value,se\n" + "".join(
        f"{r['Area']},{r['Quantile']},{r['Population']},{r['Value']},{r['StandardError']}\n" for r in records
    )
    result = run("sii", write(tmp_path, "s.csv", text), "--format", "json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)["rows"]
    assert [round(r["sii"], 6) for r in got] == [
        round(float(records[0]["sii"]), 6),
        round(float(records[10]["sii"]), 6),
    ]


def test_quantile_reproduces_phe_quartiles(tmp_path):
    rows = [r for r in reference_csv("phe_quantiles.csv") if r["Test"].startswith("Good") and r["GroupSet"] == "None"]
    # one group for every row (PHE's test is ungrouped); a name column keeps rows with no value visible
    text = "group,value\n" + "".join(f"all,{r['Value']}\n" for r in rows)
    result = run("quantile", write(tmp_path, "q.csv", text), "--quantiles", 4)
    assert result.exit_code == 0, result.output
    assert [r["quantile"] for r in rows_of(result.output)] == [r["QuantileInGrp"] for r in rows]


def test_hostile_and_malformed_files_get_one_clear_line(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("numerator,denominator\n1,10\nCaf\xe9,2\n".encode("latin-1"))
    assert "latin.csv: the file is not UTF-8 text: save it as CSV UTF-8" in run("interval", latin).output
    twice = write(tmp_path, "twice.csv", "numerator,Numerator,denominator\n1,2,10\n")
    assert "names column 'Numerator' twice (columns 1 and 2)" in run("interval", twice).output
    ragged = write(tmp_path, "ragged.csv", "numerator,denominator\n1,10\n2,10,oops\n")
    assert "row 3 has 3 cells but the header has 2" in run("interval", ragged).output
    empty = write(tmp_path, "empty.csv", "numerator,denominator\n")
    assert "the file has a header but no data rows" in run("interval", empty).output
    infinite = write(tmp_path, "inf.csv", "numerator,denominator\n1,10\ninf,10\n")
    assert "row 3, column 'numerator': 'inf' is not a finite number" in run("interval", infinite).output
