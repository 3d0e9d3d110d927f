"""Action pages: access through the one door, filters, overdue on the indicator's list, edits,
exports, and a bounded number of queries."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from saferhub.accounts.models import Role
from saferhub.delivery.models import Action, ActionPlan
from saferhub.delivery.services import action_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(essex_partnerships):
    return ActionPlan.objects.create(slug="p", title="Safer Essex plan", partnership=essex_partnerships["safer-essex"])


@pytest.fixture
def overdue_action(plan, framework_stub):
    today = timezone.localdate()
    return action_create(
        plan=plan,
        reference="OD/1",
        title="Commission the IDVA service",
        start_date=today - timedelta(days=100),
        due_date=today - timedelta(days=1),
        status="in_progress",
        indicators=[framework_stub["indicators"]["2c"]],
    )


def test_anonymous_users_are_sent_to_sign_in(client, overdue_action):
    for url in (f"/actions/{overdue_action.pk}/", f"/actions/{overdue_action.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    # The list is open, but holds only published plans' actions: this plan is its members' own.
    listing = client.get("/actions/")
    assert listing.status_code == 200 and "OD/1" not in listing.content.decode()


def test_a_user_of_another_partnership_is_refused(overdue_action, member, signed_in, essex_partnerships):
    client = signed_in(member(essex_partnerships["basildon-csp"], Role.ADMINISTRATOR))
    assert client.get(f"/actions/{overdue_action.pk}/").status_code == 403
    assert client.get(f"/actions/{overdue_action.pk}/edit/").status_code == 403
    assert client.post(f"/actions/{overdue_action.pk}/progress/", {"text": "x"}).status_code == 403
    assert "OD/1" not in client.get("/actions/").content.decode()


def test_an_overdue_action_shows_as_overdue_on_its_indicators_list(overdue_action, member, signed_in, plan):
    client = signed_in(member(plan.partnership, Role.VIEWER))
    page = client.get("/actions/?indicator=stub-2c").content.decode()
    assert "OD/1" in page and "Overdue" in page
    assert "OD/1" in client.get("/actions/?view=overdue").content.decode()
    assert "OD/1" not in client.get("/actions/?view=due-soon").content.decode()


def test_the_indicator_include_marks_overdue(overdue_action, framework_stub):
    from django.template.loader import render_to_string

    from saferhub.delivery.selectors import actions_for_indicator

    ind = framework_stub["indicators"]["2c"]
    html = render_to_string(
        "delivery/_indicator_links.html", {"indicator": ind, "actions": actions_for_indicator(indicator=ind)}
    )
    assert "OD/1" in html and "Overdue" in html


def test_my_actions_are_those_i_own(plan, member, signed_in):
    me = member(plan.partnership, Role.CONTRIBUTOR)
    action_create(plan=plan, reference="MINE", title="Mine", owner=me)
    action_create(plan=plan, reference="THEIRS", title="Theirs")
    page = signed_in(me).get("/actions/?view=mine").content.decode()
    assert "MINE" in page and "THEIRS" not in page


def test_the_list_uses_a_bounded_number_of_queries(
    plan, member, signed_in, django_assert_max_num_queries, framework_stub
):
    client = signed_in(member(plan.partnership, Role.VIEWER))
    for i in range(3):
        action_create(plan=plan, reference=f"A{i}", title="a", indicators=[framework_stub["indicators"]["2c"]])
    with django_assert_max_num_queries(12) as few:
        client.get("/actions/")
    for i in range(3, 30):
        action_create(plan=plan, reference=f"A{i}", title="a", indicators=[framework_stub["indicators"]["2c"]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/actions/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/actions/?format=csv").status_code == 200


def test_a_contributor_adds_progress_and_a_viewer_cannot(overdue_action, member, signed_in, plan):
    viewer = signed_in(member(plan.partnership, Role.VIEWER))
    assert viewer.post(f"/actions/{overdue_action.pk}/progress/", {"text": "x"}).status_code == 403
    contributor = signed_in(member(plan.partnership, Role.CONTRIBUTOR))
    response = contributor.post(
        f"/actions/{overdue_action.pk}/progress/",
        {"on-day": "2", "on-month": "6", "on-year": "2025", "text": "Provider appointed", "status_after": "complete"},
    )
    assert response.status_code == 302
    overdue_action.refresh_from_db()
    assert overdue_action.status == "complete"


def test_an_edit_with_the_due_date_before_the_start_is_refused_with_an_error_summary(
    overdue_action, member, signed_in, plan
):
    client = signed_in(member(plan.partnership, Role.CONTRIBUTOR))
    response = client.post(
        f"/actions/{overdue_action.pk}/edit/",
        {
            "title": "Changed",
            "status": "in_progress",
            "start_date-day": "1",
            "start_date-month": "5",
            "start_date-year": "2025",
            "due_date-day": "1",
            "due_date-month": "4",
            "due_date-year": "2025",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and "is before the start date" in page and 'href="#due_date-day"' in page
    overdue_action.refresh_from_db()
    assert overdue_action.title == "Commission the IDVA service"


def test_an_edit_keeps_history(overdue_action, member, signed_in, plan):
    client = signed_in(member(plan.partnership, Role.CONTRIBUTOR))
    response = client.post(
        f"/actions/{overdue_action.pk}/edit/",
        {"title": "Commission the IDVA service countywide", "status": "in_progress", "resources_amount": "315000"},
    )
    assert response.status_code == 302
    action = Action.objects.get(pk=overdue_action.pk)
    assert action.resources_amount == 315000
    assert action.history.count() == 2
    assert action.history.first().history_user is not None


def test_exports_escape_formulas(plan, member, signed_in):
    action_create(plan=plan, reference="=cmd", title="=HYPERLINK(1)")
    client = signed_in(member(plan.partnership, Role.VIEWER))
    body = client.get("/actions/?format=csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body and "'=cmd" in body
    assert client.get("/actions/?format=xlsx")["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_seeded_detail_page_renders(essex_loaded, member, signed_in, essex_partnerships):
    client = signed_in(member(essex_partnerships["safer-essex"], Role.VIEWER))
    action = Action.objects.get(reference="CSA3/3")
    page = client.get(f"/actions/{action.pk}/").content.decode()
    assert "Implement IDVA contract arrangements" in page and "315,000.00" in page
    assert date(2011, 3, 31).strftime("%-d %B %Y") in page


@pytest.fixture
def framework_plan(plan, framework_stub):
    plan.framework = framework_stub["framework"]
    plan.save()
    return plan


def test_a_contributor_adds_an_action_that_serves_indicators(framework_plan, framework_stub, member, signed_in):
    from saferhub.core.models import AuditEvent

    client = signed_in(member(framework_plan.partnership, Role.CONTRIBUTOR))
    assert "Add an action" in client.get("/actions/").content.decode()
    form = client.get("/actions/new/")  # the user's only plan is chosen for them
    assert form.status_code == 200 and "Indicator 2c" in form.content.decode()
    ind = framework_stub["indicators"]["2c"]
    response = client.post(
        "/actions/new/",
        {
            "plan": framework_plan.slug,
            "reference": "CSA3/19",
            "title": "Train licensed premises staff to spot exploitation",
            "lead_role": "Licensing manager",
            "status": "not_started",
            "due_date-day": "31",
            "due_date-month": "3",
            "due_date-year": "2027",
            "indicators": [str(ind.pk)],
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(plan=framework_plan, reference="CSA3/19")
    assert action.due_date == date(2027, 3, 31) and list(action.indicators.all()) == [ind]
    assert AuditEvent.objects.filter(action="action.create", object_id=str(action.pk)).exists()
    assert "CSA3/19" in client.get(response["Location"]).content.decode()


def test_a_viewer_cannot_add_actions_and_is_not_offered_to(plan, member, signed_in):
    client = signed_in(member(plan.partnership, Role.VIEWER))
    assert "Add an action" not in client.get("/actions/").content.decode()
    assert client.get("/actions/new/").status_code == 403
    assert client.post("/actions/new/", {"plan": plan.slug, "title": "x"}).status_code == 403
    assert not Action.objects.filter(title="x").exists()


def test_another_partnerships_plan_cannot_be_chosen(plan, member, signed_in, essex_partnerships):
    other = ActionPlan.objects.create(slug="q", title="Harlow plan", partnership=essex_partnerships["harlow-csp"])
    client = signed_in(member(plan.partnership, Role.CONTRIBUTOR))
    ActionPlan.objects.create(slug="p2", title="Second plan", partnership=plan.partnership)
    response = client.post("/actions/new/", {"plan": other.slug, "title": "Sneaked in", "status": "not_started"})
    assert response.status_code == 404 and "Which plan is the action part of?" in response.content.decode()
    assert not Action.objects.filter(title="Sneaked in").exists()


@pytest.mark.parametrize(
    ("fields", "message", "anchor"),
    [
        (
            {
                "due_date-day": "1",
                "due_date-month": "4",
                "due_date-year": "2025",
                "start_date-day": "1",
                "start_date-month": "5",
                "start_date-year": "2025",
            },
            "is before the start date",
            "due_date-day",
        ),
        ({"reference": "OD/1"}, "already has an action OD/1", "reference"),
        ({"title": "   "}, "needs a title", "title"),
        ({"resources_amount": "-5"}, "negative", "resources_amount"),
    ],
)
def test_a_bad_new_action_is_refused_naming_the_field_and_nothing_is_saved(
    overdue_action, plan, member, signed_in, fields, message, anchor
):
    client = signed_in(member(plan.partnership, Role.CONTRIBUTOR))
    before = Action.objects.count()
    data = {"plan": plan.slug, "title": "A new action", "status": "not_started", **fields}
    response = client.post("/actions/new/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page and f'href="#{anchor}"' in page
    assert Action.objects.count() == before
