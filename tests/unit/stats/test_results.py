"""Shared result types: polarity strings and plain-dict rendering."""

from __future__ import annotations

import json

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.stats import Polarity, wilson


def test_polarity_accepts_the_strings_the_rest_of_the_hub_passes():
    assert Polarity.parse("higher_is_better") is Polarity.HIGHER_IS_BETTER
    assert Polarity.parse("lower_is_better").reversed() is Polarity.HIGHER_IS_BETTER
    assert Polarity.parse("no_judgement").reversed() is Polarity.NO_JUDGEMENT
    with pytest.raises(ValidationProblem, match="polarity 'up'"):
        Polarity.parse("up")


def test_results_render_to_plain_json():
    data = wilson([65], [100])[0].to_dict()
    assert json.loads(json.dumps(data))["method"] == "Wilson score"
    assert set(data) >= {"value", "lower", "upper", "confidence", "method"}
