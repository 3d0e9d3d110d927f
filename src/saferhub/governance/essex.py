"""The built-in Essex governance data (``governance/data/essex.yaml``), loaded by
``saferhub governance load-essex``.

A loader of built-in data, not a service: it reads the file, checks all of it (every organisation
and partnership it names must be loaded, every date parses, every choice is known), then writes in
one transaction, creating what is missing and never changing what is there (the secretariat edits
this data, and ``make run`` loads Essex every time). Decisions go through the minutes service so
each becomes a tracked action, as one recorded on a page would.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from importlib import resources
from typing import Any

import yaml
from django.db import models, transaction

from saferhub.accounts.models import Organisation, Partnership
from saferhub.core.checks import check_amount, check_choice, check_date
from saferhub.core.errors import ValidationProblem
from saferhub.core.loading import LoadSummary
from saferhub.core.models import Publication
from saferhub.governance.models import (
    AgendaItem,
    Attendance,
    ForwardPlanItem,
    Meeting,
    MonitoredIndicator,
    Paper,
    PartnershipProfile,
    Seat,
    TermsOfReference,
)
from saferhub.governance.services.meetings import item_values, meeting_create, meeting_values
from saferhub.governance.services.minutes import decision_record
from saferhub.governance.services.monitoring import monitored_indicators_link, national_indicator_ref

FILE = "governance/data/essex.yaml"


def _ensure(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], summary: LoadSummary) -> Any:
    """Create the record if it is missing; never change one that is there."""
    counts = summary.count(str(model._meta.verbose_name_plural))
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        counts.created += 1
        return model._default_manager.create(**lookup, **values)
    counts.unchanged += 1
    return obj


class _Spec:
    """The YAML, checked through before anything is written: every reference resolves, every date
    parses, every choice is known."""

    def __init__(self, spec: dict[str, Any], where: str) -> None:
        self.spec = spec
        self.where = where
        self.organisations: dict[str, Organisation] = {}
        self.partnerships: dict[str, Partnership] = {}

    def check(self) -> None:
        org_slugs: set[str] = set()
        partnership_slugs: set[str] = set()

        def need(mapping: dict[str, Any], key: str, kind: str, place: str) -> None:
            value = mapping.get(key)
            if value is not None and not isinstance(value, str):
                raise ValidationProblem(f"{key} must be a slug", where=place)
            if value:
                (org_slugs if kind == "organisation" else partnership_slugs).add(value)

        for i, p in enumerate(self.spec.get("profiles") or [], start=1):
            need(p, "partnership", "partnership", f"{self.where}, profile {i}")
        for i, t in enumerate(self.spec.get("terms_of_reference") or [], start=1):
            place = f"{self.where}, terms of reference {i}"
            need(t, "partnership", "partnership", place)
            need(t, "secretariat", "organisation", place)
            check_date(t.get("review_by"), field="review_by", where=place, required=False)
            for j, seat in enumerate(t.get("seats") or [], start=1):
                seat_place = f"{place}, seat {j}"
                need(seat, "organisation", "organisation", seat_place)
                need(seat, "represents", "partnership", seat_place)
                if not seat.get("organisation") and not seat.get("represents"):
                    raise ValidationProblem("a seat needs an organisation or a partnership", where=seat_place)
                check_choice(seat.get("category", "member"), Seat.Category, field="category", where=seat_place)
        for i, m in enumerate(self.spec.get("meetings") or [], start=1):
            place = f"{self.where}, meeting {i}"
            need(m, "partnership", "partnership", place)
            meeting_values(m, where=place)
            for status in ("present", "apologies"):
                for j, row in enumerate(m.get(status) or [], start=1):
                    row_place = f"{place}, {status} row {j}"
                    need(row, "organisation", "organisation", row_place)
                    need(row, "represents", "partnership", row_place)
            for j, item in enumerate(m.get("items") or [], start=1):
                item_place = f"{place}, item {j}"
                item_values(item, where=item_place)
                for k, d in enumerate(item.get("decisions") or [], start=1):
                    d_place = f"{item_place}, action agreed {k}"
                    need(d, "owner_organisation", "organisation", d_place)
                    if not d.get("owner_organisation") and not d.get("owner_role"):
                        raise ValidationProblem("an action agreed needs an owner", where=d_place)
                    due = check_date(d.get("due"), field="due", where=d_place, required=not d.get("agreed_complete"))
                    if due is not None and due < m["date"]:
                        raise ValidationProblem(f"due date {due} is before the meeting", where=d_place)
                    check_amount(d.get("amount"), field="amount", where=d_place)
        meeting_keys = {(m.get("partnership"), m.get("date")) for m in self.spec.get("meetings") or []}
        for i, f in enumerate(self.spec.get("forward_plan") or [], start=1):
            place = f"{self.where}, forward plan {i}"
            need(f, "partnership", "partnership", place)
            target = f.get("target_meeting")
            if (
                target is not None
                and (f.get("partnership"), check_date(target, field="target_meeting", where=place)) not in meeting_keys
            ):
                raise ValidationProblem(f"target meeting {target} is not one of the meetings listed", where=place)
        self.organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=org_slugs)}
        self.partnerships = {p.slug: p for p in Partnership.objects.filter(slug__in=partnership_slugs)}
        missing = sorted((org_slugs - set(self.organisations)) | (partnership_slugs - set(self.partnerships)))
        if missing:
            raise ValidationProblem(
                f"organisations or partnerships {', '.join(missing)} are not loaded: "
                "run `saferhub accounts load-essex` first",
                where=self.where,
            )

    def org(self, slug: str | None) -> Organisation | None:
        return self.organisations[slug] if slug else None

    def partnership(self, slug: str | None) -> Partnership | None:
        return self.partnerships[slug] if slug else None


def governance_essex_spec() -> dict[str, Any]:
    """The built-in file, parsed (safe YAML)."""
    text = resources.files("saferhub.governance").joinpath("data", "essex.yaml").read_text(encoding="utf-8")
    spec: dict[str, Any] = yaml.safe_load(text)
    return spec


def governance_essex_load() -> LoadSummary:
    """Load the built-in Essex governance data (profiles, Safer Essex's terms of reference and
    membership, the meeting of 1 July 2008 with its decisions as tracked actions, the dates of the
    next meetings, the forward plan), then link the monitored indicators to the framework's
    catalogue. It creates what is missing and leaves what is there as it is, so running it twice
    changes nothing and the secretariat's edits survive; indicators not in the catalogue are reported."""
    spec = _Spec(governance_essex_spec(), where=FILE)
    spec.check()
    summary = LoadSummary()
    with transaction.atomic():
        for p in spec.spec.get("profiles") or []:
            _ensure(
                PartnershipProfile,
                {"partnership": spec.partnership(p["partnership"])},
                {
                    "summary": p.get("summary", ""),
                    "membership_note": p.get("membership_note", ""),
                    "source": p["source"],
                },
                summary,
            )
        for t in spec.spec.get("terms_of_reference") or []:
            _load_terms(spec, t, summary)
        meetings: dict[tuple[str, date], Meeting] = {}
        for m in sorted(spec.spec.get("meetings") or [], key=lambda m: m["date"]):
            meetings[(m["partnership"], m["date"])] = _load_meeting(spec, m, summary)
        for f in spec.spec.get("forward_plan") or []:
            partnership = spec.partnership(f["partnership"])
            target = meetings.get((f["partnership"], f["target_meeting"])) if f.get("target_meeting") else None
            values = {
                "description": f.get("description", ""),
                "lead": f.get("lead", ""),
                "kind": f.get("kind", AgendaItem.Kind.DISCUSSION),
                "target_meeting": target,
                "source": f.get("source", ""),
            }
            _ensure(ForwardPlanItem, {"partnership": partnership, "title": f["title"]}, values, summary)
        report = monitored_indicators_link()
    summary.notes.append(f"monitored indicators linked to the framework: {report.linked}")
    for title in report.unlinked:
        summary.not_linked_add(title, "indicators agreed for monitoring (no such national reference in the framework)")
    return summary


def _load_terms(spec: _Spec, t: dict[str, Any], summary: LoadSummary) -> None:
    partnership = spec.partnership(t["partnership"])
    source = t.get("source", "")
    if t.get("review_by_source"):
        source = f"{source}; review date: {t['review_by_source']}"
    _ensure(
        TermsOfReference,
        {"partnership": partnership},
        {
            "title": t.get("title", ""),
            "purpose": t.get("purpose", "").strip(),
            "chairing": t.get("chairing", "").strip(),
            "secretariat": spec.org(t.get("secretariat")),
            "secretariat_note": t.get("secretariat_note", ""),
            "minimum_meetings_per_year": t.get("minimum_meetings_per_year"),
            "declarations_standing_item": bool(t.get("declarations_standing_item", True)),
            "declarations_wording": t.get("declarations_wording", ""),
            "quorum": t.get("quorum"),
            "review_arrangements": t.get("review_arrangements", ""),
            "review_by": t.get("review_by"),
            "source": source[:300],
            "publication": t.get("publication", Publication.PUBLISHED),
        },
        summary,
    )
    for order, seat in enumerate(t.get("seats") or [], start=1):
        _ensure(
            Seat,
            {"partnership": partnership, "order": order},
            {
                "organisation": spec.org(seat.get("organisation")),
                "represents": spec.partnership(seat.get("represents")),
                "position": seat.get("position", ""),
                "category": seat.get("category", Seat.Category.MEMBER),
                "required_by_legislation": bool(seat.get("statutory", False)),
                "source": f"{t.get('source', '')}, appendix A row {order}"[:300],
            },
            summary,
        )


def _load_meeting(spec: _Spec, m: dict[str, Any], summary: LoadSummary) -> Meeting:
    partnership = spec.partnership(m["partnership"])
    assert partnership is not None
    # Transcribed from published minutes: published unless the file says otherwise.
    values = meeting_values({"publication": Publication.PUBLISHED, **m}, where=FILE)
    meeting = Meeting.objects.filter(partnership=partnership, date=values["date"]).first()
    meetings = summary.count(str(Meeting._meta.verbose_name_plural))
    if meeting is None:
        # Meetings with no transcribed agenda get the standing items, as a secretariat would.
        meeting = meeting_create(partnership=partnership, standing_items=not m.get("items"), **values)
        meetings.created += 1
    else:
        meetings.unchanged += 1
    order = 0
    for status in ("present", "apologies"):
        for row in m.get(status) or []:
            order += 1
            _ensure(
                Attendance,
                {"meeting": meeting, "order": order},
                {
                    "status": status,
                    "organisation": spec.org(row.get("organisation")),
                    "represents": spec.partnership(row.get("represents")),
                    "position": row.get("position", ""),
                    "is_chair": bool(row.get("chair", False)),
                    "source": f"{m.get('source', '')}, {'those present' if status == 'present' else 'apologies'}",
                },
                summary,
            )
    for place, item_spec in enumerate(m.get("items") or [], start=1):
        _load_item(spec, meeting, place, item_spec, summary)
    return meeting


def _load_item(spec: _Spec, meeting: Meeting, place: int, item_spec: dict[str, Any], summary: LoadSummary) -> None:
    item = _ensure(
        AgendaItem,
        {"meeting": meeting, "order": place},
        {"number": str(item_spec["number"]), **item_values(item_spec, where=FILE)},
        summary,
    )
    for paper in item_spec.get("papers") or []:
        _ensure(Paper, {"item": item, "title": paper["title"]}, {"note": paper.get("note", "")}, summary)
    decisions = summary.count("actions agreed")
    for k, d in enumerate(item_spec.get("decisions") or [], start=1):
        if item.decisions.filter(order=k).exists():
            decisions.unchanged += 1
            continue
        decision_record(
            item=item,
            text=d["text"],
            owner_organisation=spec.org(d.get("owner_organisation")),
            owner_role=d.get("owner_role", ""),
            due_date=d.get("due"),
            agreed_complete=bool(d.get("agreed_complete", False)),
            label=d.get("label", ""),
            owner_basis=d.get("owner_basis", ""),
            resources_amount=d.get("amount"),
            source=f"{item_spec.get('source', '')}, action agreed {k}",
        )
        decisions.created += 1
    for k, row in enumerate(_indicator_rows(item_spec.get("indicators") or []), start=1):
        _ensure(
            MonitoredIndicator,
            {"partnership": meeting.partnership, "agreed_at": item, "order": k},
            {
                "priority": row["priority"],
                "title": row["title"],
                "reference": row.get("reference", ""),
                "national_indicator_ref": national_indicator_ref(row.get("reference", "")),
                "source": f"{item_spec.get('source', '')}, row {k}"[:300],
            },
            summary,
        )


def _indicator_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A blank priority continues the one above, as in the minutes' table."""
    out = []
    priority = ""
    for row in rows:
        priority = row.get("priority") or priority
        out.append({**row, "priority": priority})
    return out
