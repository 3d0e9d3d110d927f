"""An indicator's ``computed:`` definition is checked with the rest of its file, named by file and
line when wrong, and stored on the indicator when right; the Essex plans carry theirs."""

import pytest
import yaml

from saferhub.framework.models import Indicator
from tests.integration.framework.test_essex_seeds import ESSEX
from tests.integration.framework.test_validation import GOOD, harlow, line_of, load, problems_of  # noqa: F401

pytestmark = pytest.mark.django_db

COMPUTED = """\
          value_type: count
          computed:
            source: police-uk
            dataset: street
            kinds: [asb]
            unit: count
            period_type: month
"""


def test_a_computed_definition_is_stored_on_its_indicator(harlow):  # noqa: F811
    load(GOOD.replace("          value_type: count\n", COMPUTED))
    stored = Indicator.objects.get(slug="harlow-asb").computed
    assert stored == {
        "source": "police-uk",
        "dataset": "street",
        "kinds": ["asb"],
        "unit": "count",
        "period_type": "month",
    }
    assert Indicator.objects.get(slug="harlow-feel-safe").computed == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("period_type: month", "period_type 'fortnight' is not one of month"),
        ("dataset: street", "dataset 'casualty' is not one of street, outcomes"),
        ("unit: count", "a rate per 1000 needs denominator: population"),
    ],
)
def test_a_bad_computed_definition_is_refused_naming_its_line_and_field(harlow, change, message):  # noqa: F811
    wrong = {
        "period_type: month": "period_type: fortnight",
        "dataset: street": "dataset: casualty",
        "unit: count": "unit: rate_per_1000",
    }[change]
    text = GOOD.replace("          value_type: count\n", COMPUTED.replace(change, wrong))
    (problem,) = problems_of(text)
    assert problem.startswith(f"plan.yaml, line {line_of(text, 'computed:')}")
    assert message in problem


def test_the_essex_plans_store_every_computed_definition_they_give(essex_frameworks):
    given = {}
    for path in ESSEX.iterdir():
        if path.name.endswith(".yaml"):
            text = path.read_text(encoding="utf-8")
            for node in yaml.safe_load_all(text):
                _collect(node, given)
    assert {"asb-rate", "road-ksi", "criminal-damage"} <= set(given)
    stored = dict(Indicator.objects.filter(slug__in=given).values_list("slug", "computed"))
    for slug, definition in given.items():
        assert stored[slug]["source"] == definition["source"]
        assert stored[slug]["period_type"] == definition["period_type"]
        assert stored[slug].get("filters", {}) == definition.get("filters", {})


def _collect(node, found):
    if isinstance(node, dict):
        if "slug" in node and isinstance(node.get("computed"), dict):
            found[node["slug"]] = node["computed"]
        for value in node.values():
            _collect(value, found)
    elif isinstance(node, list):
        for value in node:
            _collect(value, found)
