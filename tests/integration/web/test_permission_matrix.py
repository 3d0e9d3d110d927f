"""The permission matrix: every URL the resolver knows, opened by every kind of person.

The URL list comes from the resolver, so a new page without an entry in ``PAGES`` fails
``test_every_url_has_an_entry``. One world is built once for the module: partnership A (private,
owning every object) and partnership B (another partnership with the same roles), a provider, a
staff account and a signed-out visitor. Each page's entry says who may open it; writes are
attempted by the wrong role, the wrong partnership and signed-out visitors, and nothing may change.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from saferhub.accounts.models import Role
from saferhub.governance.models import Attendance, ForwardPlanItem, Paper
from saferhub.ingest.models import Import
from saferhub.reports.models import PublishedPack
from saferhub.sharing.models import Agreement, Dataset
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AreaFactory,
    BudgetLineFactory,
    CommissionedServiceFactory,
    FrameworkFactory,
    IndicatorFactory,
    IndicatorMembershipFactory,
    MeetingFactory,
    OrganisationFactory,
    PartnershipFactory,
    PartnershipRoleFactory,
    RiskFactory,
    SeatFactory,
    TargetFactory,
    UserFactory,
)

ROLES = {"viewer": Role.VIEWER, "contributor": Role.CONTRIBUTOR, "analyst": Role.ANALYST, "admin": Role.ADMINISTRATOR}
IDENTITIES = ["anon"] + [f"a_{r}" for r in ROLES] + [f"b_{r}" for r in ROLES] + ["provider", "staff"]


def _names(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found += _names(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append(prefix + entry.name)
    return found


def url_names() -> list[str]:
    """Every named URL of the project, except the Django admin's own (tested as one door below)."""
    return sorted({n for n in _names(get_resolver()) if not n.startswith("admin:")})


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        # A is the partnership of a district of its own (the priority matrix is a partnership's, by area).
        district = AreaFactory(code="E07999990", name="Matrix district")
        a = PartnershipFactory(slug="matrix-a", name="Matrix A", publishes_performance=False, area=district)
        b = PartnershipFactory(slug="matrix-b", name="Matrix B", publishes_performance=False)
        users = {}
        for key, role in ROLES.items():
            users[f"a_{key}"] = PartnershipRoleFactory(partnership=a, role=role, user__username=f"a_{key}").user
            users[f"b_{key}"] = PartnershipRoleFactory(partnership=b, role=role, user__username=f"b_{key}").user
        users["provider"] = PartnershipRoleFactory(partnership=a, role=Role.PROVIDER, user__username="provider").user
        users["staff"] = UserFactory(username="staff", is_staff=True)
        framework = FrameworkFactory(owner=a, slug="matrix-plan")
        indicator = IndicatorFactory(slug="matrix-indicator", owner=a)
        IndicatorMembershipFactory(theme__outcome__framework=framework, indicator=indicator)
        target = TargetFactory(framework=framework, indicator=indicator)
        action = ActionFactory(plan__partnership=a)
        risk = RiskFactory(register__partnership=a)
        line = BudgetLineFactory(table__partnership=a)
        service = CommissionedServiceFactory(section__fund__partnership=a)
        meeting = MeetingFactory(partnership=a, date=dt.date(2024, 3, 1))
        item = AgendaItemFactory(meeting=meeting)
        paper = Paper.objects.create(item=item, title="Matrix paper", original_name="paper.txt")
        paper.file.save("paper.txt", ContentFile(b"members only"))
        seat = SeatFactory(partnership=a)
        attendance = Attendance.objects.create(
            meeting=meeting, order=1, status="present", position="Chair", organisation=OrganisationFactory()
        )
        planned = ForwardPlanItem.objects.create(partnership=a, title="Matrix forward plan item")
        upload = Import.objects.create(
            source="returns", file_name="matrix.csv", sha256="0" * 64, partnership=a, status="rejected"
        )
        # A published pack of A's meeting (its stored bytes stand in for a rendered pack).
        pack = PublishedPack.objects.create(
            meeting=meeting,
            version=1,
            published_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
            as_of=dt.date(2024, 3, 1),
            html="<p>Pack</p>",
            pdf=b"%PDF-1.7 pack",
            html_sha256="0" * 64,
            pdf_sha256="0" * 64,
        )
        # A's agreement, and a dataset whose owning organisation employs A's analyst (its data owner).
        owner_org = OrganisationFactory(slug="matrix-police", name="Matrix Police")
        dataset = Dataset.objects.create(slug="matrix-crimes", name="Matrix crimes", owner=owner_org)
        agreement = Agreement.objects.create(slug="matrix-isa", title="Matrix ISA", partnership=a, purpose="Test")
        agreement.datasets.add(dataset)
        users["a_analyst"].organisation = owner_org
        users["a_analyst"].save(update_fields=["organisation"])
        objects = {
            "a": a,
            "b": b,
            "framework": framework,
            "indicator": indicator,
            "target": target,
            "action": action,
            "risk": risk,
            "line": line,
            "service": service,
            "meeting": meeting,
            "item": item,
            "paper": paper,
            "seat": seat,
            "attendance": attendance,
            "planned": planned,
            "upload": upload,
            "pack": pack,
            "agreement": agreement,
            "dataset": dataset,
            "district": district,
        }
        yield {"users": users, **objects}
        transaction.set_rollback(True)


def client_for(world, identity: str) -> Client:
    client = Client()
    if identity != "anon":
        client.force_login(world["users"][identity])
    return client


def row_counts() -> dict[str, int]:
    """Rows of every table the project writes (signing in adds sessions and sign-in logs: left out)."""
    skip = {"sessions", "axes"}
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.managed and m._meta.app_label not in skip
    }


def kwargs_for(world, name: str) -> dict:
    """The URL's arguments, pointing at partnership A's objects."""
    meeting, item = world["meeting"], world["item"]
    table = {
        "framework:detail": {"slug": world["framework"].slug},
        "framework:download": {"slug": world["framework"].slug, "fmt": "csv"},
        "web:indicator": {"slug": world["indicator"].slug},
        "framework:story_edit": {"slug": world["indicator"].slug},
        "framework:story_history": {"slug": world["indicator"].slug},
        "framework:target_add": {"slug": world["indicator"].slug},
        "framework:target_edit": {"slug": world["indicator"].slug, "pk": world["target"].pk},
        "framework:target_history": {"slug": world["indicator"].slug},
        "delivery:action_detail": {"pk": world["action"].pk},
        "delivery:action_edit": {"pk": world["action"].pk},
        "delivery:action_progress": {"pk": world["action"].pk},
        "risks:register_detail": {"slug": world["risk"].register.slug},
        "risks:risk_create": {"slug": world["risk"].register.slug},
        "risks:risk_detail": {"pk": world["risk"].pk},
        "risks:risk_edit": {"pk": world["risk"].pk},
        "risks:risk_review": {"pk": world["risk"].pk},
        "finance:budget_detail": {"slug": world["line"].table.slug},
        "finance:budget_line_edit": {"pk": world["line"].pk},
        "finance:fund_detail": {"slug": world["service"].section.fund.slug},
        "finance:service_detail": {"pk": world["service"].pk},
        "finance:variance_threshold": {"slug": world["a"].slug},
        "finance:budget_monitoring": {"slug": world["line"].table.slug},
        "finance:budget_quarter": {"slug": world["line"].table.slug, "quarter": "2024-Q1"},
        "finance:budget_line_profile": {"pk": world["line"].pk},
        "finance:service_returns": {"pk": world["service"].pk},
        "finance:service_return": {"pk": world["service"].pk, "quarter": "2024-Q1"},
        "governance:meeting": {"pk": meeting.pk},
        "governance:meeting_edit": {"pk": meeting.pk},
        "governance:meeting_history": {"pk": meeting.pk},
        "governance:attendance": {"pk": meeting.pk},
        "governance:attendance_add": {"pk": meeting.pk},
        "governance:attendance_edit": {"pk": meeting.pk, "attendance_pk": world["attendance"].pk},
        "governance:document": {"pk": meeting.pk, "kind": "agenda"},
        "governance:document_pdf": {"pk": meeting.pk, "kind": "agenda"},
        "governance:item_add": {"pk": meeting.pk},
        "governance:item_edit": {"pk": meeting.pk, "item_pk": item.pk},
        "governance:paper_add": {"pk": meeting.pk, "item_pk": item.pk},
        "governance:declaration_add": {"pk": meeting.pk, "item_pk": item.pk},
        "governance:decision_add": {"pk": meeting.pk, "item_pk": item.pk},
        "governance:paper": {"pk": world["paper"].pk},
        "governance:paper_replace": {"pk": world["paper"].pk},
        "governance:partnership": {"slug": world["a"].slug},
        "reports:pack": {"pk": meeting.pk},
        "reports:pack_pdf": {"pk": meeting.pk},
        "reports:publish": {"pk": meeting.pk},
        "reports:published": {"pk": world["pack"].pk},
        "reports:published_pdf": {"pk": world["pack"].pk},
        "governance:partnership_calendar": {"slug": world["a"].slug},
        "governance:terms_edit": {"slug": world["a"].slug},
        "governance:seat_add": {"slug": world["a"].slug},
        "governance:seat_edit": {"slug": world["a"].slug, "seat_pk": world["seat"].pk},
        "governance:meeting_add": {"slug": world["a"].slug},
        "governance:forward_plan": {"slug": world["a"].slug},
        "governance:forward_plan_add": {"slug": world["a"].slug},
        "governance:forward_plan_schedule": {"slug": world["a"].slug, "item_pk": world["planned"].pk},
        "governance:forward_plan_withdraw": {"slug": world["a"].slug, "item_pk": world["planned"].pk},
        "ingest:detail": {"import_id": world["upload"].pk},
        "ingest:confirm": {"import_id": world["upload"].pk},
        "ingest:discard": {"import_id": world["upload"].pk},
        "ingest:rejections": {"import_id": world["upload"].pk},
        "ingest:template": {"indicator_slug": world["indicator"].slug, "fmt": "csv"},
        "performance:scorecard": {"slug": world["framework"].slug},
        "performance:indicator": {"slug": world["indicator"].slug},
        "performance:why": {"slug": world["indicator"].slug, "code": "E07999999"},
        "performance:area": {"code": "E07999999"},
        "assessment:document": {"code": world["district"].code, "year": 2024},
        "assessment:document_pdf": {"code": world["district"].code, "year": 2024},
        "assessment:narrative_edit": {"code": world["district"].code, "year": 2024, "key": "summary"},
        "partnership_members": {"slug": world["a"].slug},
        "sharing:agreement_create": {"partnership": world["a"].slug},
        "sharing:agreement_detail": {"slug": world["agreement"].slug},
        "sharing:agreement_edit": {"slug": world["agreement"].slug},
        "sharing:agreement_review": {"slug": world["agreement"].slug},
        "sharing:dataset_reads": {"slug": world["dataset"].slug},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "api:area": {"code": "E07999999"},
        "api:indicator": {"slug": world["indicator"].slug},
        "api:series": {"slug": world["indicator"].slug},
        "api:framework": {"slug": world["framework"].slug},
        "api:framework_actions": {"slug": world["framework"].slug},
        "assessment:matrix": {"code": world["district"].code},
        "assessment:matrix_weights": {"code": world["district"].code},
        "assessment:matrix_decide": {"code": world["district"].code},
    }
    return table.get(name, {})


# Who may open each page. ``open``: everyone; ``signed_in``: any account (the page lists only what
# the account may see); ``read``: partnership A's members; ``write:<role>``: A's members with at
# least that role (``:<status>`` when the GET answers other than 200, e.g. a POST-only form that
# sends the reader back); ``absent``: A's page for an object that does not exist (404 to A's
# writers, refused to everyone else); ``post_only``: GET not allowed; ``nowhere``: a public page for
# an object that does not exist. A tuple lists the status for each identity in IDENTITIES order.
API_READ = (401, 200, 200, 200, 200, 403, 403, 403, 403, 403, 403)
PAGES: dict[str, str | tuple[int, ...]] = {
    "login": "open",
    "logout": "post_only_all",
    "password_reset": "open",
    "password_reset_done": "open",
    "password_reset_confirm": "open",
    "password_reset_complete": "open",
    "my_account": "signed_in",
    "partnership_members": "read",
    "web:start": "open",
    "web:healthz": "open",
    "web:ping": "open",
    "web:accessibility": "open",
    "framework:list": "open",
    "framework:indicators": "open",
    "framework:detail": "read",
    "framework:download": "nowhere",
    "web:indicator": "read",
    "web:glossary": "open",
    "framework:story_edit": "write:contributor",
    "framework:story_history": "read",
    "framework:target_add": "write:contributor",
    "framework:target_edit": "write:contributor",
    "framework:target_history": "read",
    "delivery:action_list": "open",  # published plans' actions, and your own partnerships'
    "delivery:action_create": "write:contributor",
    "delivery:action_detail": "read",
    "delivery:action_edit": "write:contributor",
    "delivery:action_progress": "write:contributor:302",
    "risks:overview": "open",  # published registers, and your own partnerships'
    "risks:register_detail": "read",
    "risks:risk_create": "write:contributor",
    "risks:risk_detail": "read",
    "risks:risk_edit": "write:contributor",
    "risks:risk_review": "write:contributor:302",
    "finance:overview": "open",  # published budgets; funds and streams only your own partnerships'
    "finance:funding_streams": "signed_in",
    "finance:monitoring": "signed_in",
    "finance:provider_services": "signed_in",
    "finance:budget_detail": "read",
    "finance:fund_detail": "read",
    "finance:service_detail": "read",
    "finance:budget_monitoring": "read",
    "finance:service_returns": "read",
    "finance:budget_line_edit": "write:contributor",
    "finance:budget_line_profile": "write:contributor",
    "finance:variance_threshold": "write:admin",
    # No such quarter: A's writers are told so (404); viewers are refused before the quarter is read.
    "finance:budget_quarter": (302, 403, 404, 404, 404, 403, 403, 403, 403, 403, 403),
    "finance:service_return": (302, 404, 404, 404, 404, 403, 403, 403, 403, 403, 403),
    "governance:index": "open",  # the structure; each partnership links only if it publishes or you belong
    "governance:calendar": "signed_in",
    "governance:meeting": "read",
    "governance:meeting_history": "read",
    "governance:document": "read",
    "governance:document_pdf": "read",
    "governance:partnership": "read",
    "governance:partnership_calendar": "read",
    "governance:forward_plan": "read",
    "governance:meeting_edit": "write:admin",
    "governance:attendance": "write:admin",
    "governance:attendance_add": "write:admin",
    "governance:attendance_edit": "write:admin",
    "governance:item_add": "write:admin",
    "governance:item_edit": "write:admin",
    "governance:paper_add": "write:admin",
    "governance:declaration_add": "write:admin",
    "governance:decision_add": "write:admin",
    "governance:paper": "read",
    "governance:paper_replace": "write:admin",
    "governance:terms_edit": "write:admin",
    "governance:seat_add": "write:admin",
    "governance:seat_edit": "write:admin",
    "governance:meeting_add": "write:admin",
    "governance:forward_plan_add": "write:admin",
    "governance:forward_plan_schedule": "write:admin",
    "governance:forward_plan_withdraw": "post_only",
    # The live pack is its members'; publishing is its administrators'; a published pack is read as
    # the partnership publishes its figures (A does not: its members only).
    "reports:pack": "read",
    "reports:pack_pdf": "read",
    "reports:publish": "write:admin",
    "reports:published": "read",
    "reports:published_pdf": "read",
    "ingest:list": "signed_in",
    "ingest:upload": "upload",
    "ingest:detail": "write:contributor",  # partnership A's upload: its contributors and above
    "ingest:confirm": "post_only",
    "ingest:discard": "post_only",
    "ingest:rejections": "write:contributor",
    "ingest:template": "signed_in",
    "performance:scorecards": "open",
    "performance:scorecard": "read",
    "performance:indicator": "read",
    "performance:why": "nowhere",
    "performance:areas": "open",
    "performance:compare": "open",
    "performance:area": "nowhere",
    "performance:maps": "open",
    "assessment:index": "open",
    "assessment:county_priorities": "open",
    "assessment:hotspots": "open",
    "assessment:repeat_locations": "open",
    "assessment:costs_of_harm": "open",
    # A partnership's priority matrix: its members read it; analysts set the weights and decide (the
    # forms' GET sends them back to the matrix).
    "assessment:matrix": "read",
    "assessment:matrix_weights": "write:analyst:302",
    "assessment:matrix_decide": "write:analyst:302",
    "assessment:deprivation": "open",  # the form; an area's figures as on the hot spot page
    # A's strategic assessment: A does not publish its figures, so its members only; narrative
    # sections are written by A's analysts and administrators.
    "assessment:document": "read",
    "assessment:document_pdf": "read",
    "assessment:narrative_edit": "write:analyst",
    # Agreements: their own partnership's members read them; to anyone else they do not exist (404).
    "sharing:agreement_list": "signed_in",
    "sharing:agreement_create": "write:admin",
    "sharing:agreement_detail": (302, 200, 200, 200, 200, 404, 404, 404, 404, 404, 404),
    "sharing:agreement_edit": (302, 403, 403, 403, 200, 404, 404, 404, 404, 404, 404),
    "sharing:agreement_review": (302, 403, 403, 403, 302, 404, 404, 404, 404, 404, 404),  # a form on the detail page
    "sharing:dataset_list": "signed_in",
    # Who read a dataset: only its owning organisation's data owners (A's analyst works there).
    "sharing:dataset_reads": (302, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403),
    # The open data API: lists answer everyone with what each may read; A's private figures and plan
    # are A's members' (401 signed out: send a token; 403 to others); A's indicator has no values (404).
    "api:index": "open",
    "api:api-root": "open",
    "api:openapi-json": "open",
    "api:openapi-view": "open",
    "api:catalogue": "open",
    "api:areas": "open",
    "api:area": "nowhere",
    "api:indicators": "open",
    "api:indicator": API_READ,
    "api:series": (401, 404, 404, 404, 404, 403, 403, 403, 403, 403, 403),
    "api:frameworks": "open",
    "api:framework": API_READ,
    "api:framework_actions": API_READ,
    "api:meetings": "open",
}
LOGIN = "login"
ROLE_OF = {f"a_{k}": v for k, v in ROLES.items()}


def expected(rule: str | tuple[int, ...], identity: str) -> int:
    if isinstance(rule, tuple):
        return rule[IDENTITIES.index(identity)]
    kind, _, rest = rule.partition(":")
    if kind == "open":
        return 200
    if kind == "nowhere":
        return 404
    if kind == "post_only_all":
        return 405
    if identity == "anon":
        return 302
    if kind == "signed_in":
        return 200
    if kind == "post_only":
        return 405
    if kind == "absent_all":
        return 404
    if kind == "upload":
        return 200 if identity.endswith(("contributor", "analyst", "admin")) and identity != "staff" else 403
    if identity not in ROLE_OF:
        return 403  # another partnership, a provider, staff
    if kind == "read":
        return 200
    minimum, _, ok = rest.partition(":")
    allowed = ROLE_OF[identity] >= ROLES[minimum]
    if kind == "absent":
        return 404 if allowed else 403
    return (int(ok) if ok else 200) if allowed else 403


def test_every_url_has_an_entry():
    """A new page fails here until its row says who may open it."""
    assert set(url_names()) - set(PAGES) == set()
    assert set(PAGES) - set(url_names()) == set()


@pytest.mark.parametrize("name", url_names())
def test_get(world, db, name):
    url = reverse(name, kwargs=kwargs_for(world, name))
    wrong = {}
    for identity in IDENTITIES:
        response = client_for(world, identity).get(url)
        want = expected(PAGES[name], identity)
        if response.status_code != want:
            wrong[identity] = (response.status_code, want)
        elif want == 302 and identity == "anon":
            assert response["Location"].startswith(reverse(LOGIN)), (name, response["Location"])
    assert wrong == {}, f"{name}: (got, expected) by identity"


def refused_identities(rule) -> list[str]:
    """Everyone whom the page's rule does not let write: signed out, A's lower roles, B, provider, staff
    (and, where a page answers 404 to those it hides from, them too)."""
    refused = (302, 403, 404) if isinstance(rule, tuple) else (302, 403)
    return [i for i in IDENTITIES if expected(rule, i) in refused and not (i != "anon" and expected(rule, i) == 302)]


WRITES = sorted(
    [
        n
        for n, r in PAGES.items()
        if isinstance(r, str) and r.startswith(("write", "absent", "post_only", "upload")) and r != "post_only_all"
    ]
    + ["sharing:agreement_edit", "sharing:agreement_review"]
)


@pytest.mark.parametrize("name", WRITES)
def test_post_refused_and_nothing_written(world, db, name):
    """The wrong role, the wrong partnership, a provider, staff and signed-out visitors are refused
    before the form is read, and no row anywhere (histories included) is added or removed."""
    url = reverse(name, kwargs=kwargs_for(world, name))
    before = row_counts()
    answers = {}
    for identity in refused_identities(PAGES[name]):
        response = client_for(world, identity).post(url, {"title": "written", "value": "1", "confirm": "yes"})
        answers[identity] = response.status_code
        if identity == "anon":
            assert response.status_code == 302 and response["Location"].startswith(reverse(LOGIN))
        else:
            assert response.status_code in (403, 404), (name, identity, response.status_code)
    assert "anon" in answers
    assert row_counts() == before


def test_django_admin_is_staff_only(world, db):
    assert client_for(world, "anon").get("/admin/").status_code == 302
    assert client_for(world, "a_admin").get("/admin/").status_code == 302
    assert client_for(world, "staff").get("/admin/").status_code == 200


API_NAMES = sorted(n for n in PAGES if n.startswith("api:"))


@pytest.mark.parametrize("name", API_NAMES)
def test_api_with_a_token_answers_as_the_session_does(world, db, name):
    """A partner's token acts as its user through the same door: each identity's token gets what
    its session got above."""
    from saferhub.api.tokens import api_token_create

    url = reverse(name, kwargs=kwargs_for(world, name))
    wrong = {}
    for identity in IDENTITIES[1:]:
        raw = api_token_create(user=world["users"][identity])[1]
        response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {raw}")
        want = expected(PAGES[name], identity)
        if response.status_code != want:
            wrong[identity] = (response.status_code, want)
    assert wrong == {}, f"{name}: (got, expected) by identity"
