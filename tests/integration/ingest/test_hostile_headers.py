"""A header row no spreadsheet would make is refused with its file, row and column, not a traceback."""

from __future__ import annotations

import pytest

from saferhub.ingest.models import Import
from saferhub.ingest.problems import ImportRefused
from saferhub.ingest.services import police_uk_import, returns_import

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("importer", [police_uk_import, returns_import], ids=["police-uk", "returns"])
def test_a_header_cell_beyond_pythons_csv_limit_is_refused_by_row(essex_geography, tmp_path, importer):
    path = tmp_path / "2024-01-essex-street.csv"
    path.write_text("Crime ID," + "X" * 200_000 + ",Month\n1,2,3\n")
    with pytest.raises(ImportRefused) as refused:
        importer(paths=[path])
    assert str(refused.value).startswith(
        "2024-01-essex-street.csv, row 1: the header row cannot be read as CSV (field larger than field limit"
    )
    assert Import.objects.get().status == Import.Status.REJECTED


def test_a_column_name_thousands_of_characters_long_is_refused_naming_the_column(essex_geography, tmp_path):
    path = tmp_path / "return.csv"
    path.write_text("indicator,area_code," + "period" * 1000 + ",value\nx,E07000073,2023,1\n")
    with pytest.raises(ImportRefused, match=r"return\.csv, row 1: column 3 of the header row is 6,000 characters long"):
        returns_import(paths=[path])
