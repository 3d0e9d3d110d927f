"""``saferhub governance load-essex`` and ``link-indicators``."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from saferhub.cli import main

pytestmark = pytest.mark.django_db


def test_load_essex_reports_what_it_did_and_what_it_could_not_link(essex_partnerships):
    first = CliRunner().invoke(main, ["governance", "load-essex"])
    assert first.exit_code == 0, first.output
    assert re.match(r"governance essex: \d+ created, 0 updated, 0 unchanged\n", first.output)
    assert "  actions agreed: 15 created, 0 updated, 0 unchanged\n" in first.output
    assert "monitored indicators linked to the framework: 0" in first.output
    assert "not linked yet (21;" in first.output
    again = CliRunner().invoke(main, ["governance", "load-essex"])
    assert again.output.startswith("governance essex: 0 created, 0 updated, ")
    assert "  actions agreed: 0 created, 0 updated, 15 unchanged\n" in again.output


def test_load_essex_without_the_organisations_is_one_clear_line(essex_geography):
    result = CliRunner().invoke(main, ["governance", "load-essex"])
    assert result.exit_code == 1
    assert "saferhub: error: governance/data/essex.yaml: organisations or partnerships" in result.output
    assert "run `saferhub accounts load-essex` first" in result.output


def test_link_indicators_lists_the_unlinked(essex_partnerships):
    from saferhub.framework.models import Indicator

    CliRunner().invoke(main, ["governance", "load-essex"])
    Indicator.objects.create(slug="ksi", title="People killed or seriously injured", national_indicator_ref="NI 47")
    result = CliRunner().invoke(main, ["governance", "link-indicators"])
    assert result.exit_code == 0
    assert result.output.startswith("linked: 1; not linked: 20")
    assert "not linked: Serious violent crime (NI 15)" in result.output
