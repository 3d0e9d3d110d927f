"""A framework file is checked completely before anything is written: every problem is named with
its file and line, and nothing is loaded."""

import textwrap

import pytest

from saferhub.framework import fileformat
from saferhub.framework.fileformat import FileProblems
from saferhub.framework.models import Framework, Indicator, IndicatorMembership, Target
from saferhub.framework.services import framework_specs_load
from saferhub.measures.models import IndicatorValue
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

GOOD = """\
framework:
  slug: harlow-plan
  title: Harlow community safety plan
  owner: harlow-csp
  area: E07000073
themes:
  - code: "1"
    title: Feeling safe
    indicators:
      - code: 1a
        indicator:
          slug: harlow-feel-safe
          title: Residents who feel safe after dark
          value_type: percentage
          polarity: higher_is_better
        targets:
          - {horizon: 1y, value: 45, direction: increase, wording: "45% in a year"}
        values:
          - {area: E07000073, period: "2013", value: 37}
      - code: 1b
        indicator:
          slug: harlow-asb
          title: Anti-social behaviour incidents
          value_type: count
"""


@pytest.fixture
def harlow(essex_geography):
    return PartnershipFactory(slug="harlow-csp", name="Harlow CSP", area=essex_geography["E07000073"])


def load(text, name="plan.yaml"):
    return framework_specs_load(specs=[(name, fileformat.read_yaml(textwrap.dedent(text), name=name))])


def line_of(text, fragment, occurrence=1):
    """The line number (from 1) where ``fragment`` occurs for the n-th time."""
    lines = [i for i, line in enumerate(textwrap.dedent(text).splitlines(), start=1) if fragment in line]
    return lines[occurrence - 1]


def problems_of(text, name="plan.yaml"):
    with pytest.raises(FileProblems) as exc:
        load(text, name)
    assert Framework.objects.count() == 0
    assert Indicator.objects.count() == 0
    assert IndicatorValue.objects.count() == 0
    return exc.value.lines()


def test_a_good_file_loads(harlow):
    summary = load(GOOD)
    assert summary.loaded == ["harlow-plan"]
    assert IndicatorMembership.objects.filter(framework__slug="harlow-plan").count() == 2
    assert Target.objects.get().wording == "45% in a year"
    assert IndicatorValue.objects.get().value == 37


def test_an_unknown_indicator_is_refused_naming_its_line(harlow):
    text = GOOD.replace(
        "      - code: 1b\n", "      - code: 1c\n        indicator: no-such-indicator\n      - code: 1b\n"
    )
    assert problems_of(text) == [
        f"plan.yaml, line {line_of(text, 'no-such-indicator')}: unknown indicator 'no-such-indicator': it is not "
        "defined in this file, in the files loaded with it, or in the hub's catalogue"
    ]


def test_a_duplicate_code_is_refused_naming_its_line(harlow):
    text = GOOD.replace("      - code: 1b\n", "      - code: 1a\n")
    (problem,) = problems_of(text)
    assert problem == (
        f"plan.yaml, line {line_of(text, 'code: 1a', 2)}: code '1a' is used twice in framework 'harlow-plan' "
        f"(first at plan.yaml, line {line_of(text, 'code: 1a')})"
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("E0700007", "area: 'E0700007' is not an ONS GSS code: expected a letter and eight digits, such as E07000073"),
        ("E07000099", "area E07000099 is not an area in the hub (load its geography first)"),
        ("X99", "area: 'X99' is not an ONS GSS code"),
    ],
)
def test_a_bad_area_code_is_refused_naming_its_line(harlow, code, message):
    text = GOOD.replace("{area: E07000073, period", f"{{area: {code}, period")
    (problem,) = problems_of(text)
    assert problem.startswith(f"plan.yaml, line {line_of(text, f'area: {code}, period')}: {message}")


def test_every_problem_is_listed_not_only_the_first(harlow):
    text = (
        GOOD.replace("      - code: 1b\n", "      - code: 1a\n")
        .replace("{area: E07000073, period", "{area: E07000099, period")
        .replace("owner: harlow-csp", "owner: nobody")
    )
    problems = problems_of(text)
    assert len(problems) == 3
    assert any("owner 'nobody' is not a partnership in the hub" in p for p in problems)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("value: 37}", "value: -5}"), "value -5 is negative"),
        (("value: 37}", "numerator: 12, denominator: 10}"), "numerator 12 is larger than denominator 10"),
        (("value: 37}", "value: lots}"), "value 'lots' is not a number"),
        (('period: "2013"', 'period: "2013-13"'), "period: '2013-13' is not a real date"),
        (('period: "2013"', 'period: "2009/11"'), "period: '2009/11' is not a financial year"),
        (("value: 45, direction", "kind: value, direction"), "a target of kind 'value' needs a value"),
        (("horizon: 1y", "horizon: date"), "a target with horizon 'date' needs a target_date"),
        (("horizon: 1y", "horizon: 7y"), "horizon '7y' is not one of"),
        (("value_type: percentage", "value_type: percent"), "value_type 'percent' is not one of"),
        (("value: 45,", "value: 145,"), "target value 145 is more than 100%"),
        (("polarity: higher_is_better", "colour: red"), "'colour' is not a field of an indicator"),
        (("slug: harlow-feel-safe", "slug: Harlow Feel Safe"), "slug 'Harlow Feel Safe' is not a slug"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_loaded(harlow, change, message):
    text = GOOD.replace(*change)
    assert text != GOOD
    problems = problems_of(text)
    assert any(message in p for p in problems), problems
    assert all(p.startswith("plan.yaml, line ") for p in problems)


def test_a_title_longer_than_allowed_is_refused(harlow):
    text = GOOD.replace("title: Harlow community safety plan", "title: " + "x" * 400)
    (problem,) = problems_of(text)
    assert (
        problem
        == f"plan.yaml, line {line_of(GOOD, 'title: Harlow')}: title is 400 characters long; the most allowed is 300"
    )


def test_an_indicator_defined_in_two_files_is_refused(harlow):
    other = GOOD.replace("slug: harlow-plan", "slug: harlow-plan-two").replace("code: 1b", "code: 2b")
    specs = [
        ("one.yaml", fileformat.read_yaml(GOOD, name="one.yaml")),
        ("two.yaml", fileformat.read_yaml(other, name="two.yaml")),
    ]
    with pytest.raises(FileProblems) as exc:
        framework_specs_load(specs=specs)
    assert any(
        "indicator 'harlow-feel-safe' is defined twice (first at one.yaml, line" in line for line in exc.value.lines()
    )
    assert Framework.objects.count() == 0


def test_a_file_may_list_an_indicator_another_file_of_the_same_load_defines(harlow):
    other = textwrap.dedent(
        """\
        framework:
          slug: harlow-board-list
          title: Board list
          owner: harlow-csp
        themes:
          - title: Everything
            indicators:
              - {code: LI 1, indicator: harlow-asb}
        """
    )
    framework_specs_load(
        specs=[
            ("board.yaml", fileformat.read_yaml(other, name="board.yaml")),
            ("plan.yaml", fileformat.read_yaml(GOOD, name="plan.yaml")),
        ]
    )
    assert set(IndicatorMembership.objects.filter(indicator__slug="harlow-asb").values_list("code", flat=True)) == {
        "1b",
        "LI 1",
    }


def test_hostile_text_is_stored_as_text(harlow):
    text = GOOD.replace("title: Residents who feel safe after dark", "title: \"<script>alert('x')</script>\"")
    load(text)
    assert Indicator.objects.get(slug="harlow-feel-safe").title == "<script>alert('x')</script>"


def test_a_control_character_is_refused_naming_its_line(harlow):
    from saferhub.core.errors import ValidationProblem

    text = GOOD.replace("title: Residents who feel safe after dark", "title: Residents who feel safe\x00")
    with pytest.raises(ValidationProblem) as exc:
        load(text)
    assert str(exc.value) == (
        f"plan.yaml, line {line_of(GOOD, 'title: Residents')}: is not valid YAML: "
        "it contains a character YAML does not allow (#x0000)"
    )
