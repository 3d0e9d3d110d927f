"""Every form in the hub puts a service's refusal on the field it names, by the field's name.

For each form (every page with a POST form that calls a service) and for each argument the form
gives that service, the service is made to refuse with ``ValidationProblem(field=<argument>)`` and
the page must show the message once, in a GOV.UK error message inside the form group of that
field's input, with the error summary linking to the input. The message is a made-up sentence that
names no field, so nothing can place it by its words. The test also checks that the cases cover
every argument the form gives (from the service's signature) and every page with a POST form.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from saferhub.accounts.models import Role
from saferhub.core.errors import ValidationProblem
from saferhub.finance.services_returns import service_return_submit
from saferhub.governance.models import Attendance, ForwardPlanItem, Meeting, Paper
from saferhub.sharing.services import agreement_create, agreement_terms
from tests.factories import (
    ActionFactory,
    ActionPlanFactory,
    AgendaItemFactory,
    AreaFactory,
    BudgetLineFactory,
    BudgetTableFactory,
    CommissionedServiceFactory,
    IndicatorMembershipFactory,
    MeetingFactory,
    OrganisationFactory,
    PartnershipFactory,
    PartnershipRoleFactory,
    PerformanceMeasureFactory,
    RiskFactory,
    RiskRegisterFactory,
    SeatFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[3] / "src" / "saferhub"
PDF = b"%PDF-1.4\n% test\n%%EOF\n"
MESSAGE = "That will not do, for reasons of test number {n}"

# --- a small HTML tree, enough to ask which form group holds an element -------------------------


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.text_parts: list[str] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return " ".join([*self.text_parts, *(c.text() for c in self.children)]).strip()

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def contains(self, other: Node) -> bool:
        node: Node | None = other
        while node is not None:
            if node is self:
                return True
            node = node.parent
        return False

    def ancestor_with_class(self, name: str) -> Node | None:
        node = self.parent
        while node is not None and name not in node.classes:
            node = node.parent
        return node


class _Builder(HTMLParser):
    VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr", "area", "base", "col", "embed", "track"}

    def __init__(self) -> None:
        super().__init__()
        self.root = Node("root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.current.text_parts.append(data.strip())


def parse(html: str) -> Node:
    builder = _Builder()
    builder.feed(html)
    return builder.root


# --- the forms ---------------------------------------------------------------------------------


@dataclass
class Case:
    """One form: where it is, what a valid post is, which service it calls (``target`` is the name
    the view looks it up by), the arguments that service takes from the form mapped to the id of the
    input a problem about each belongs on, and the arguments that do not come from the form (the
    page's own records, the actor, and choices ticked from lists the page builds itself)."""

    name: str
    template: str
    url: Callable[[dict[str, Any]], str]
    data: Callable[[dict[str, Any]], dict[str, Any]]
    target: str
    fields: dict[str, str]
    context: set[str] = field(default_factory=set)
    per_row: str = ""  # the argument that carries one entry per row; its problems name each row's input


def _date(prefix: str, day: date, sep: str = "_") -> dict[str, str]:
    """A GOV.UK date input as posted: Django forms number the parts, hand-written forms name them."""
    if sep == "_":
        return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


GOV = "saferhub.governance.services."
CASES = [
    Case(
        "terms of reference",
        "governance/form.html",
        lambda c: reverse("governance:terms_edit", args=[c["board"].slug]),
        lambda c: {},
        GOV + "membership.terms_of_reference_save",
        {
            "title": "id_title",
            "purpose": "id_purpose",
            "chairing": "id_chairing",
            "secretariat": "id_secretariat",
            "secretariat_note": "id_secretariat_note",
            "minimum_meetings_per_year": "id_minimum_meetings_per_year",
            "declarations_standing_item": "id_declarations_standing_item",
            "declarations_wording": "id_declarations_wording",
            "quorum": "id_quorum",
            "review_arrangements": "id_review_arrangements",
            "review_by": "id_review_by_0",
            "publication": "id_publication_0",
        },
        {"partnership", "actor", "source"},
    ),
    *[
        Case(
            f"seat ({kind})",
            "governance/form.html",
            url,
            lambda c: {"organisation": c["council"].pk, "position": "Chief Executive", "category": "member"},
            GOV + f"membership.seat_{kind}",
            {
                "organisation": "id_organisation",
                "represents": "id_represents",
                "position": "id_position",
                "category": "id_category",
                "required_by_legislation": "id_required_by_legislation",
                "nominated_person": "id_nominated_person",
                **({"ended_on": "id_ended_on_0"} if kind == "update" else {}),
            },
            {"partnership", "seat", "actor", "source", "order"},
        )
        for kind, url in (
            ("create", lambda c: reverse("governance:seat_add", args=[c["board"].slug])),
            ("update", lambda c: reverse("governance:seat_edit", args=[c["board"].slug, c["seat"].pk])),
        )
    ],
    *[
        Case(
            f"meeting ({kind})",
            "governance/form.html",
            url,
            lambda c: {**_date("date", date(2024, 10, 2)), "status": "scheduled"},
            GOV + f"meetings.meeting_{kind}",
            {
                "date": "id_date_0",
                "start_time": "id_start_time",
                "end_time": "id_end_time",
                "location": "id_location",
                "title": "id_title",
                "status": "id_status",
                "note": "id_note",
                "publication": "id_publication_0",
            },
            {"partnership", "meeting", "actor", "source", "standing_items"},
        )
        for kind, url in (
            ("create", lambda c: reverse("governance:meeting_add", args=[c["board"].slug])),
            ("update", lambda c: reverse("governance:meeting_edit", args=[c["meeting"].pk])),
        )
    ],
    *[
        Case(
            f"agenda item ({kind})",
            "governance/form.html",
            url,
            lambda c: {"title": "Budget", "kind": "discussion", "number": "4"},
            GOV + f"meetings.agenda_item_{kind}",
            {
                "number": "id_number",
                "title": "id_title",
                "kind": "id_kind",
                "presenter": "id_presenter",
                "summary": "id_summary",
                "minutes": "id_minutes",
                "decisions_intro": "id_decisions_intro",
                "exempt": "id_exempt",
                "exempt_reason": "id_exempt_reason",
            },
            {"meeting", "item", "actor", "source", "order"},
        )
        for kind, url in (
            ("create", lambda c: reverse("governance:item_add", args=[c["meeting"].pk])),
            ("update", lambda c: reverse("governance:item_edit", args=[c["meeting"].pk, c["item"].pk])),
        )
    ],
    Case(
        "paper",
        "governance/form.html",
        lambda c: reverse("governance:paper_add", args=[c["meeting"].pk, c["item"].pk]),
        lambda c: {"title": "Budget report", "note": "Held by the clerk"},
        GOV + "papers.paper_add",
        {"title": "id_title", "file": "id_file", "note": "id_note"},
        {"item", "actor"},
    ),
    Case(
        "paper, new version",
        "governance/form.html",
        lambda c: reverse("governance:paper_replace", args=[c["paper"].pk]),
        lambda c: {"file": SimpleUploadedFile("v2.pdf", PDF, content_type="application/pdf")},
        GOV + "papers.paper_replace",
        {"file": "id_file"},
        {"paper", "actor"},
    ),
    Case(
        "declaration",
        "governance/form.html",
        lambda c: reverse("governance:declaration_add", args=[c["meeting"].pk, c["item"].pk]),
        lambda c: {"position": "Chair", "kind": "other", "interest": "Owns shares"},
        GOV + "minutes.declaration_add",
        {
            "organisation": "id_organisation",
            "position": "id_position",
            "kind": "id_kind_0",
            "interest": "id_interest",
            "action_taken": "id_action_taken",
        },
        {"item", "actor", "nominated_person"},
    ),
    Case(
        "action agreed",
        "governance/form.html",
        lambda c: reverse("governance:decision_add", args=[c["meeting"].pk, c["item"].pk]),
        lambda c: {"text": "Report back", "owner_organisation": c["council"].pk, **_date("due_date", date(2024, 9, 1))},
        GOV + "minutes.decision_record",
        {
            "label": "id_label",
            "text": "id_text",
            "owner_organisation": "id_owner_organisation",
            "owner_role": "id_owner_role",
            "due_date": "id_due_date_0",
            "agreed_complete": "id_agreed_complete",
            "resources_amount": "id_resources_amount",
        },
        {"item", "actor", "owner_basis", "source"},
    ),
    *[
        Case(
            f"attendance of someone without a seat ({kind})",
            "governance/form.html",
            url,
            lambda c: {"organisation": c["council"].pk, "status": "present"},
            GOV + f"attendance.attendance_{kind}",
            {
                "organisation": "id_organisation",
                "represents": "id_represents",
                "position": "id_position",
                "status": "id_status_0",
                "is_chair": "id_is_chair",
            },
            {"meeting", "attendance", "actor", "seat", "nominated_person", "source", "order"},
        )
        for kind, url in (
            ("record", lambda c: reverse("governance:attendance_add", args=[c["meeting"].pk])),
            ("update", lambda c: reverse("governance:attendance_edit", args=[c["meeting"].pk, c["guest"].pk])),
        )
    ],
    Case(
        "forward plan item",
        "governance/form.html",
        lambda c: reverse("governance:forward_plan_add", args=[c["board"].slug]),
        lambda c: {"title": "Alcohol strategy", "kind": "discussion"},
        GOV + "forward_plan.forward_plan_item_create",
        {
            "title": "id_title",
            "description": "id_description",
            "lead": "id_lead",
            "kind": "id_kind",
            "target_meeting": "id_target_meeting",
        },
        {"partnership", "actor", "source"},
    ),
    Case(
        "forward plan item onto an agenda",
        "governance/form.html",
        lambda c: reverse("governance:forward_plan_schedule", args=[c["board"].slug, c["planned"].pk]),
        lambda c: {"meeting": c["upcoming"].pk},
        GOV + "forward_plan.forward_plan_item_schedule",
        {"meeting": "id_meeting"},
        {"item", "actor"},
    ),
    Case(
        "attendance tick-list",
        "governance/attendance_sheet.html",
        lambda c: reverse("governance:attendance", args=[c["meeting"].pk]),
        lambda c: {f"seat-{c['seat'].pk}": "substitute", f"seat-{c['seat'].pk}-substitute": "Deputy"},
        GOV + "attendance.attendance_sheet_save",
        {
            "seat-{seat}": "id_seat-{seat}_0",
            "seat-{seat}-substitute": "id_seat-{seat}-substitute",
            "chair": "id_chair",
        },
        {"meeting", "marks", "actor"},
    ),
    Case(
        "story behind the baseline",
        "framework/story_edit.html",
        lambda c: reverse("framework:story_edit", args=[c["indicator"].slug]),
        lambda c: {"text": "Burglary fell after the lighting scheme.", "reason": ""},
        "saferhub.framework.services.story_update",
        {"text": "id_text", "reason": "id_reason"},
        {"indicator", "actor"},
    ),
    *[
        Case(
            f"target ({kind})",
            "framework/target_form.html",
            url,
            lambda c: {"wording": "Reduce to 900", "kind": "value", "value": "900", "horizon": "1y"},
            f"saferhub.framework.services.target_{kind}",
            {
                "ambition": "id_ambition",
                "wording": "id_wording",
                "kind": "id_kind",
                "value": "id_value",
                "direction": "id_direction",
                "horizon": "id_horizon",
                "target_date": "id_due_day",
                "period_label": "id_period_label",
                "area": "id_area",
            },
            {"indicator", "framework", "target", "actor"},
        )
        for kind, url in (
            ("create", lambda c: reverse("framework:target_add", args=[c["indicator"].slug])),
            ("update", lambda c: reverse("framework:target_edit", args=[c["indicator"].slug, c["target"].pk])),
        )
    ],
    Case(
        "progress update",
        "delivery/action_detail.html",
        lambda c: reverse("delivery:action_progress", args=[c["action"].pk]),
        lambda c: {**_date("on", date(2024, 5, 1), "-"), "text": "Started", "status_after": ""},
        "saferhub.delivery.views.action_progress_add",
        {"on": "on-day", "text": "text", "status_after": "status_after"},
        {"action", "author"},
    ),
    *[
        Case(
            f"action ({kind})",
            f"delivery/action_{page}.html",
            url,
            lambda c: {
                "plan": c["plan"].slug,
                "reference": "Z9",
                "title": "Light the underpass",
                "status": "not_started",
            },
            f"saferhub.delivery.views.action_{kind}",
            {
                **({"reference": "reference"} if kind == "create" else {}),
                "title": "title",
                "lead_role": "lead_role",
                "resources": "resources",
                "resources_amount": "resources_amount",
                "start_date": "start_date-day",
                "due_date": "due_date-day",
                "status": "status",
                "impact": "impact",
                "priority": "priority",
                "progress_summary": "progress_summary",
            },
            {"plan", "action", "actor", "indicators", "source", "theme", "lead_organisation", "owner", "order"}
            | ({"reference"} if kind == "update" else set()),
        )
        for kind, page, url in (
            ("create", "create", lambda c: reverse("delivery:action_create")),
            ("update", "edit", lambda c: reverse("delivery:action_edit", args=[c["action"].pk])),
        )
    ],
    *[
        Case(
            f"information sharing agreement ({kind})",
            "sharing/agreement_form.html",
            url,
            lambda c: {"title": "Sharing", "purpose": "Analysis", "status": "draft"},
            "saferhub.sharing.views.agreement_terms",
            {
                "title": "title",
                "purpose": "purpose",
                "legal_bases": "legal_bases",
                "legal_basis_other": "legal_basis_other",
                "permitted_uses": "permitted_uses",
                "retention_months": "retention_months",
                "review_date": "review_date-day",
                "signatories": "signatories",
                "status": "status",
            },
            {"where"},
        )
        for kind, url in (
            ("create", lambda c: reverse("sharing:agreement_create", args=[c["board"].slug])),
            ("update", lambda c: reverse("sharing:agreement_edit", args=[c["agreement"].slug])),
        )
    ],
    Case(
        "information sharing agreement review",
        "sharing/agreement_detail.html",
        lambda c: reverse("sharing:agreement_review", args=[c["agreement"].slug]),
        lambda c: {
            **_date("reviewed_on", date(2024, 5, 1), "-"),
            **_date("next_review_date", date(2025, 5, 1), "-"),
            "reviewer_role": "Data protection officer",
        },
        "saferhub.sharing.views.agreement_review_record",
        {
            "reviewed_on": "reviewed_on-day",
            "reviewer_role": "reviewer_role",
            "notes": "notes",
            "next_review_date": "next_review_date-day",
        },
        {"actor", "agreement"},
    ),
    Case(
        "risk review",
        "risks/risk_detail.html",
        lambda c: reverse("risks:risk_review", args=[c["risk"].pk]),
        lambda c: {**_date("reviewed_on", date(2024, 5, 1), "-"), "note": "Controls working"},
        "saferhub.risks.views.risk_review_record",
        {
            "reviewed_on": "reviewed_on-day",
            "note": "note",
            "controlled_impact": "controlled_impact",
            "controlled_likelihood": "controlled_likelihood",
            "next_review_date": "next_review_date-day",
        },
        {"risk", "reviewer"},
    ),
    *[
        Case(
            f"risk ({kind})",
            "risks/risk_form.html",
            url,
            lambda c: {"reference": "R9", "event": "Funding ends"},
            f"saferhub.risks.views.risk_{kind}",
            {
                "reference": "reference",
                "event": "event",
                "cause": "cause",
                "consequence": "consequence",
                "owner_role": "owner_role",
                "review_period_months": "review_period_months",
                "next_review_date": "next_review_date-day",
                "inherent_impact": "inherent_impact",
                "inherent_likelihood": "inherent_likelihood",
                "approach": "approach",
                "controls": "controls",
                "control_owner_role": "control_owner_role",
                "controlled_impact": "controlled_impact",
                "controlled_likelihood": "controlled_likelihood",
            },
            {"register", "risk", "actor", "mitigating_actions", "indicators", "owner", "status", "source"},
        )
        for kind, url in (
            ("create", lambda c: reverse("risks:risk_create", args=[c["register"].slug])),
            ("update", lambda c: reverse("risks:risk_edit", args=[c["risk"].pk])),
        )
    ],
    Case(
        "reduction scenario",
        "finance/budget_detail.html",
        lambda c: reverse("finance:budget_detail", args=[c["table"].slug]),
        lambda c: {"save_percent": "10"},
        "saferhub.finance.views.scenario_create",
        {"percent": "save_percent"},
        {"table", "label", "actor"},
    ),
    Case(
        "budget line",
        "finance/budget_line_edit.html",
        lambda c: reverse("finance:budget_line_edit", args=[c["line"].pk]),
        lambda c: {"area_of_spend": "Street lighting", "year": "2015/16", "kind": "revenue", "amount": "100"},
        "saferhub.finance.views.budget_line_update",
        {"area_of_spend": "area_of_spend", "year": "year", "kind": "kind", "amount": "amount", "note": "note"},
        {"line", "actor", "in_reported_total"},
    ),
    Case(
        "performance measure",
        "finance/service_detail.html",
        lambda c: reverse("finance:service_detail", args=[c["service"].pk]),
        lambda c: {"form": "measure", "question": "how_much", "title": "People helped"},
        "saferhub.finance.views.measure_create",
        {"question": "question", "title": "title", "unit": "unit"},
        {"service", "actor", "indicator"},
    ),
    Case(
        "quarterly return",
        "finance/service_detail.html",
        lambda c: reverse("finance:service_detail", args=[c["service"].pk]),
        lambda c: {"form": "return", "measure": c["measure"].pk, "period": "2013-Q2", "value": "5"},
        "saferhub.finance.views.outcome_return_submit",
        {"measure": "measure", "period": "period", "value": "value", "note": "note"},
        {"submitted_by"},
    ),
    Case(
        "budget quarter (spend and forecast out-turn)",
        "finance/budget_quarter.html",
        lambda c: reverse("finance:budget_quarter", args=[c["table"].slug, "2015-16-q1"]),
        lambda c: {f"actual-{c['line'].pk}": "100", f"forecast_outturn-{c['line'].pk}": "1000"},
        "saferhub.finance.views_monitoring.budget_quarter_report",
        {
            "actual-{line}": "actual-{line}",
            "forecast_outturn-{line}": "forecast_outturn-{line}",
            "reason-{line}": "reason-{line}",
        },
        {"table", "quarter", "actor"},
        per_row="entries",
    ),
    Case(
        "budget line profile",
        "finance/budget_line_profile.html",
        lambda c: reverse("finance:budget_line_profile", args=[c["line"].pk]),
        lambda c: {f"profile-2015-16-q{n}": "250" for n in (1, 2, 3, 4)},
        "saferhub.finance.views_monitoring.budget_profile_set",
        {f"profile-2015-16-q{n}": f"profile-2015-16-q{n}" for n in (1, 2, 3, 4)},
        {"line", "actor"},
        per_row="amounts",
    ),
    Case(
        "variance threshold",
        "finance/variance_threshold.html",
        lambda c: reverse("finance:variance_threshold", args=[c["board"].slug]),
        lambda c: {"percent": "5", "amount": "1000"},
        "saferhub.finance.views_monitoring.variance_threshold_set",
        {"percent": "percent", "amount": "amount"},
        {"partnership", "actor"},
    ),
    Case(
        "service's provider",
        "finance/service_returns.html",
        lambda c: reverse("finance:service_returns", args=[c["service"].pk]),
        lambda c: {"form": "provider", "provider": c["council"].slug},
        "saferhub.finance.views_returns.service_provider_set",
        {"provider": "provider"},
        {"service", "actor"},
    ),
    Case(
        "service's outcome measure",
        "finance/service_returns.html",
        lambda c: reverse("finance:service_returns", args=[c["service"].pk]),
        lambda c: {"form": "measure", "measure": c["measure"].pk},
        "saferhub.finance.views_returns.measure_outcome_count_set",
        {"measure": "measure"},
        {"service", "actor"},
    ),
    Case(
        "provider's quarterly return",
        "finance/service_return.html",
        lambda c: reverse("finance:service_return", args=[c["service"].pk, "2013-14-q1"]),
        lambda c: {"cost": "1200", f"value-{c['measure'].pk}": "5", "delivery": "Ran the sessions"},
        "saferhub.finance.views_returns.service_return_submit",
        {"cost": "cost", "delivery": "delivery", "value-{measure}": "value-{measure}"},
        {"service", "quarter", "submitted_by", "today"},
        per_row="values",
    ),
    Case(
        "provider's quarterly return, corrected",
        "finance/service_return.html",
        lambda c: reverse("finance:service_return", args=[c["service"].pk, "2013-14-q2"]),
        lambda c: {"cost": "1300", f"value-{c['measure'].pk}": "6", "correction_reason": "Miscounted"},
        "saferhub.finance.views_returns.service_return_correct",
        {
            "cost": "cost",
            "delivery": "delivery",
            "correction_reason": "correction_reason",
            "value-{measure}": "value-{measure}",
        },
        {"service", "quarter", "submitted_by", "today"},
        per_row="values",
    ),
    Case(
        "upload",
        "ingest/import_upload.html",
        lambda c: reverse("ingest:upload"),
        lambda c: {
            "partnership": c["board"].slug,
            "source": "mapped",
            "file": SimpleUploadedFile("return.csv", b"a,b\n1,2\n"),
            "mapping": SimpleUploadedFile("mapping.yaml", b"name: x\n"),
        },
        "saferhub.ingest.views.import_upload",
        {"source": "source", "upload": "file", "mapping_upload": "mapping"},
        {"user", "partnership"},
    ),
    Case(
        "priority matrix weights",
        "assessment/matrix.html",
        lambda c: reverse("assessment:matrix_weights", args=[c["district"].code]),
        lambda c: dict.fromkeys(("volume", "seriousness", "performance", "concern", "repeat"), "1"),
        "saferhub.assessment.matrix_views.weights_set",
        {"weights": "volume"},
        {"user", "partnership"},
    ),
    Case(
        "strategic assessment narrative",
        "assessment/narrative_edit.html",
        lambda c: reverse("assessment:narrative_edit", args=[c["district"].code, 2024, "summary"]),
        lambda c: {"text": "Burglary fell in the town centre.", "publication": "members"},
        "saferhub.assessment.views_document.narrative_save",
        {"text": "text", "publication": "publication"},
        {"user", "partnership", "year", "key"},
    ),
]

# Pages with a POST form that is not a service's form: a button that confirms or withdraws one
# thing (its refusal is a message on the page it returns to), sign out, and Django's own sign-in
# and password forms.
NOT_SERVICE_FORMS = {
    "governance/forward_plan.html",
    "ingest/import_detail.html",
    "reports/publish.html",  # a confirmation: one button, no fields
    "base.html",
    "registration/login.html",
    "registration/password_reset_form.html",
    "registration/password_reset_confirm.html",
}


@pytest.fixture
def world(db):
    """One partnership with a record of every kind a form changes, and its administrator."""
    board = PartnershipFactory(slug="board", name="Test Board")
    council = OrganisationFactory(name="Test Council")
    user = UserFactory(username="secretary")
    PartnershipRoleFactory(user=user, partnership=board, role=Role.ADMINISTRATOR)
    meeting = MeetingFactory(partnership=board)
    item = AgendaItemFactory(meeting=meeting)
    seat = SeatFactory(partnership=board, organisation=council)
    membership = IndicatorMembershipFactory(theme__outcome__framework__owner=board, indicator__owner=board)
    plan = ActionPlanFactory(partnership=board)
    register = RiskRegisterFactory(partnership=board)
    table = BudgetTableFactory(partnership=board)
    service = CommissionedServiceFactory(section__fund__partnership=board)
    measure = PerformanceMeasureFactory(service=service)
    # a return already made for 2013/14 Q2, so that quarter's form corrects it
    service_return_submit(
        service=service, quarter="2013-14-q2", cost="1000", values={str(measure.pk): "4"}, submitted_by=user
    )
    # a partnership with an area of its own: its priority matrix and strategic assessment are by area
    district = AreaFactory(code="E07999980", name="Case district")
    PartnershipRoleFactory(
        user=user,
        partnership=PartnershipFactory(slug="area-board", name="Area Board", area=district),
        role=Role.ADMINISTRATOR,
    )
    return {
        "district": district,
        "user": user,
        "board": board,
        "council": council,
        "meeting": meeting,
        "item": item,
        "seat": seat,
        "paper": Paper.objects.create(item=item, title="Budget report", note="Held by the clerk"),
        "guest": Attendance.objects.create(meeting=meeting, organisation=council, status="present"),
        "upcoming": MeetingFactory(partnership=board, date=date(2099, 1, 5), status=Meeting.Status.SCHEDULED),
        "planned": ForwardPlanItem.objects.create(partnership=board, title="Alcohol strategy"),
        "indicator": membership.indicator,
        "target": TargetFactory(indicator=membership.indicator, framework=membership.framework),
        "plan": plan,
        "action": ActionFactory(plan=plan),
        "register": register,
        "risk": RiskFactory(register=register),
        "table": table,
        "line": BudgetLineFactory(table=table),
        "service": service,
        "measure": measure,
        "agreement": agreement_create(
            actor=None,
            partnership=board,
            slug="sharing",
            terms=agreement_terms(title="Sharing", purpose="Analysis", legal_bases=[]),
        ),
    }


def _resolve(dotted: str) -> tuple[Any, str]:
    module_name, _, attr = dotted.rpartition(".")
    module = __import__(module_name, fromlist=[attr])
    return module, attr


def _named(text: str, world: dict[str, Any]) -> str:
    return text.format(seat=world["seat"].pk, line=world["line"].pk, measure=world["measure"].pk)


def _check_on_field(html: str, message: str, input_id: str) -> None:
    root = parse(html)
    by_id = {n.attrs["id"]: n for n in root.walk() if "id" in n.attrs}
    assert input_id in by_id, f"no input with id {input_id}"
    target = by_id[input_id]
    assert target.tag in {"input", "select", "textarea"}, f"{input_id} is a <{target.tag}>, not an input"
    summary = [n for n in root.walk() if "govuk-error-summary" in n.classes]
    assert len(summary) == 1, "no error summary"
    links = [n for n in summary[0].walk() if n.tag == "a" and n.text() == message]
    assert [a.attrs.get("href") for a in links] == [f"#{input_id}"], "the summary does not link to the input"
    shown = [n for n in root.walk() if "govuk-error-message" in n.classes and message in n.text()]
    assert len(shown) == 1, f"the message is shown {len(shown)} times beside fields, not once"
    group = shown[0].ancestor_with_class("govuk-form-group")
    assert group is not None and group.contains(target), f"the message is not in the form group of {input_id}"
    assert "govuk-form-group--error" in group.classes


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_services_refusal_lands_on_the_field_it_names(case, world, client, monkeypatch):
    module, attr = _resolve(case.target)
    service = getattr(module, attr)
    client.force_login(world["user"])
    for n, (name, input_name) in enumerate(case.fields.items(), start=1):
        argument, input_id = _named(name, world), _named(input_name, world)
        message = MESSAGE.format(n=n)
        calls: list[dict[str, Any]] = []

        def refuse(
            *args: Any, _message: str = message, _field: str = argument, _calls: list = calls, **kwargs: Any
        ) -> Any:
            _calls.append(kwargs)
            raise ValidationProblem(_message, where="somewhere in a test", field=_field)

        monkeypatch.setattr(module, attr, refuse)
        response = client.post(case.url(world), case.data(world))
        assert calls, f"{case.name}: the view did not call {case.target}"
        html = response.content.decode()
        try:
            _check_on_field(html, message, input_id)
        except AssertionError as failure:
            raise AssertionError(f"{case.name}, {argument}: {failure}") from None
        monkeypatch.setattr(module, attr, service)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_cases_cover_every_argument_the_form_gives(case):
    """What the service takes, less what the page supplies itself, is what the form gives: each of
    those has a case above (a new argument without one fails here)."""
    _, attr = _resolve(case.target)
    module, _ = _resolve(case.target)
    parameters = set(inspect.signature(getattr(module, attr)).parameters)
    if case.name == "attendance tick-list":
        # the tick-list gives one mark per seat; the problems name the seat's line of the form
        assert parameters - case.context == {"chair"}
        return
    if case.per_row:
        # one entry per row (a budget line, a quarter, a measure): the problems name each row's input
        assert parameters - case.context == {n for n in case.fields if "-" not in n} | {case.per_row}
        return
    assert parameters - case.context == set(case.fields)


def test_every_page_with_a_form_has_a_case():
    pages = set()
    for path in SRC.glob("*/templates/**/*.html"):
        if 'method="post"' in path.read_text(encoding="utf-8"):
            pages.add(str(path.relative_to(SRC)).split("/templates/", 1)[1])
    covered = {c.template for c in CASES} | NOT_SERVICE_FORMS
    assert pages - covered == set()
    assert pages >= NOT_SERVICE_FORMS  # nothing stale in the list of exceptions
