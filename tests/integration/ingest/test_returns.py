"""Partner returns and surveys: values with sample sizes, templates, previews, escaped exports."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from saferhub.framework.models import Indicator
from saferhub.ingest.models import Import
from saferhub.ingest.problems import ImportRefused
from saferhub.ingest.selectors import returns_template
from saferhub.ingest.services import import_confirm, import_rejections_csv, returns_import
from saferhub.measures.models import IndicatorValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicators(essex_geography):
    return {
        "safe": Indicator.objects.create(slug="feeling-safe", title="Feel safe after dark", value_type="percentage"),
        "count": Indicator.objects.create(slug="hate-incidents", title="Hate incidents", value_type="count"),
    }


def test_a_survey_keeps_its_sample_size_so_its_interval_is_right(indicators, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(
        "indicator,area_code,period,numerator,denominator,value,note\n"
        "feeling-safe,E07000073,2023,65,100,,residents survey wave 3\n"
        "feeling-safe,E07000066,2023,,400,58,\n"
    )
    outcome = returns_import(paths=[path])
    harlow = IndicatorValue.objects.get(indicator__slug="feeling-safe", area__code="E07000073")
    # Wilson 95% for 65/100 (METHODS.md): 55.254–73.636
    assert harlow.value == pytest.approx(65.0)
    assert (round(harlow.lower_95, 3), round(harlow.upper_95, 3)) == (55.254, 73.636)
    assert harlow.source_import == outcome.import_run and harlow.source_note == "residents survey wave 3"
    basildon = IndicatorValue.objects.get(indicator__slug="feeling-safe", area__code="E07000066")
    assert (basildon.numerator, basildon.denominator) == (232, 400)  # derived from 58% of 400


def test_an_excel_return_is_read_by_column_name(indicators, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Area code", "Indicator", "Period", "Value"])
    book.active.append(["E07000073", "hate-incidents", "2023/24", 14])
    book.save(tmp_path / "return.xlsx")
    returns_import(paths=[tmp_path / "return.xlsx"])
    value = IndicatorValue.objects.get(indicator__slug="hate-incidents")
    assert (value.period_label, value.value, value.period_kind) == ("2023/24", 14.0, "financial_year")


def test_rows_without_figures_are_skipped_so_a_template_can_be_partly_filled(indicators, tmp_path):
    content, name = returns_template(indicator_slug="hate-incidents")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:4] == ["indicator", "area_code", "area_name", "period"] and len(rows) == 1 + 14
    rows[1][3], rows[1][6] = "2023", "9"
    path = tmp_path / name
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    outcome = returns_import(paths=[path])
    assert outcome.stage.rows_accepted == 1 and "13 rows had no figures" in outcome.stage.notes[0]


def test_the_excel_template_opens_with_the_indicator_described(indicators, tmp_path):
    content, name = returns_template(indicator_slug="feeling-safe", fmt="xlsx")
    (tmp_path / name).write_bytes(content)
    book = openpyxl.load_workbook(tmp_path / name)
    assert [c.value for c in book["return"][1]][:3] == ["indicator", "area_code", "area_name"]
    assert "Feel safe after dark" in book["about"]["A1"].value


def test_a_preview_shows_new_changed_and_unchanged_values_before_anything_is_written(indicators, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text(
        "indicator,area_code,period,value\nhate-incidents,E07000073,2023,5\nhate-incidents,E07000066,2023,7\n"
    )
    returns_import(paths=[first])
    second = tmp_path / "b.csv"
    second.write_text(
        "indicator,area_code,period,value\nhate-incidents,E07000073,2023,5\nhate-incidents,E07000066,2023,8\n"
        "hate-incidents,E07000067,2023,2\n"
    )
    staged = returns_import(paths=[second], confirm=False)
    assert staged.awaiting_confirmation and staged.values == {"new": 1, "changed": 1, "unchanged": 1}
    assert IndicatorValue.objects.get(indicator__slug="hate-incidents", area__code="E07000066").value == 7
    done = import_confirm(import_run=Import.objects.get(pk=staged.import_run.pk))
    assert done.values == {"new": 1, "changed": 1, "unchanged": 1}
    assert IndicatorValue.objects.get(indicator__slug="hate-incidents", area__code="E07000066").value == 8


def test_rejected_rows_download_as_csv_with_formulas_escaped(indicators, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('indicator,area_code,period,value\n=HYPERLINK("http://x"),E07000073,2023,5\n')
    with pytest.raises(ImportRefused):
        returns_import(paths=[path])
    run = Import.objects.latest("id")
    rows = list(csv.reader(io.StringIO(import_rejections_csv(import_run=run))))
    assert rows[0] == ["file", "row", "column", "value", "reason"]
    assert rows[1][:4] == ["bad.csv", "2", "indicator", '\'=HYPERLINK("http://x")']


def test_formula_looking_text_is_stored_as_text(essex_geography, tmp_path, store):
    from saferhub.ingest.services import police_uk_import
    from tests.integration.ingest.conftest import street_file, street_row

    police_uk_import(paths=[street_file(tmp_path, [street_row(location="=cmd|' /C calc'!A0")])])
    assert store.grouped_counts(by=["location"]) == [("=cmd|' /C calc'!A0", 1)]


def test_a_district_partnership_cannot_return_figures_for_the_force_area(indicators, tmp_path):
    """Harlow's partnership answers for Harlow; the force area's figures are the force's to give."""
    from saferhub.geography.models import Area
    from tests.factories import PartnershipFactory

    harlow = PartnershipFactory(slug="harlow-returns", name="Harlow CSP", area=Area.objects.get(code="E07000073"))
    path = tmp_path / "return.csv"
    path.write_text(
        "indicator,area_code,period,value\nhate-incidents,E07000073,2023/24,14\nhate-incidents,E23000028,2023/24,900\n"
    )
    with pytest.raises(ImportRefused) as refused:
        returns_import(paths=[path], partnership=harlow)
    assert str(refused.value) == (
        "return.csv, row 3, column area_code: is not one of Harlow CSP's areas; expected one of E07000073 "
        "(nothing was imported)"
    )
    assert not IndicatorValue.objects.filter(indicator__slug="hate-incidents").exists()


@pytest.mark.parametrize("figure", ["1e308", "-1e13", "inf", "nan"])
def test_a_figure_no_partnership_could_report_is_refused(indicators, tmp_path, figure):
    path = tmp_path / "return.csv"
    path.write_text(f"indicator,area_code,period,value\nhate-incidents,E07000073,2023/24,{figure}\n")
    with pytest.raises(ImportRefused, match=r"row 2, column value: is not a number below 1,000,000,000,000"):
        returns_import(paths=[path])
    assert not IndicatorValue.objects.exists()


def test_twenty_thousand_breakdowns_are_refused_and_nothing_is_written(indicators, tmp_path):
    path = tmp_path / "return.csv"
    rows = "".join(f"hate-incidents,E07000073,2023/24,1,case {n}\n" for n in range(20_000))
    path.write_text("indicator,area_code,period,value,breakdown\n" + rows)
    with pytest.raises(ImportRefused) as refused:
        returns_import(paths=[path])
    assert "row 202, column breakdown: would be breakdown number 201 of hate-incidents" in str(refused.value)
    assert refused.value.total == 19_800 and not IndicatorValue.objects.exists()


def test_a_breakdown_longer_than_the_hub_keeps_is_refused(indicators, tmp_path):
    path = tmp_path / "return.csv"
    path.write_text(
        "indicator,area_code,period,value,breakdown\nhate-incidents,E07000073,2023/24,1," + "b" * 500 + "\n"
    )
    with pytest.raises(ImportRefused, match="column breakdown: is 500 characters; at most 120 are kept"):
        returns_import(paths=[path])
