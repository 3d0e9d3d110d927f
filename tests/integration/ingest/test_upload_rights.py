"""An upload replaces only what its partnership keeps (issue 14).

A district contributor uploaded the ordinary Essex street file for 2024-01 with one row edited to
say "Kent Police": the store replaced Kent's month with that one row and the other Essex areas'
records, while their indicator values stayed. Now such a file is refused, naming each force, month
and the areas that are not the partnership's, and neither the store nor a value changes.
"""

from __future__ import annotations

import csv

import pytest

from saferhub.ingest.problems import ImportRefused
from saferhub.ingest.services import police_uk_import
from saferhub.measures.models import IndicatorValue
from tests.integration.ingest.conftest import store_tree

pytestmark = pytest.mark.django_db

MONTH = "2024-01"


def _edited_essex_file(shared_data, tmp_path, *, kent_rows: int = 1):
    """The real Essex street file for January 2024, its first ``kent_rows`` rows saying Kent Police."""
    source = shared_data / "police-uk" / MONTH / f"{MONTH}-essex-street.csv"
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    falls_within = rows[0].index("Falls within")
    for row in rows[1 : 1 + kent_rows]:
        row[falls_within] = "Kent Police"
    path = tmp_path / f"{MONTH}-essex-street.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _values():
    return sorted(IndicatorValue.objects.values_list("indicator__slug", "area__code", "period_label", "value"))


@pytest.fixture
def imported(essex_partnerships, shared_data, record_store_per_test):
    """The operator's import of Essex's and Kent's January (from the command line: every force)."""
    folder = shared_data / "police-uk" / MONTH
    police_uk_import(paths=[folder / f"{MONTH}-essex-street.csv", folder / f"{MONTH}-kent-street.csv"])
    return essex_partnerships


def test_a_district_upload_that_would_replace_its_force_and_kent_is_refused_and_changes_nothing(
    imported, shared_data, tmp_path, record_store_per_test
):
    before_store, before_values = store_tree(record_store_per_test), _values()
    with pytest.raises(ImportRefused) as refused:
        police_uk_import(paths=[_edited_essex_file(shared_data, tmp_path)], partnership=imported["harlow-csp"])
    message = str(refused.value)
    assert "Essex Police street records for 2024-01 would be replaced, and they cover 13 areas" in message
    assert "Harlow Community Safety Partnership does not keep (Basildon, Braintree, Brentwood," in message
    assert "Kent Police street records for 2024-01 would be replaced" in message
    assert message.endswith("can import it; nothing was changed")
    assert store_tree(record_store_per_test) == before_store
    assert _values() == before_values


def test_a_county_partnership_cannot_replace_a_force_month_that_covers_two_unitaries_it_does_not_keep(
    imported, shared_data, tmp_path
):
    folder = shared_data / "police-uk" / MONTH
    with pytest.raises(ImportRefused, match=r"cover 2 areas Safer Essex .*\(Southend-on-Sea, Thurrock\)"):
        police_uk_import(paths=[folder / f"{MONTH}-essex-street.csv"], partnership=imported["safer-essex"], again=True)


def test_the_partnership_that_keeps_the_whole_force_area_may_replace_its_months(
    imported, shared_data, record_store_per_test
):
    folder = shared_data / "police-uk" / MONTH
    pcc = next(p for p in imported.values() if p.area is not None and p.area.code == "E23000028")
    outcome = police_uk_import(paths=[folder / f"{MONTH}-essex-street.csv"], partnership=pcc, again=True)
    assert outcome.stage.rows_accepted == 13_148  # the README's count of the file's rows
    assert outcome.stage.partitions["police-uk/street/2024-01/essex-police"]["assigned"] == 12_982
