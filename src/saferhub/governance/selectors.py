"""Reads for governance pages: the structure, a partnership's governance, a meeting, matters
arising, attendance statistics, flags and the calendar. Each page's reads are a fixed number of
queries, whatever the number of rows."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from saferhub.accounts.models import Partnership
from saferhub.core.models import Publication
from saferhub.delivery.selectors import OPEN_STATUSES
from saferhub.governance.models import (
    AgendaItem,
    Attendance,
    Decision,
    Declaration,
    ForwardPlanItem,
    Meeting,
    MonitoredIndicator,
    Paper,
    PartnershipProfile,
    Seat,
    TermsOfReference,
)
from saferhub.governance.rules import (
    BodyAttendance,
    YearCount,
    attendance_by_body,
    meeting_shortfalls,
    meetings_per_year,
)


@dataclass
class Flag:
    """Something the secretariat or the chair should look at, in a sentence."""

    text: str
    meeting: Meeting | None = None


# --- a partnership's governance ------------------------------------------------------------------


@dataclass
class PartnershipGovernance:
    partnership: Partnership
    profile: PartnershipProfile | None
    terms: TermsOfReference | None
    seats: list[Seat]
    meetings: list[Meeting]
    years: list[YearCount]
    attendance: list[BodyAttendance]
    monitored: list[MonitoredIndicator]
    forward_plan: list[ForwardPlanItem]
    flags: list[Flag]
    accountable: list[Partnership]

    @property
    def seats_by_category(self) -> list[tuple[str, list[Seat]]]:
        groups: list[tuple[str, list[Seat]]] = []
        for value, label in Seat.Category.choices:
            members = [s for s in self.seats if s.category == value]
            if members:
                groups.append((label, members))
        return groups


def _meetings_annotated(partnership: Partnership) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(partnership=partnership)
        .annotate(
            has_declarations_item=Exists(
                AgendaItem.objects.filter(meeting=OuterRef("pk"), kind=AgendaItem.Kind.DECLARATIONS)
            ),
            item_count=Count("items"),
        )
        .order_by("-date", "-start_time")
    )


def _body_key(organisation_id: int | None, represents_id: int | None) -> tuple[str, int | None]:
    return ("partnership", represents_id) if represents_id else ("organisation", organisation_id)


def _held_attendance_rows(partnership: Partnership) -> list[tuple[Any, ...]]:
    return list(
        Attendance.objects.filter(meeting__partnership=partnership, meeting__status=Meeting.Status.HELD).values_list(
            "meeting_id", "status", "organisation_id", "organisation__name", "represents_id", "represents__name"
        )
    )


def attendance_statistics(
    partnership: Partnership, *, seats: list[Seat] | None = None, rows: list[tuple[Any, ...]] | None = None
) -> list[BodyAttendance]:
    """Attendance per body over the partnership's held meetings; cancelled and not-yet-held
    meetings are ignored. Bodies with a current seat are listed even if they never attended."""
    if seats is None:
        seats = list(_current_seats(partnership))
    if rows is None:
        rows = _held_attendance_rows(partnership)
    held = Meeting.objects.filter(partnership=partnership, status=Meeting.Status.HELD).values_list("pk", flat=True)
    seat_bodies: dict[Hashable, str] = {_body_key(s.organisation_id, s.represents_id): s.body_name for s in seats}
    return attendance_by_body(
        (
            (meeting, status, _body_key(org, rep), rep_name or org_name or "")
            for meeting, status, org, org_name, rep, rep_name in rows
        ),
        held_meetings=list(held),
        seat_bodies=seat_bodies,
    )


def _current_seats(partnership: Partnership) -> QuerySet[Seat]:
    return (
        Seat.objects.filter(partnership=partnership, ended_on__isnull=True)
        .select_related("organisation", "represents")
        .order_by("order", "pk")
    )


def governance_published(partnership: Partnership) -> bool:
    """Whether the partnership publishes anything of its governance: its terms of reference or a meeting."""
    return (
        TermsOfReference.objects.filter(partnership=partnership, publication=Publication.PUBLISHED).exists()
        or Meeting.objects.filter(partnership=partnership, publication=Publication.PUBLISHED).exists()
    )


def governance_publishers() -> set[int]:
    """The partnerships that publish their terms of reference or at least one meeting."""
    return set(
        TermsOfReference.objects.filter(publication=Publication.PUBLISHED).values_list("partnership_id", flat=True)
    ) | set(Meeting.objects.filter(publication=Publication.PUBLISHED).values_list("partnership_id", flat=True))


def partnership_governance(
    partnership: Partnership, *, today: date | None = None, members: bool = True
) -> PartnershipGovernance:
    """Everything the partnership page shows, in a fixed number of queries. For readers who are not
    members (``members=False``) only what is published: the terms of reference and membership if
    published, and the published meetings; no flags, attendance, monitoring or forward plan."""
    today = today or timezone.localdate()
    terms = TermsOfReference.objects.filter(partnership=partnership).select_related("secretariat").first()
    profile = PartnershipProfile.objects.filter(partnership=partnership).first()
    if not members:
        published_terms = terms if terms is not None and terms.publication == Publication.PUBLISHED else None
        return PartnershipGovernance(
            partnership=partnership,
            profile=profile,
            terms=published_terms,
            seats=list(_current_seats(partnership)) if published_terms else [],
            meetings=list(_meetings_annotated(partnership).filter(publication=Publication.PUBLISHED)),
            years=[],
            attendance=[],
            monitored=[],
            forward_plan=[],
            flags=[],
            accountable=list(Partnership.objects.filter(accountable_to=partnership).order_by("name")),
        )
    seats = list(_current_seats(partnership))
    meetings = list(_meetings_annotated(partnership))
    rows = _held_attendance_rows(partnership)
    attendance = attendance_statistics(partnership, seats=seats, rows=rows)
    present: dict[int, set[tuple[str, int | None]]] = {}
    for meeting_id, status, org, _, rep, _ in rows:
        if status == Attendance.Status.PRESENT:
            present.setdefault(meeting_id, set()).add(_body_key(org, rep))
    for m in meetings:
        m.bodies_present = len(present.get(m.pk, ()))  # type: ignore[attr-defined]
    live_dates = [m.date for m in meetings if m.status != Meeting.Status.CANCELLED]
    monitored = list(
        MonitoredIndicator.objects.filter(partnership=partnership)
        .select_related("indicator", "agreed_at__meeting")
        .order_by("agreed_at__meeting__date", "order", "pk")
    )
    forward_plan = list(
        ForwardPlanItem.objects.filter(partnership=partnership, status=ForwardPlanItem.Status.PLANNED)
        .select_related("target_meeting")
        .order_by("target_meeting__date", "pk")
    )
    accountable = list(Partnership.objects.filter(accountable_to=partnership).order_by("name"))
    flags = _partnership_flags(
        terms=terms, meetings=meetings, seats=seats, attendance=attendance, live_dates=live_dates, today=today
    )
    return PartnershipGovernance(
        partnership=partnership,
        profile=profile,
        terms=terms,
        seats=seats,
        meetings=meetings,
        years=meetings_per_year(live_dates),
        attendance=attendance,
        monitored=monitored,
        forward_plan=forward_plan,
        flags=flags,
        accountable=accountable,
    )


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _partnership_flags(
    *,
    terms: TermsOfReference | None,
    meetings: list[Meeting],
    seats: list[Seat],
    attendance: list[BodyAttendance],
    live_dates: list[date],
    today: date,
) -> list[Flag]:
    flags: list[Flag] = []
    if terms is None:
        flags.append(Flag("No terms of reference are recorded."))
    else:
        if terms.review_by and terms.review_by < today:
            flags.append(Flag(f"The terms of reference were due for review by {_long_date(terms.review_by)}."))
        for year in meeting_shortfalls(live_dates, terms.minimum_meetings_per_year):
            times = "time" if year.count == 1 else "times"
            flags.append(
                Flag(
                    f"Met or planned to meet {year.count} {times} in {year.label}; the terms of reference "
                    f"require at least {terms.minimum_meetings_per_year} meetings a year."
                )
            )
    needs_declarations = terms is None or terms.declarations_standing_item
    for m in meetings:
        if m.status == Meeting.Status.CANCELLED:
            continue
        if needs_declarations and not getattr(m, "has_declarations_item", True):
            flags.append(Flag(f"The meeting of {_long_date(m.date)} has no declarations of interest item.", meeting=m))
        if m.status == Meeting.Status.SCHEDULED and m.date < today:
            flags.append(
                Flag(
                    f"The meeting of {_long_date(m.date)} has passed but is not recorded as held or cancelled.",
                    meeting=m,
                )
            )
        if terms is not None and terms.quorum and m.status == Meeting.Status.HELD:
            present = _bodies_present_count(m)
            if present is not None and present < terms.quorum:
                flags.append(
                    Flag(
                        f"The meeting of {_long_date(m.date)} was not quorate: {present} members present, "
                        f"quorum {terms.quorum}.",
                        meeting=m,
                    )
                )
    if any(m.status == Meeting.Status.HELD for m in meetings):
        required = {_body_key(s.organisation_id, s.represents_id) for s in seats if s.required_by_legislation}
        never = [b.name for b in attendance if b.key in required and b.present == 0]
        if never:
            flags.append(
                Flag(
                    f"{len(never)} of the members required by legislation have not been represented at any "
                    f"held meeting: {', '.join(never)}."
                )
            )
    return flags


def _bodies_present_count(meeting: Meeting) -> int | None:
    return getattr(meeting, "bodies_present", None)


# --- a meeting -----------------------------------------------------------------------------------


@dataclass
class MeetingRecord:
    meeting: Meeting
    items: list[AgendaItem]
    present: list[Attendance]
    apologies: list[Attendance]
    absent: list[Attendance]
    declarations: list[Declaration]
    matters_arising: list[Decision]
    forward_plan: list[ForwardPlanItem]
    previous: Meeting | None
    later: list[Meeting]
    terms: TermsOfReference | None
    flags: list[Flag]
    paper_versions: dict[int, list[Any]]
    withheld: list[AgendaItem]
    members: bool

    @property
    def chair(self) -> Attendance | None:
        return next((a for a in self.present if a.is_chair), None)

    @property
    def next(self) -> Meeting | None:
        return self.later[0] if self.later else None

    @property
    def has_matters_item(self) -> bool:
        return any(i.kind == AgendaItem.Kind.MATTERS_ARISING for i in self.items)

    @property
    def bodies_present(self) -> int:
        return len({_body_key(a.organisation_id, a.represents_id) for a in self.present})


def meeting_get(pk: int) -> Meeting | None:
    return Meeting.objects.select_related("partnership").filter(pk=pk).first()


def meeting_record(meeting: Meeting, *, today: date | None = None, members: bool = True) -> MeetingRecord:
    """A meeting with its agenda, papers, declarations, minutes, decisions and their actions,
    attendance, matters arising and forward plan items: a fixed number of queries.

    For a reader who is not a member (``members=False``) the record is the published one: items
    taken in private are listed only by number and reason (``withheld``), with nothing of their
    title, papers, minutes, declarations or decisions; other meetings are linked only if published;
    matters arising leave out actions agreed in private or at unpublished meetings; no flags."""
    today = today or timezone.localdate()
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .prefetch_related(
            Prefetch("papers", queryset=Paper.objects.order_by("pk")),
            Prefetch("declarations", queryset=Declaration.objects.select_related("organisation").order_by("pk")),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("action", "action__lead_organisation").order_by("order", "pk"),
            ),
            Prefetch(
                "monitored_indicators",
                queryset=MonitoredIndicator.objects.select_related("indicator").order_by("order", "pk"),
            ),
        )
        .order_by("order")
    )
    withheld = [] if members else [i for i in items if i.exempt]
    if not members:
        items = [i for i in items if not i.exempt]
    attendance = list(
        Attendance.objects.filter(meeting=meeting).select_related("organisation", "represents").order_by("order", "pk")
    )
    declarations = [d for item in items for d in item.declarations.all()]
    paper_ids = [p.pk for item in items for p in item.papers.all()]
    paper_versions: dict[int, list[Any]] = {}
    if paper_ids:
        history = Paper.history.filter(id__in=paper_ids).exclude(file="").order_by("-history_date")
        for version in history:
            paper_versions.setdefault(version.id, []).append(version)
    others = Meeting.objects.filter(partnership=meeting.partnership).exclude(status=Meeting.Status.CANCELLED)
    matters = meeting_matters_arising(meeting)
    if not members:
        others = others.filter(publication=Publication.PUBLISHED)
        matters = matters.filter(item__exempt=False, item__meeting__publication=Publication.PUBLISHED)
    previous = others.filter(date__lt=meeting.date).order_by("-date", "-start_time").first()
    later = list(others.filter(date__gt=meeting.date).order_by("date", "start_time")[:3])
    terms = TermsOfReference.objects.filter(partnership=meeting.partnership).first()
    record = MeetingRecord(
        meeting=meeting,
        items=items,
        present=[a for a in attendance if a.status == Attendance.Status.PRESENT],
        apologies=[a for a in attendance if a.status == Attendance.Status.APOLOGIES],
        absent=[a for a in attendance if a.status == Attendance.Status.ABSENT],
        declarations=declarations,
        matters_arising=list(matters),
        forward_plan=list(
            ForwardPlanItem.objects.filter(target_meeting=meeting, status=ForwardPlanItem.Status.PLANNED).order_by("pk")
        )
        if members
        else [],
        previous=previous,
        later=later,
        terms=terms,
        flags=[],
        paper_versions=paper_versions,
        withheld=withheld,
        members=members,
    )
    if members:
        record.flags = _meeting_flags(record, today=today)
    return record


def _meeting_flags(record: MeetingRecord, *, today: date) -> list[Flag]:
    meeting, terms = record.meeting, record.terms
    flags: list[Flag] = []
    if meeting.status == Meeting.Status.CANCELLED:
        return flags
    if (terms is None or terms.declarations_standing_item) and not any(
        i.kind == AgendaItem.Kind.DECLARATIONS for i in record.items
    ):
        flags.append(Flag("This meeting has no declarations of interest item.", meeting=meeting))
    if meeting.status == Meeting.Status.SCHEDULED and meeting.date < today:
        flags.append(Flag("This meeting has passed but is not recorded as held or cancelled.", meeting=meeting))
    if meeting.status == Meeting.Status.HELD:
        if not record.present:
            flags.append(Flag("No attendance is recorded for this meeting.", meeting=meeting))
        elif terms is not None and terms.quorum and record.bodies_present < terms.quorum:
            flags.append(
                Flag(
                    f"The meeting was not quorate: {record.bodies_present} members present, quorum {terms.quorum}.",
                    meeting=meeting,
                )
            )
        unminuted = [
            i.number
            for i in record.items
            if not i.minutes.strip()
            and not i.decisions.all()
            and not (i.kind == AgendaItem.Kind.DECLARATIONS and record.declarations)
        ]
        if unminuted:
            flags.append(Flag(f"Items with no minutes yet: {', '.join(unminuted)}.", meeting=meeting))
    return flags


def meeting_matters_arising(meeting: Meeting) -> QuerySet[Decision]:
    """Actions agreed at the partnership's earlier meetings that are still open, oldest first:
    the previous meeting's open actions and any carried over from before it."""
    return (
        Decision.objects.filter(
            item__meeting__partnership_id=meeting.partnership_id,
            item__meeting__date__lt=meeting.date,
            action__status__in=OPEN_STATUSES,
        )
        .exclude(item__meeting__status=Meeting.Status.CANCELLED)
        .select_related("action", "action__lead_organisation", "item", "item__meeting")
        .order_by("item__meeting__date", "item__order", "order", "pk")
    )


# --- lists ---------------------------------------------------------------------------------------


def forward_plan_list(partnership: Partnership) -> list[ForwardPlanItem]:
    """The whole forward plan: planned items first by meeting date, then those on an agenda, then
    those withdrawn."""
    order: dict[str, int] = {
        ForwardPlanItem.Status.PLANNED: 0,
        ForwardPlanItem.Status.ON_AGENDA: 1,
        ForwardPlanItem.Status.WITHDRAWN: 2,
    }
    items = list(
        ForwardPlanItem.objects.filter(partnership=partnership).select_related("target_meeting", "agenda_item__meeting")
    )
    return sorted(
        items,
        key=lambda i: (order.get(i.status, 3), i.target_meeting.date if i.target_meeting else date.max, i.pk),
    )


def meetings_upcoming(partnership: Partnership) -> list[Meeting]:
    """Scheduled meetings, soonest first (for choosing where a forward plan item goes)."""
    return list(Meeting.objects.filter(partnership=partnership, status=Meeting.Status.SCHEDULED).order_by("date"))


def meetings_for_calendar(partnerships: QuerySet[Partnership] | list[Partnership]) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(partnership__in=partnerships)
        .select_related("partnership")
        .order_by("date", "start_time")
    )
