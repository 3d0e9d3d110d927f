"""``saferhub import …`` and ``saferhub records counts`` for analysts."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from saferhub.cli import main
from tests.integration.ingest.conftest import street_file, street_row

pytestmark = pytest.mark.django_db


def test_import_prints_a_summary_and_records_counts_gives_csv(essex_geography, tmp_path):
    path = street_file(tmp_path, [street_row(), street_row(location="B", crime_type="Anti-social behaviour")])
    runner = CliRunner()
    result = runner.invoke(main, ["import", "police-uk", str(path)])
    assert result.exit_code == 0, result.output
    assert "committed" in result.output and "rows read: 2, accepted: 2" in result.output
    assert "indicator values:" in result.output
    counts = runner.invoke(
        main, ["records", "counts", "--source", "police-uk", "--by", "area,month,type", "--format", "csv"]
    )
    assert counts.exit_code == 0, counts.output
    assert counts.output.splitlines() == [
        "area,month,type,records",
        "E07000066,2024-01,Anti-social behaviour,1",
        "E07000066,2024-01,Burglary,1",
    ]


def test_a_refused_import_exits_non_zero_naming_the_problem(essex_geography, tmp_path):
    path = street_file(tmp_path, [street_row(lat="north")])
    result = CliRunner().invoke(main, ["import", "police-uk", str(path)])
    assert result.exit_code == 1
    assert "2024-01-essex-street.csv, row 2, column Latitude: is not a number" in result.output


def test_preview_then_confirm_from_the_command_line(essex_geography, tmp_path):
    from saferhub.ingest.models import Import

    path = street_file(tmp_path, [street_row()])
    runner = CliRunner()
    staged = runner.invoke(main, ["import", "police-uk", str(path), "--preview"])
    assert "staged (preview; not yet committed)" in staged.output
    run = Import.objects.get()
    done = runner.invoke(main, ["import", "confirm", str(run.pk)])
    assert done.exit_code == 0 and "committed" in done.output
    listing = runner.invoke(main, ["import", "list"])
    assert "committed" in listing.output and "2024-01-essex-street.csv" in listing.output
