"""The framework pages with the Essex configuration loaded: what a new user finds, who may see and
change what, and query counts that do not grow with the number of rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from saferhub.accounts.models import Partnership, Role
from saferhub.framework.models import Framework, Indicator, Story, Target
from tests.factories import PASSWORD, PartnershipRoleFactory, TargetFactory, UserFactory, sign_in

pytestmark = pytest.mark.django_db


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def _indicator_links(html):
    return len(re.findall(r'href="/indicators/[a-z0-9-]+/"', html))


def _queries(client, url):
    """Queries of a page in its steady state: a first request fills any per-process caches."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


# --- what a new user finds ---------------------------------------------------------------------


def test_the_frameworks_list_shows_every_essex_plan(client, essex_frameworks, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("framework:list"))
    html = _text(response)
    for fw in essex_frameworks.values():
        assert f'href="{reverse("framework:detail", args=[fw.slug])}"' in html
    assert "Frameworks" in html and 'aria-current="page"' in html


def test_the_commissioning_strategy_page_shows_outcomes_themes_indicators_values_ambitions_and_leads(
    client, essex_frameworks
):
    html = _text(client.get(reverse("framework:detail", args=["ecc-safe-communities-2014-18"])))
    assert "People in Essex live in safe communities and are protected from harm" in html
    for theme in (
        "Vulnerable people are kept safe (Safeguarding)",
        "People live in safe communities",
        "People are kept safe on our roads",
    ):
        assert theme in html
    for code in ("1a", "1b", "1c", "1d", "1e", "2a", "2b", "2c", "2d", "2e", "2f", "2g", "3a", "3b"):
        assert f'<td class="govuk-table__cell">{code}</td>' in html, code
    assert "1,139" in html and "31 January 2014" in html  # children in care, latest value
    assert "“1000 after 2 years – then to continue reductions at slower rate”" in html
    assert "Director for Integrated Commissioning and Vulnerable People" in html
    assert "Key partners and our relationship with them" in html
    assert "The story behind the baseline" in html


def test_the_framework_page_query_count_does_not_grow_with_rows(client, essex_frameworks):
    small = _queries(client, reverse("framework:detail", args=["safer-essex-indicators-2008-09"]))
    large = _queries(client, reverse("framework:detail", args=["essex-cypf-plan-2013-16"]))
    largest = _queries(client, reverse("framework:detail", args=["ecc-safe-communities-2014-18"]))
    assert small == large == largest
    assert largest <= 12


def test_the_catalogue_lists_every_indicator_with_its_codes(client, essex_frameworks, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("framework:indicators"))
    html = _text(response)
    assert _indicator_links(html) == Indicator.objects.count()
    assert "Community Safety Agreement 2010/11: LI 7.2" in html
    assert "ECC commissioning strategy 2014–18: 2d" in html


def test_the_catalogue_filters_by_framework_theme_and_lead(client, essex_frameworks):
    fw = essex_frameworks["ecc-safe-communities-2014-18"]
    by_framework = _text(client.get(reverse("framework:indicators"), {"framework": fw.slug}))
    assert _indicator_links(by_framework) == fw.memberships.count()
    roads = fw.themes.get(code="3")
    by_theme = _text(client.get(reverse("framework:indicators"), {"framework": fw.slug, "theme": roads.pk}))
    assert _indicator_links(by_theme) == roads.memberships.count()
    by_lead = _text(client.get(reverse("framework:indicators"), {"lead": "essex-yot"}))
    assert _indicator_links(by_lead) == Indicator.objects.filter(lead_organisation__slug="essex-yot").count()
    none = _text(client.get(reverse("framework:indicators"), {"q": "no such indicator at all"}))
    assert "No indicators match these filters" in none


def test_the_catalogue_query_count_does_not_grow_with_rows(client, essex_frameworks):
    few = _queries(client, reverse("framework:indicators") + "?framework=safer-essex-indicators-2008-09")
    many = _queries(client, reverse("framework:indicators") + "?framework=essex-cypf-plan-2013-16")
    assert few == many


def test_the_indicator_page_shows_every_framework_its_values_targets_story_and_partners(client, essex_frameworks):
    html = _text(client.get(reverse("web:indicator", args=["feel-safe-after-dark"])))
    for fw in ("ECC commissioning strategy 2014–18", "Community Safety Agreement 2010/11", "Safer Essex 2008/09"):
        assert fw in html
    assert "Values for Essex" in html
    assert "59%" in html and "58.6%" in html and "44.9%" in html
    assert "Wilson" not in html  # survey percentages without a sample size carry no interval
    assert "“50.8 %”" in html and "“Increasing”" in html
    assert "The story behind the baseline" in html and "Castle Point (49%)" in html
    assert "Key partners" in html


def test_the_indicator_page_shows_another_area(client, essex_frameworks):
    html = _text(client.get(reverse("web:indicator", args=["feel-safe-after-dark"]), {"area": "E07000073"}))
    assert "Values for Harlow" in html and "37%" in html


@pytest.mark.parametrize("code", ["E0700", "E07000099", "<script>"])
def test_a_bad_area_code_is_explained_and_the_default_area_shown(client, essex_frameworks, code):
    response = client.get(reverse("web:indicator", args=["feel-safe-after-dark"]), {"area": code})
    html = _text(response)
    assert response.status_code == 200
    assert "We could not show that area" in html and "Showing Essex instead" in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_the_indicator_page_query_count_does_not_grow_with_rows(client, essex_frameworks):
    # The first view of a day renders the performance section once and caches it (a few more
    # queries, bounded); later views are measured for growth with rows.
    cold = [_queries(client, reverse("web:indicator", args=[s])) for s in ("road-ksi", "feel-safe-after-dark")]
    assert max(cold) <= 30
    few = _queries(client, reverse("web:indicator", args=["road-ksi"]))
    many = _queries(client, reverse("web:indicator", args=["feel-safe-after-dark"]))
    assert few == many
    assert many <= 20


def test_the_indicator_page_lists_linked_strategic_actions(client, essex_frameworks):
    from saferhub.delivery.models import Action, ActionPlan

    fw = essex_frameworks["ecc-safe-communities-2014-18"]
    plan = ActionPlan.objects.create(slug="ecc-actions", title="Strategic actions", partnership=fw.owner, framework=fw)
    for n in range(3):
        action = Action.objects.create(plan=plan, title=f"Action {n} on road safety", impact="high", priority="medium")
        action.indicators.add(Indicator.objects.get(slug="road-ksi"))
    url = reverse("web:indicator", args=["road-ksi"])
    html = _text(client.get(url))
    assert "Action 2 on road safety" in html and "High" in html and "Medium" in html
    more = Action.objects.create(plan=plan, title="Action 3", impact="low", priority="low")
    more.indicators.add(Indicator.objects.get(slug="road-ksi"))
    assert _queries(client, url) == _queries(client, reverse("web:indicator", args=["road-ksi"]))


def test_frameworks_can_be_downloaded_to_start_another(client, essex_frameworks):
    yaml_response = client.get(reverse("framework:download", args=["safer-essex-csa-2010-11", "yaml"]))
    assert yaml_response["Content-Disposition"] == 'attachment; filename="safer-essex-csa-2010-11.yaml"'
    assert b"slug: safer-essex-csa-2010-11" in yaml_response.content
    xlsx = client.get(reverse("framework:download", args=["safer-essex-csa-2010-11", "xlsx"]))
    assert xlsx.content[:2] == b"PK"
    assert client.get("/frameworks/safer-essex-csa-2010-11/download.exe").status_code == 404


# --- who may see -----------------------------------------------------------------------------------


@pytest.fixture
def private_ecc(essex_frameworks):
    owner = essex_frameworks["ecc-safe-communities-2014-18"].owner
    Partnership.objects.filter(pk=owner.pk).update(publishes_performance=False)
    owner.refresh_from_db()
    return owner


def test_a_private_framework_asks_anonymous_users_to_sign_in(client, private_ecc):
    for url in (
        reverse("framework:detail", args=["ecc-safe-communities-2014-18"]),
        reverse("web:indicator", args=["children-in-care"]),
        reverse("framework:download", args=["ecc-safe-communities-2014-18", "yaml"]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))
    assert "People in Essex live in safe communities" not in _text(client.get(reverse("framework:list")))


def test_a_private_framework_refuses_a_user_of_another_partnership(client, private_ecc):
    outsider = PartnershipRoleFactory(partnership=Partnership.objects.get(slug="harlow-csp"), role=Role.ADMINISTRATOR)
    sign_in(client, outsider.user.username, PASSWORD)
    assert client.get(reverse("framework:detail", args=["ecc-safe-communities-2014-18"])).status_code == 403
    assert client.get(reverse("web:indicator", args=["children-in-care"])).status_code == 403


def test_a_private_framework_opens_to_its_members(client, private_ecc):
    member = PartnershipRoleFactory(partnership=private_ecc, role=Role.VIEWER)
    sign_in(client, member.user.username, PASSWORD)
    assert client.get(reverse("framework:detail", args=["ecc-safe-communities-2014-18"])).status_code == 200
    assert client.get(reverse("web:indicator", args=["children-in-care"])).status_code == 200


def test_an_indicator_another_public_plan_lists_stays_public(client, private_ecc):
    # feel-safe-after-dark is kept by the county council but also listed by Safer Essex's public plans.
    assert client.get(reverse("web:indicator", args=["feel-safe-after-dark"])).status_code == 200


# --- who may change ------------------------------------------------------------------------------


@pytest.fixture
def lead(essex_frameworks):
    owner = Indicator.objects.get(slug="road-ksi").owner
    return PartnershipRoleFactory(partnership=owner, role=Role.CONTRIBUTOR).user


EDIT_URLS = [
    ("framework:story_edit", ["road-ksi"]),
    ("framework:target_add", ["road-ksi"]),
    ("framework:story_history", ["road-ksi"]),
    ("framework:target_history", ["road-ksi"]),
]


@pytest.mark.parametrize(("name", "args"), EDIT_URLS)
def test_edit_and_history_pages_ask_anonymous_users_to_sign_in(client, essex_frameworks, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "args"), EDIT_URLS)
def test_edit_and_history_pages_refuse_a_user_of_another_partnership(client, essex_frameworks, name, args):
    outsider = PartnershipRoleFactory(partnership=Partnership.objects.get(slug="harlow-csp"), role=Role.ADMINISTRATOR)
    sign_in(client, outsider.user.username, PASSWORD)
    assert client.get(reverse(name, args=args)).status_code == 403


def test_a_viewer_may_read_the_history_but_not_edit(client, essex_frameworks):
    viewer = PartnershipRoleFactory(partnership=Indicator.objects.get(slug="road-ksi").owner, role=Role.VIEWER)
    sign_in(client, viewer.user.username, PASSWORD)
    assert client.get(reverse("framework:story_history", args=["road-ksi"])).status_code == 200
    assert client.get(reverse("framework:story_edit", args=["road-ksi"])).status_code == 403
    html = _text(client.get(reverse("web:indicator", args=["road-ksi"])))
    assert "Edit the story" not in html and "Add a target" not in html


def test_a_lead_edits_the_story_and_the_history_shows_who_and_when(client, lead):
    sign_in(client, lead.username, PASSWORD)
    page = _text(client.get(reverse("web:indicator", args=["road-ksi"])))
    assert "Edit the story" in page and "Add a target" in page
    url = reverse("framework:story_edit", args=["road-ksi"])
    form = _text(client.get(url))
    assert "572 people being killed or seriously injured" in form  # the current text, ready to edit
    response = client.post(url, {"text": "KSI fell again in 2014.", "reason": "2014 figures"})
    assert response.status_code == 302
    assert Story.objects.get(indicator__slug="road-ksi").text == "KSI fell again in 2014."
    history = _text(client.get(reverse("framework:story_history", args=["road-ksi"])))
    assert lead.username in history and "Changed: 2014 figures" in history and "Loaded from the plan" in history


def test_an_empty_story_shows_the_error_summary(client, lead):
    sign_in(client, lead.username, PASSWORD)
    response = client.post(reverse("framework:story_edit", args=["road-ksi"]), {"text": "  "})
    html = _text(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in html and 'href="#id_text"' in html
    assert "Error: Edit the story behind the baseline" in html
    assert 'class="govuk-error-message"' in html


def test_a_lead_adds_and_changes_a_target(client, lead, essex_frameworks):
    sign_in(client, lead.username, PASSWORD)
    url = reverse("framework:target_add", args=["road-ksi"])
    bad = client.post(
        url,
        {
            "framework": "ecc-safe-communities-2014-18",
            "wording": "550 in 2016",
            "kind": "value",
            "value": "lots",
            "horizon": "date",
            "due_day": "31",
            "due_month": "2",
            "due_year": "2016",
        },
    )
    html = _text(bad)
    assert "Enter the value as a number" in html and "must be a real date" in html
    good = client.post(
        url,
        {
            "framework": "ecc-safe-communities-2014-18",
            "wording": "550 in 2016",
            "kind": "value",
            "value": "550",
            "direction": "reduce",
            "horizon": "date",
            "due_day": "31",
            "due_month": "12",
            "due_year": "2016",
            "area": "E10000012",
        },
    )
    assert good.status_code == 302
    target = Target.objects.get(wording="550 in 2016")
    assert (target.value, str(target.target_date), target.area.code) == (550, "2016-12-31", "E10000012")
    edit = reverse("framework:target_edit", args=["road-ksi", target.pk])
    assert 'value="550"' in _text(client.get(edit))
    client.post(
        edit,
        {
            "wording": "540 in 2016",
            "kind": "value",
            "value": "540",
            "direction": "reduce",
            "horizon": "date",
            "due_day": "31",
            "due_month": "12",
            "due_year": "2016",
        },
    )
    history = _text(client.get(reverse("framework:target_history", args=["road-ksi"])))
    assert "540 in 2016" in history and "value, wording" in history and lead.username in history


TARGET_POST = {
    "wording": "500 by 2016",
    "kind": "value",
    "value": "500",
    "direction": "reduce",
    "horizon": "plan",
}
PCC_PLAN = "essex-police-and-crime-plan-2013"
ECC_PLAN = "ecc-safe-communities-2014-18"


def test_a_contributor_cannot_write_a_target_into_another_partnerships_plan(client, lead):
    """road-ksi is the county council's, but the PCC's plan lists it too: its targets there are the PCC's."""
    sign_in(client, lead.username, PASSWORD)
    before = Target.objects.count()
    response = client.post(reverse("framework:target_add", args=["road-ksi"]), {**TARGET_POST, "framework": PCC_PLAN})
    assert response.status_code == 200
    assert "targets in another partnership&#x27;s plan are theirs to set" in response.content.decode()
    assert Target.objects.count() == before
    theirs = TargetFactory(
        indicator=Indicator.objects.get(slug="road-ksi"), framework=Framework.objects.get(slug=PCC_PLAN)
    )
    edit = reverse("framework:target_edit", args=["road-ksi", theirs.pk])
    assert client.get(edit).status_code == 403
    assert client.post(edit, {**TARGET_POST, "framework": ECC_PLAN}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.framework.slug == PCC_PLAN and theirs.wording != TARGET_POST["wording"]


def test_the_plans_partnership_sets_targets_in_its_own_plan_only(client, essex_frameworks):
    pcc = Framework.objects.get(slug=PCC_PLAN).owner
    contributor = PartnershipRoleFactory(partnership=pcc, role=Role.CONTRIBUTOR).user
    sign_in(client, contributor.username, PASSWORD)
    url = reverse("framework:target_add", args=["road-ksi"])
    assert client.post(url, {**TARGET_POST, "framework": ECC_PLAN}).status_code == 200  # refused, shown on the form
    assert client.post(url, {**TARGET_POST, "framework": ""}).status_code == 200  # outside any plan: the owner's
    assert not Target.objects.filter(wording=TARGET_POST["wording"]).exists()
    assert client.post(url, {**TARGET_POST, "framework": PCC_PLAN}).status_code == 302
    assert Target.objects.get(wording=TARGET_POST["wording"]).framework.slug == PCC_PLAN


def test_a_target_of_another_indicator_cannot_be_edited_through_this_one(client, lead):
    sign_in(client, lead.username, PASSWORD)
    other = Target.objects.exclude(indicator__slug="road-ksi").first()
    assert client.get(reverse("framework:target_edit", args=["road-ksi", other.pk])).status_code == 404


def test_hostile_text_is_escaped_on_the_pages(client, essex_frameworks):
    Indicator.objects.filter(slug="road-ksi").update(title="<script>alert(1)</script>")
    for url in (reverse("web:indicator", args=["road-ksi"]), reverse("framework:indicators")):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_framework_with_nothing_in_it_explains_how_to_add_to_it(client, essex_frameworks):
    owner = Partnership.objects.get(slug="basildon-csp")
    Framework.objects.create(slug="basildon-new", title="Basildon plan", owner=owner)
    html = _text(client.get(reverse("framework:detail", args=["basildon-new"])))
    assert "This framework has no outcomes or themes yet" in html
    assert "saferhub framework import PATH --slug basildon-new" in html


def test_an_indicator_with_nothing_yet_says_what_is_missing(client, essex_frameworks):
    owner = Partnership.objects.get(slug="basildon-csp")
    Indicator.objects.create(slug="basildon-new", title="A new measure", owner=owner)
    html = _text(client.get(reverse("web:indicator", args=["basildon-new"])))
    assert "No framework you can see lists this indicator" in html
    assert "No targets or ambitions yet" in html
    assert "Nobody has written the story behind the baseline yet" in html
    assert "No strategic actions are linked to this indicator yet" in html


def test_unknown_frameworks_and_indicators_are_404(client, essex_frameworks):
    assert client.get(reverse("framework:detail", args=["no-such"])).status_code == 404
    assert client.get(reverse("web:indicator", args=["no-such"])).status_code == 404
    user = UserFactory()
    sign_in(client, user.username, PASSWORD)
    assert client.get(reverse("framework:story_edit", args=["no-such"])).status_code == 404


def test_history_pages_query_counts_do_not_grow_with_versions(client, lead):
    from saferhub.framework.services import story_update, target_create

    sign_in(client, lead.username, PASSWORD)
    indicator = Indicator.objects.get(slug="road-ksi")
    story_url = reverse("framework:story_history", args=["road-ksi"])
    target_url = reverse("framework:target_history", args=["road-ksi"])
    before = (_queries(client, story_url), _queries(client, target_url))
    for n in range(4):
        story_update(indicator=indicator, text=f"Version {n}.", actor=lead)
        target_create(
            indicator=indicator, framework=None, actor=lead, wording=f"{500 + n}", kind="value", value=500 + n
        )
    assert (_queries(client, story_url), _queries(client, target_url)) == before
    assert "Version 3." in _text(client.get(story_url))


# --- draft plans ---------------------------------------------------------------------------------


@pytest.fixture
def draft_csa(essex_frameworks):
    """Safer Essex publishes its figures, but this plan is still a draft."""
    Framework.objects.filter(slug="safer-essex-csa-2010-11").update(status="draft")
    return Framework.objects.get(slug="safer-essex-csa-2010-11")


def _draft_urls():
    return [
        reverse("framework:detail", args=["safer-essex-csa-2010-11"]),
        reverse("framework:download", args=["safer-essex-csa-2010-11", "yaml"]),
        reverse("performance:scorecard", args=["safer-essex-csa-2010-11"]),
    ]


def test_a_draft_plan_is_not_public_even_where_its_partnership_publishes(client, draft_csa):
    assert draft_csa.owner.publishes_performance
    for url in _draft_urls():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    for url in (reverse("framework:list"), reverse("performance:scorecards")):
        assert draft_csa.title not in _text(client.get(url)), url


def test_a_draft_plan_refuses_another_partnership_and_opens_to_its_own(client, draft_csa):
    outsider = PartnershipRoleFactory(partnership=Partnership.objects.get(slug="harlow-csp"), role=Role.ADMINISTRATOR)
    sign_in(client, outsider.user.username, PASSWORD)
    assert [client.get(url).status_code for url in _draft_urls()] == [403, 403, 403]
    client.logout()
    member = PartnershipRoleFactory(partnership=draft_csa.owner, role=Role.VIEWER)
    sign_in(client, member.user.username, PASSWORD)
    assert [client.get(url).status_code for url in _draft_urls()] == [200, 200, 200]
    assert draft_csa.title in _text(client.get(reverse("framework:list")))
