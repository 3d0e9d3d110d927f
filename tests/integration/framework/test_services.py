"""Loading, importing and exporting frameworks; the edits indicator leads make, with history."""

from datetime import date

import pytest

from saferhub.accounts.models import Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.models import AuditEvent
from saferhub.framework import fileformat, models
from saferhub.framework.export import framework_spec
from saferhub.framework.models import Framework, Indicator, IndicatorMembership, Story, Target
from saferhub.framework.services import (
    framework_essex_load,
    framework_file_import,
    story_update,
    target_create,
    target_update,
)
from saferhub.measures.models import IndicatorValue
from tests.factories import PartnershipRoleFactory

pytestmark = pytest.mark.django_db

HISTORY_MODELS = [
    m
    for m in vars(models).values()
    if isinstance(m, type) and issubclass(m, models.models.Model) and hasattr(m, "history")
]


def _history_counts():
    counts = {m.__name__: m.history.count() for m in HISTORY_MODELS}
    counts["values"] = IndicatorValue.history.count()
    counts["audit"] = AuditEvent.objects.count()
    return counts


def test_loading_the_essex_configuration_twice_changes_nothing(essex_fresh):
    before = _history_counts()
    summary = framework_essex_load()
    assert not summary.changed
    assert all(c.created == c.updated == c.kept == 0 for c in summary.counts.values())
    assert summary.count("indicator values").unchanged == IndicatorValue.objects.count()
    assert _history_counts() == before


def test_an_edited_story_keeps_its_history_and_survives_a_reload(essex_fresh):
    lead = PartnershipRoleFactory(partnership=essex_fresh["ecc-safe-communities-2014-18"].owner, role=Role.CONTRIBUTOR)
    indicator = Indicator.objects.get(slug="road-ksi")
    loaded_text = indicator.stories.get().text
    story_update(indicator=indicator, text="KSI fell again in 2014.", actor=lead.user, reason="2014 figures")
    summary = framework_essex_load()
    assert summary.counts["stories"].kept == 1
    story = Story.objects.get(indicator=indicator)
    assert story.text == "KSI fell again in 2014."
    versions = list(story.history.order_by("history_date"))
    assert [v.text for v in versions] == [loaded_text, "KSI fell again in 2014."]
    assert versions[0].history_user is None
    assert (versions[1].history_user, versions[1].history_change_reason) == (lead.user, "2014 figures")
    assert AuditEvent.objects.filter(action="story.update", actor=lead.user).count() == 1


def test_an_essex_framework_exported_and_imported_under_another_owner_is_the_same_plan(essex_fresh, tmp_path):
    original = essex_fresh["ecc-safe-communities-2014-18"]
    path = tmp_path / "ecc.yaml"
    path.write_text(fileformat.write_yaml(framework_spec(original, include_values=True)), encoding="utf-8")
    framework_file_import(path=path, owner="basildon-csp", slug="basildon-safe-communities")
    copy = Framework.objects.get(slug="basildon-safe-communities")
    assert copy.owner.slug == "basildon-csp"
    assert copy.memberships.count() == original.memberships.count()
    a, b = framework_spec(original), framework_spec(copy)
    for spec in (a, b):
        spec["framework"].pop("slug")
        spec["framework"].pop("owner")
    assert a == b
    # The catalogue is shared: the copy lists the same indicators, not new ones.
    assert Indicator.objects.filter(memberships__framework=copy).count() == copy.memberships.count()
    assert not Indicator.objects.filter(slug__endswith="-copy").exists()


def test_xlsx_export_and_import_round_trip(essex_fresh, tmp_path):
    original = essex_fresh["safer-essex-csa-2010-11"]
    path = tmp_path / "csa.xlsx"
    path.write_bytes(fileformat.write_xlsx(framework_spec(original, include_values=True)))
    framework_file_import(path=path, slug="csa-copy")
    a = framework_spec(original, include_values=True)
    b = framework_spec(Framework.objects.get(slug="csa-copy"), include_values=True)
    a["framework"].pop("slug")
    b["framework"].pop("slug")
    assert a == b


def test_import_refuses_a_file_that_is_not_a_framework_file(tmp_path, essex_partnerships):
    path = tmp_path / "plan.csv"
    path.write_text("a,b\n")
    with pytest.raises(ValidationProblem, match=r"is not a framework file: expected \.yaml, \.yml or \.xlsx"):
        framework_file_import(path=path)
    with pytest.raises(ValidationProblem, match="file not found"):
        framework_file_import(path=tmp_path / "missing.yaml")


# --- edits by indicator leads ----------------------------------------------------------------


@pytest.fixture
def plan(essex_partnerships):
    owner = essex_partnerships["harlow-csp"]
    framework = Framework.objects.create(slug="harlow", title="Harlow plan", owner=owner)
    indicator = Indicator.objects.create(
        slug="harlow-feel-safe", title="Feel safe", value_type="percentage", owner=owner
    )
    IndicatorMembership.objects.create(framework=framework, indicator=indicator, code="1a")
    lead = PartnershipRoleFactory(partnership=owner, role=Role.CONTRIBUTOR)
    return framework, indicator, lead.user


def test_a_story_is_written_then_revised_with_history(plan):
    _, indicator, user = plan
    story_update(indicator=indicator, text="First.", actor=user)
    story_update(indicator=indicator, text="Second.", actor=user)
    story_update(indicator=indicator, text="Second.", actor=user)  # no change, no new version
    story = Story.objects.get(indicator=indicator)
    assert [h.text for h in story.history.order_by("history_date")] == ["First.", "Second."]
    assert AuditEvent.objects.filter(action="story.update").count() == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [("   ", "Enter the story behind the baseline"), ("x" * 20_001, "20,000 characters or fewer")],
)
def test_a_story_must_have_text(plan, text, message):
    _, indicator, user = plan
    with pytest.raises(ValidationProblem, match=message):
        story_update(indicator=indicator, text=text, actor=user)
    assert not Story.objects.exists()


def test_a_target_is_added_and_changed_with_history(plan):
    framework, indicator, user = plan
    target = target_create(
        indicator=indicator,
        framework=framework,
        actor=user,
        wording="45% by 2016",
        kind="value",
        value=45,
        horizon="date",
        target_date=date(2016, 3, 31),
        direction="increase",
    )
    target_update(
        target=target,
        actor=user,
        wording="47% by 2016",
        kind="value",
        value=47,
        horizon="date",
        target_date=date(2016, 3, 31),
        direction="increase",
    )
    versions = list(Target.history.filter(id=target.pk).order_by("history_date"))
    assert [(v.value, v.wording, v.history_user) for v in versions] == [
        (45, "45% by 2016", user),
        (47, "47% by 2016", user),
    ]
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "target.create",
        "target.update",
    ]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"wording": " "}, "wording", "Enter the ambition in the plan's own words"),
        ({"kind": "value", "value": None}, "value", "Enter the target value"),
        ({"value": -1}, "value", "cannot be negative"),
        ({"value": 101}, "value", "cannot be more than 100"),
        ({"horizon": "date", "target_date": None}, "target_date", "Enter the date the target falls due"),
        ({"period_label": "2016-13"}, "period_label", "is not a real date"),
        ({"kind": "guess"}, "kind", "Choose what kind of target"),
    ],
)
def test_a_bad_target_is_refused_naming_the_field(plan, values, field, message):
    framework, indicator, user = plan
    good = {"wording": "45%", "kind": "value", "value": 45, "horizon": "1y"}
    with pytest.raises(ValidationProblem, match=message) as exc:
        target_create(indicator=indicator, framework=framework, actor=user, **{**good, **values})
    assert exc.value.field == field
    assert not Target.objects.exists()
