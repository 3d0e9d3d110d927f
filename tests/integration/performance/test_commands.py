"""``saferhub performance refresh``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from saferhub.cli import main
from saferhub.performance.models import IndicatorSummary
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db


def test_refresh_writes_summaries_and_says_how_many(essex_geography):
    builders.write_monthly(builders.make_indicator("all-crime"), count=3, codes=["E07000073", "E07000066"])
    result = CliRunner().invoke(main, ["performance", "refresh"])
    assert result.exit_code == 0, result.output
    assert "summaries written for 1 indicators" in result.output
    assert IndicatorSummary.objects.count() == IndicatorSummary.objects.values("area").distinct().count() > 0


def test_refresh_names_an_unknown_indicator_or_area(essex_geography):
    result = CliRunner().invoke(main, ["performance", "refresh", "--indicator", "no-such"])
    assert result.exit_code == 1 and "there is no indicator 'no-such'" in result.output
    result = CliRunner().invoke(main, ["performance", "refresh", "--area", "E07999999"])
    assert result.exit_code == 1 and "there is no area with the code 'E07999999'" in result.output
