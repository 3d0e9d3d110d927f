"""Overdue, due soon, by indicator."""

from datetime import date

import pytest

from saferhub.delivery.models import ActionPlan
from saferhub.delivery.selectors import actions_due_soon, actions_for_indicator, actions_overdue
from saferhub.delivery.services import action_create

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 1)


@pytest.fixture
def actions(essex_partnerships, framework_stub):
    plan = ActionPlan.objects.create(slug="p", title="Plan", partnership=essex_partnerships["safer-essex"])
    ind = framework_stub["indicators"]["2c"]
    make = lambda ref, due, status="in_progress": action_create(  # noqa: E731
        plan=plan, reference=ref, title=ref, due_date=due, status=status, indicators=[ind]
    )
    return {
        "late": make("late", date(2025, 5, 31)),
        "late-but-done": make("done", date(2025, 5, 1), "complete"),
        "today": make("today", TODAY),
        "soon": make("soon", date(2025, 6, 30)),
        "later": make("later", date(2025, 9, 1)),
        "indicator": ind,
        "plan": plan,
    }


def test_overdue_is_open_and_past_due(actions):
    assert [a.reference for a in actions_overdue(today=TODAY)] == ["late"]


def test_due_soon_is_open_and_due_within_thirty_days(actions):
    assert [a.reference for a in actions_due_soon(today=TODAY)] == ["today", "soon"]


def test_by_partnership(actions, essex_partnerships):
    assert actions_overdue(partnership=essex_partnerships["basildon-csp"], today=TODAY).count() == 0
    assert actions_overdue(partnership=essex_partnerships["safer-essex"], today=TODAY).count() == 1


def test_an_action_past_its_due_date_is_overdue_for_its_indicator(actions):
    found = {a.reference: a.is_overdue for a in actions_for_indicator(indicator=actions["indicator"], today=TODAY)}
    assert found == {"late": True, "done": False, "today": False, "soon": False, "later": False}
