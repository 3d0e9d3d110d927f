"""``saferhub framework load | export | import``."""

import pytest
from click.testing import CliRunner

from saferhub.cli import main
from saferhub.framework.models import Framework

pytestmark = pytest.mark.django_db


def test_load_essex_then_again_changes_nothing(essex_partnerships):
    first = CliRunner().invoke(main, ["framework", "load", "essex"])
    assert first.exit_code == 0, first.output
    assert "framework essex: " in first.output and "frameworks: 5 created" in first.output
    again = CliRunner().invoke(main, ["framework", "load", "essex"])
    assert again.exit_code == 0
    assert "frameworks: 0 created, 0 updated, 5 unchanged" in again.output
    assert "indicator values: 0 created, 0 updated" in again.output


def test_load_an_unknown_configuration_fails_with_one_line(essex_partnerships):
    result = CliRunner().invoke(main, ["framework", "load", "kent"])
    assert result.exit_code == 1
    assert "there is no built-in framework configuration called 'kent'; choose from: essex" in result.output


def test_load_before_the_partnerships_lists_what_is_missing(essex_geography):
    result = CliRunner().invoke(main, ["framework", "load", "essex"])
    assert result.exit_code == 1
    assert "nothing was loaded" in result.output
    assert "owner 'ecc-safer-communities' is not a partnership in the hub" in result.output
    assert Framework.objects.count() == 0


def test_export_then_import_under_another_slug(essex_partnerships, tmp_path):
    CliRunner().invoke(main, ["framework", "load", "essex"])
    for fmt in ("yaml", "xlsx"):
        path = tmp_path / f"csa.{fmt}"
        exported = CliRunner().invoke(main, ["framework", "export", "safer-essex-csa-2010-11", str(path)])
        assert exported.exit_code == 0, exported.output
        assert f"({fmt})" in exported.output
        imported = CliRunner().invoke(
            main, ["framework", "import", str(path), "--slug", f"csa-copy-{fmt}", "--owner", "basildon-csp"]
        )
        assert imported.exit_code == 0, imported.output
        copy = Framework.objects.get(slug=f"csa-copy-{fmt}")
        assert copy.owner.slug == "basildon-csp"
        assert copy.memberships.count() == Framework.objects.get(slug="safer-essex-csa-2010-11").memberships.count()


def test_import_of_a_bad_file_lists_each_problem_with_its_line(essex_partnerships, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "framework:\n  slug: bad\n  title: Bad\n  owner: safer-essex\n"
        "themes:\n  - title: T\n    indicators:\n"
        "      - {code: A, indicator: nope}\n      - {code: A, indicator: road-ksi}\n"
    )
    result = CliRunner().invoke(main, ["framework", "import", str(path)])
    assert result.exit_code == 1
    assert "nothing was loaded: 3 problem(s)" in result.output
    assert "bad.yaml, line 8: unknown indicator 'nope'" in result.output
    assert "bad.yaml, line 9: code 'A' is used twice in framework 'bad' (first at bad.yaml, line 8)" in result.output
    assert Framework.objects.count() == 0


def test_export_of_an_unknown_framework_fails(tmp_path, db):
    result = CliRunner().invoke(main, ["framework", "export", "nope", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1
    assert "there is no framework 'nope'" in result.output
