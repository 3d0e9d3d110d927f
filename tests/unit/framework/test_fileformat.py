"""Framework files: YAML keeps the line of every item; XLSX round-trips the same schema, escaped."""

import io

import pytest
from openpyxl import load_workbook

from saferhub.core.errors import ValidationProblem
from saferhub.framework import fileformat

SAMPLE = """\
framework:
  slug: sample
  title: A sample plan
  owner: some-partnership
themes:
  - code: "1"
    title: Safer streets
    partners:
      - name: District councils
        contribution: "=HYPERLINK(\\"http://example.org\\")"
    indicators:
      - code: 1a
        indicator:
          slug: feel-safe
          title: Feel safe after dark
          value_type: percentage
          polarity_changes:
            - {from: 2017-04-01, polarity: lower_is_better, reason: later}
        targets:
          - {horizon: 1y, value: 60, wording: "+5 points"}
        baselines:
          - {period: 2013, value: 59, wording: "59%"}
        values:
          - {area: E10000012, period: "2013", value: 59, flags: [approximate]}
"""


def test_every_mapping_knows_its_line():
    spec = fileformat.read_yaml(SAMPLE, name="sample.yaml")
    member = spec["themes"][0]["indicators"][0]
    assert member.where == "sample.yaml, line 12"
    assert member.at("code") == "sample.yaml, line 12"
    assert member["targets"][0].where == "sample.yaml, line 20"
    assert spec["framework"].at("owner") == "sample.yaml, line 4"


def test_a_key_given_twice_is_refused_with_its_line():
    with pytest.raises(ValidationProblem) as exc:
        fileformat.read_yaml("framework:\n  slug: a\n  slug: b\n", name="f.yaml")
    assert str(exc.value) == "f.yaml, line 3: 'slug' is given twice in the same item"


def test_broken_yaml_names_the_line():
    with pytest.raises(ValidationProblem, match=r"f.yaml, line 3: is not valid YAML"):
        fileformat.read_yaml("framework:\n  slug: a\n   title: [unclosed\n", name="f.yaml")


def test_yaml_tags_that_build_objects_are_refused():
    with pytest.raises(ValidationProblem, match="is not valid YAML"):
        fileformat.read_yaml("framework: !!python/object/apply:os.system ['true']\n", name="f.yaml")


def test_a_file_that_is_not_a_mapping_is_refused():
    with pytest.raises(ValidationProblem, match=r"f\.yaml: is not a framework file"):
        fileformat.read_yaml("- just\n- a list\n", name="f.yaml")


def test_text_that_is_not_utf8_is_refused():
    with pytest.raises(ValidationProblem, match=r"f.yaml: is not UTF-8 text \(byte 10\)"):
        fileformat.read_yaml(b"framework:\xff\n", name="f.yaml")


def test_written_yaml_reads_back_as_the_same_specification():
    spec = fileformat.read_yaml(SAMPLE, name="sample.yaml")
    again = fileformat.read_yaml(fileformat.write_yaml(spec), name="again.yaml")
    assert _plain(again) == _plain(spec)


def test_xlsx_round_trip_keeps_the_specification():
    spec = fileformat.read_yaml(SAMPLE, name="sample.yaml")
    content = fileformat.write_xlsx(spec)
    again = fileformat.read_xlsx(content, name="sample.xlsx")
    # YAML reads 2013 as a number and dates as dates; the workbook keeps what it was given.
    assert _plain(again) == _plain(spec)
    target = again["themes"][0]["indicators"][0]["targets"][0]
    assert target.where == "sample.xlsx, sheet Targets, row 2"


def test_xlsx_escapes_text_a_spreadsheet_would_run_as_a_formula():
    spec = fileformat.read_yaml(SAMPLE, name="sample.yaml")
    workbook = load_workbook(io.BytesIO(fileformat.write_xlsx(spec)))
    partners = workbook["Partners"]
    cell = partners.cell(row=2, column=5)
    assert cell.value == '\'=HYPERLINK("http://example.org")'
    assert cell.data_type == "s"
    assert workbook["Targets"].cell(row=2, column=11).value == "'+5 points"


def test_xlsx_without_a_framework_sheet_is_refused():
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    with pytest.raises(ValidationProblem, match=r"x\.xlsx: has no sheet called Framework"):
        fileformat.read_xlsx(out.getvalue(), name="x.xlsx")


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(ValidationProblem, match=r"x.xlsx: is not an XLSX workbook"):
        fileformat.read_xlsx(b"not a zip", name="x.xlsx")


def test_xlsx_rows_for_an_unlisted_indicator_name_their_sheet_and_row():
    spec = fileformat.read_yaml(SAMPLE, name="sample.yaml")
    workbook = load_workbook(io.BytesIO(fileformat.write_xlsx(spec)))
    workbook["Values"].cell(row=2, column=1).value = "no-such-indicator"
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ValidationProblem) as exc:
        fileformat.read_xlsx(out.getvalue(), name="x.xlsx")
    assert str(exc.value) == (
        "x.xlsx, sheet Values, row 2: indicator 'no-such-indicator' is not on the Memberships sheet"
    )


def _plain(value):
    """Compare as plain data: numbers and dates as text, since a workbook may keep either."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v not in (None, "", [])}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def test_a_sheet_missing_a_column_is_refused_naming_the_sheet():
    spec = fileformat.read_yaml(SAMPLE, name="sample.yaml")
    workbook = load_workbook(io.BytesIO(fileformat.write_xlsx(spec)))
    workbook["Targets"].delete_cols(11)  # wording
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ValidationProblem) as exc:
        fileformat.read_xlsx(out.getvalue(), name="x.xlsx")
    assert str(exc.value) == "x.xlsx, sheet Targets, row 1: is missing the column wording"
