"""The published reference data load as the seeds print them, idempotently, and bad files change
nothing and say where and what is wrong."""

from __future__ import annotations

import re

import pytest

from saferhub.assessment.harm_loader import harm_index_load
from saferhub.assessment.loaders import (
    assessment_essex_load,
    builtin_text,
    priority_matrix_load,
    unit_costs_load,
)
from saferhub.assessment.models import (
    HarmIndex,
    HarmWeight,
    ListedIndicator,
    MatrixCell,
    PriorityList,
    PriorityMatrix,
    UnitCost,
    UnitCostSet,
)
from saferhub.core.errors import ValidationProblem

pytestmark = pytest.mark.django_db


def annex_a_from_seed(text: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    """Annex A read straight from seed 002: the header row starts "CSP District<TAB>Anti-Social",
    then one tab-separated row per partnership until the blank line."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("CSP District\tAnti"))
    themes = lines[start].split("\t")[1:]
    rows: dict[str, dict[str, str]] = {}
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        cells = line.split("\t")
        rows[cells[0]] = {theme: cell.strip() for theme, cell in zip(themes, cells[1:], strict=True)}
    return themes, rows


def test_every_cell_of_annex_a_is_as_the_seed_prints_it(essex_partnerships, seed_text):
    assessment_essex_load()
    themes, rows = annex_a_from_seed(seed_text("002"))
    matrix = PriorityMatrix.objects.get(slug="essex-pcc-annex-a-2013")
    assert [t.label for t in matrix.themes.order_by("position")] == themes
    assert [r.label for r in matrix.rows.order_by("position")] == list(rows)
    assert len(themes) == 18 and len(rows) == 15  # 12 districts, 2 unitaries and Safer Essex
    stored = {
        (c.row.label, c.theme.label): c
        for c in MatrixCell.objects.filter(row__matrix=matrix).select_related("row", "theme")
    }
    assert len(stored) == 15 * 18
    for row, cells in rows.items():
        for theme, printed in cells.items():
            cell = stored[(row, theme)]
            assert cell.marked == bool(printed), (row, theme)
            assert cell.mark == printed, (row, theme)
    vawg = stored[("Thurrock", "Domestic Abuse and Violence")]
    assert vawg.mark == "✓ ⁺⁺" and vawg.note == "Violence against women and girls (VAWG)"
    assert "Data updated March 2013" in matrix.footnotes


def test_annex_a_rows_are_linked_to_the_hubs_partnerships_and_areas(essex_partnerships):
    assessment_essex_load()
    matrix = PriorityMatrix.objects.get(slug="essex-pcc-annex-a-2013")
    linked = {r.label: (r.partnership.slug, r.area.code) for r in matrix.rows.select_related("partnership", "area")}
    assert linked["Castlepoint"] == ("castle-point-csp", "E07000069")
    assert linked["Southend"] == ("southend-csp", "E06000033")
    assert linked["Safer Essex"] == ("safer-essex", "E10000012")
    harlow = matrix.rows.get(label="Harlow")
    assert harlow.priorities_text == "Domestic abuse, dwelling burglary, assaults and ASB"
    assert "priority matrix" in harlow.comments_text


def table_1_from_seed(text: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("Priority/Indicator\t"))
    out: list[tuple[str, list[tuple[str, str, str]]]] = []
    for line in lines[start + 1 :]:
        if line.startswith("Each CSP"):
            break
        if not line.strip():
            continue
        title, ni, leads = line.split("\t")
        if re.match(r"^\d\. ", title) and not ni and not leads:
            out.append((title, []))
        else:
            out[-1][1].append((title, ni, leads))
    return out


def test_table_1_of_the_community_safety_agreement_is_as_the_seed_prints_it(essex_partnerships, seed_text):
    assessment_essex_load()
    plist = PriorityList.objects.get(slug="safer-essex-csa-2010-11")
    stored = [
        (
            f"{p.number}. {p.title}",
            [(i.title, i.national_indicator, i.leads) for i in p.indicators.order_by("position")],
        )
        for p in plist.priorities.order_by("number")
    ]
    assert stored == table_1_from_seed(seed_text("001"))
    assert ListedIndicator.objects.filter(priority__priority_list=plist).count() == 16


def test_loading_twice_changes_nothing(essex_partnerships):
    first = assessment_essex_load()
    assert first.created == 2 + 6  # two tables and six unit cost sets
    ids = sorted(MatrixCell.objects.values_list("pk", flat=True))
    second = assessment_essex_load()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 8)
    assert sorted(MatrixCell.objects.values_list("pk", flat=True)) == ids


def test_a_changed_file_replaces_the_matrix_and_says_so(essex_partnerships):
    assessment_essex_load()
    text = builtin_text("annex_a_2013.yaml").replace('      - "Road Safety"\n', "", 1)
    summary = priority_matrix_load(text=text, where="edited.yaml")
    assert summary.updated == 1
    cell = MatrixCell.objects.get(row__label="Uttlesford", theme__label="Road Safety")
    assert cell.marked is False


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ('      - "Road Safety"\n', '      - "Road Safty"\n'),
            r"row 14 \(Uttlesford\): marked theme 'Road Safty' is not one of the 18 themes",
        ),
        (
            ("    partnership: harlow-csp\n", "    partnership: harlow-cdrp\n"),
            r"row 8 \(Harlow\): partnership 'harlow-cdrp' is not in the hub",
        ),
        (('  - label: "Robbery"\n', '  - label: "Shoplifting"\n'), r"theme 11: theme 'Shoplifting' is listed twice"),
        (("slug: essex-pcc-annex-a-2013", "slug: Essex Annex A"), r"slug 'Essex Annex A' must be lower-case"),
        (("themes:\n", "themes: [\n"), r"is not valid YAML"),
    ],
)
def test_a_bad_matrix_file_is_refused_with_where_and_what_and_changes_nothing(essex_partnerships, edit, message):
    assessment_essex_load()
    before = list(MatrixCell.objects.order_by("pk").values_list("pk", "marked", "mark"))
    text = builtin_text("annex_a_2013.yaml").replace(*edit, 1)
    with pytest.raises(ValidationProblem, match=message):
        priority_matrix_load(text=text, where="bad.yaml")
    assert list(MatrixCell.objects.order_by("pk").values_list("pk", "marked", "mark")) == before


def test_the_unit_costs_are_the_cited_figures_with_their_price_years(essex_partnerships):
    assessment_essex_load()
    # House of Commons written answer, 13 July 1999: 1997 prices.
    dft = UnitCostSet.objects.get(slug="dft-casualty-values-1997")
    assert dft.price_year == "1997" and dft.url.startswith("https://api.parliament.uk/")
    assert {c.key: int(c.value) for c in dft.costs.all()} == {
        "fatal-casualty": 902_500,
        "serious-casualty": 102_880,
        "slight-casualty": 7_970,
    }
    # Seed 000 quotes "each fatal casualty costs £1.65m on average" without a price year.
    essex = UnitCostSet.objects.get(slug="ecc-strategy-fatal-casualty")
    assert essex.price_year == "" and int(essex.costs.get().value) == 1_650_000
    secondary = UnitCostSet.objects.exclude(quoted_in="").values_list("slug", flat=True)
    assert "home-office-costs-of-crime-2018" in secondary


def test_a_bad_unit_cost_is_refused_and_nothing_is_written(db):
    text = """sets:
  - slug: good
    title: Good
    publisher: P
    costs: [{key: a, label: A, per: crime, value: "10"}]
  - slug: bad
    title: Bad
    publisher: P
    costs: [{key: b, label: B, per: crime, value: "ten pounds"}]
"""
    with pytest.raises(ValidationProblem, match=r"set 2 \(bad\), cost 1: value 'ten pounds' is not an amount"):
        unit_costs_load(text=text, where="costs.yaml")
    assert not UnitCostSet.objects.exists() and not UnitCost.objects.exists()


# --- harm indices ------------------------------------------------------------------------------------

HARM_HEADER = "offence_code,offence,weight,police_uk_category,volume\n"


def load_harm(path, **kw):
    args = {
        "slug": "test-index",
        "title": "A test weighting",
        "publisher": "Test",
        "year": "2024",
        "unit": "days of imprisonment",
    }
    return harm_index_load(path=path, **{**args, **kw})


def test_a_harm_index_is_loaded_with_its_source_and_category_weights(db, tmp_path):
    path = tmp_path / "weights.csv"
    path.write_text(
        HARM_HEADER
        + "28,Burglary in a dwelling,400,Burglary,30\n30,Burglary in a building other than a dwelling,100,Burglary,70\n"
        "34A,Robbery of personal property,800,Robbery,\n99,An offence with no crime type,5,,\n",
        encoding="utf-8",
    )
    summary = load_harm(path)
    index = HarmIndex.objects.get(slug="test-index")
    assert index.year == "2024" and index.file_name == "weights.csv" and len(index.file_sha256) == 64
    assert HarmWeight.objects.filter(index=index).count() == 4
    assert summary.notes == ["1 offences name no police.uk crime type and are left out of its weights"]
    again = load_harm(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("offence,score\nX,1\n", r"missing the column weight \(found: offence, score\)"),
        (HARM_HEADER + "1,Theft,12\n2,Fraud,lots\n", r"row 3, column weight: is not a number"),
        (HARM_HEADER + "1,Theft,-3\n", r"row 2, column weight: must be zero or more"),
        (HARM_HEADER + "1,Theft,3\n1,Theft,4\n", r"row 3: offence 'Theft' \(code 1\) is listed twice"),
        (HARM_HEADER + "1,Theft,3,Other theft\n2,Fraud,4,Other theft\n", r"'Other theft' but not all give a volume"),
        (HARM_HEADER + "1,Theft\x07,3\n", r"row 2: column offence has control characters"),
        (HARM_HEADER, r"has a header but no rows"),
        (HARM_HEADER + "1,Theft,3,Other theft,5,extra\n", r"row 2: has more cells than the header"),
    ],
)
def test_a_bad_harm_file_is_refused_with_row_and_column_and_nothing_is_written(db, tmp_path, content, message):
    path = tmp_path / "weights.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationProblem, match=message):
        load_harm(path)
    assert not HarmIndex.objects.exists()


def test_a_harm_file_that_is_not_utf8_or_missing_is_refused(db, tmp_path):
    path = tmp_path / "weights.csv"
    path.write_bytes((HARM_HEADER + "1,Théft,3\n").encode("cp1252"))
    with pytest.raises(ValidationProblem, match="is not UTF-8 text"):
        load_harm(path)
    with pytest.raises(ValidationProblem, match="file not found"):
        load_harm(tmp_path / "nothing.csv")
    with pytest.raises(ValidationProblem, match="url 'javascript:alert"):
        load_harm(path, url="javascript:alert(1)")
