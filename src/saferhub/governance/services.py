"""Writes for governance: terms of reference, seats, meetings, agenda items, papers, declarations,
attendance, decisions (tracked as delivery actions), monitored indicators and the forward plan.

Every function checks all of its input first and then writes in one transaction with an audit
row, so bad input changes nothing. Messages say where (meeting, item, field) and what was expected.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from saferhub.accounts.models import Organisation, Partnership
from saferhub.core.audit import audit_record
from saferhub.core.errors import ValidationProblem
from saferhub.delivery.models import Action, ActionPlan
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

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NI_REF = re.compile(r"\bNI\s*(\d{1,3})\b", re.IGNORECASE)

PAPER_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
_ZIP_BASED = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"}
PAPER_MAX_BYTES = 25 * 1024 * 1024


# --- checks shared by the services ---------------------------------------------------------------


def _text(value: Any, *, name: str, where: str, max_length: int | None = None, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationProblem(f"{name} must be text, not {type(value).__name__}", where=where)
    value = value.strip()
    if required and not value:
        raise ValidationProblem(f"{name} is required", where=where)
    if _CONTROL.search(value):
        raise ValidationProblem(f"{name} contains control characters", where=where)
    if max_length is not None and len(value) > max_length:
        raise ValidationProblem(f"{name} is longer than {max_length} characters ({len(value)})", where=where)
    return value


def _choice(value: Any, choices: type[models.TextChoices], *, name: str, where: str) -> str:
    allowed = [c.value for c in choices]
    if value not in allowed:
        raise ValidationProblem(f"{name} {value!r} is not one of: {', '.join(allowed)}", where=where)
    return str(value)


def _date(value: Any, *, name: str, where: str, required: bool = True) -> date | None:
    if value is None and not required:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationProblem(f"{name} {value!r} is not a date (expected YYYY-MM-DD)", where=where)


def _time(value: Any, *, name: str, where: str) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationProblem(f"{name} {value!r} is not a time of day (expected HH:MM)", where=where)


def _meeting_where(meeting: Meeting) -> str:
    return f"{meeting.partnership.name} meeting of {meeting.date:%-d %B %Y}"


def _item_where(item: AgendaItem) -> str:
    return f"{_meeting_where(item.meeting)}, item {item.number}"


def _changed(obj: models.Model, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(obj, name) != value]


def _save(obj: models.Model, names: list[str]) -> None:
    for_update = [*names, "updated_at"] if names else []
    if for_update:
        obj.save(update_fields=for_update)


def national_indicator_ref(reference: str) -> str:
    """'NI 18; LAA 2' → 'NI 18'; '' when the reference names no national indicator."""
    match = _NI_REF.search(reference or "")
    return f"NI {int(match.group(1))}" if match else ""


# --- terms of reference and membership -----------------------------------------------------------

_TERMS_FIELDS = {
    "title": 300,
    "purpose": None,
    "chairing": None,
    "secretariat_note": 300,
    "declarations_wording": None,
    "review_arrangements": None,
    "source": 300,
}


def terms_of_reference_save(*, partnership: Partnership, actor: Any = None, **values: Any) -> TermsOfReference:
    """Create or change a partnership's terms of reference (history keeps every version)."""
    where = f"terms of reference of {partnership.name}"
    allowed = {*_TERMS_FIELDS, "secretariat", "minimum_meetings_per_year", "declarations_standing_item"}
    allowed |= {"quorum", "review_by"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationProblem(f"cannot set {', '.join(sorted(unknown))}", where=where)
    clean: dict[str, Any] = {}
    for name, limit in _TERMS_FIELDS.items():
        if name in values:
            clean[name] = _text(values[name], name=name.replace("_", " "), where=where, max_length=limit)
    if "minimum_meetings_per_year" in values:
        clean["minimum_meetings_per_year"] = _count(
            values["minimum_meetings_per_year"], name="minimum meetings a year", where=where, low=1, high=52
        )
    if "quorum" in values:
        quorum = _count(values["quorum"], name="quorum", where=where, low=1, high=500)
        seats = Seat.objects.filter(partnership=partnership, ended_on__isnull=True).count()
        if quorum is not None and seats and quorum > seats:
            raise ValidationProblem(f"a quorum of {quorum} is more than the {seats} seats", where=where)
        clean["quorum"] = quorum
    if "review_by" in values:
        clean["review_by"] = _date(values["review_by"], name="review date", where=where, required=False)
    if "declarations_standing_item" in values:
        clean["declarations_standing_item"] = bool(values["declarations_standing_item"])
    if "secretariat" in values:
        if values["secretariat"] is not None and not isinstance(values["secretariat"], Organisation):
            raise ValidationProblem("the secretariat must be an organisation", where=where)
        clean["secretariat"] = values["secretariat"]
    with transaction.atomic():
        terms = TermsOfReference.objects.filter(partnership=partnership).first()
        if terms is None:
            terms = TermsOfReference.objects.create(partnership=partnership, **clean)
            changed = sorted(clean)
        else:
            changed = _changed(terms, clean)
            for name in changed:
                setattr(terms, name, clean[name])
            _save(terms, changed)
        if changed:
            audit_record(actor=actor, action="governance.terms.save", obj=terms, fields=changed)
    return terms


def _count(value: Any, *, name: str, where: str, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationProblem(f"{name} must be a whole number, not {value!r}", where=where)
    if not low <= value <= high:
        raise ValidationProblem(f"{name} must be between {low} and {high} (got {value})", where=where)
    return value


def _seat_values(*, partnership: Partnership, values: dict[str, Any], where: str) -> dict[str, Any]:
    organisation = values.get("organisation")
    represents = values.get("represents")
    if organisation is None and represents is None:
        raise ValidationProblem("a seat needs an organisation or a partnership it speaks for", where=where)
    if organisation is not None and not isinstance(organisation, Organisation):
        raise ValidationProblem("organisation must be an organisation", where=where)
    if represents is not None and not isinstance(represents, Partnership):
        raise ValidationProblem("the body represented must be a partnership", where=where)
    if represents is not None and represents.pk == partnership.pk:
        raise ValidationProblem("a partnership cannot hold a seat on itself", where=where)
    return {
        "organisation": organisation,
        "represents": represents,
        "position": _text(values.get("position", ""), name="position", where=where, max_length=200),
        "category": _choice(values.get("category", Seat.Category.MEMBER), Seat.Category, name="category", where=where),
        "required_by_legislation": bool(values.get("required_by_legislation", False)),
        "nominated_person": _text(
            values.get("nominated_person", ""), name="nominated person", where=where, max_length=200
        ),
        "source": _text(values.get("source", ""), name="source", where=where, max_length=300),
    }


def seat_create(*, partnership: Partnership, actor: Any = None, **values: Any) -> Seat:
    """Add a seat (organisation or represented partnership, and position) to the membership."""
    where = f"membership of {partnership.name}"
    clean = _seat_values(partnership=partnership, values=values, where=where)
    with transaction.atomic():
        order = values.get("order") or (Seat.objects.filter(partnership=partnership).count() + 1)
        seat = Seat.objects.create(partnership=partnership, order=order, **clean)
        audit_record(actor=actor, action="governance.seat.create", obj=seat, partnership=partnership.slug)
    return seat


def seat_update(*, seat: Seat, actor: Any = None, **values: Any) -> Seat:
    """Change a seat; ``ended_on`` removes it from the current membership (history keeps it)."""
    where = f"membership of {seat.partnership.name}, seat {seat.pk}"
    merged = {
        name: values.get(name, getattr(seat, name))
        for name in ("organisation", "represents", "position", "category", "required_by_legislation")
    }
    merged["nominated_person"] = values.get("nominated_person", seat.nominated_person)
    merged["source"] = values.get("source", seat.source)
    clean = _seat_values(partnership=seat.partnership, values=merged, where=where)
    if "ended_on" in values:
        clean["ended_on"] = _date(values["ended_on"], name="end date", where=where, required=False)
    with transaction.atomic():
        changed = _changed(seat, clean)
        for name in changed:
            setattr(seat, name, clean[name])
        _save(seat, changed)
        if changed:
            audit_record(actor=actor, action="governance.seat.update", obj=seat, fields=changed)
    return seat


# --- meetings -----------------------------------------------------------------------------------


def _previous_meeting(partnership: Partnership, day: date, *, exclude: int | None = None) -> Meeting | None:
    qs = Meeting.objects.filter(partnership=partnership, date__lt=day).exclude(status=Meeting.Status.CANCELLED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("-date", "-start_time").first()


def _meeting_values(values: dict[str, Any], *, where: str) -> dict[str, Any]:
    day = _date(values.get("date"), name="date", where=where)
    assert day is not None
    start = _time(values.get("start_time"), name="start time", where=where)
    end = _time(values.get("end_time"), name="end time", where=where)
    if start is not None and end is not None and end <= start:
        raise ValidationProblem(f"the meeting ends ({end:%H:%M}) before it starts ({start:%H:%M})", where=where)
    status = _choice(values.get("status", Meeting.Status.SCHEDULED), Meeting.Status, name="status", where=where)
    if status == Meeting.Status.HELD and day > timezone.localdate():
        raise ValidationProblem(f"a meeting on {day:%-d %B %Y} cannot have been held yet", where=where)
    return {
        "date": day,
        "start_time": start,
        "end_time": end,
        "status": status,
        "title": _text(values.get("title", ""), name="title", where=where, max_length=200),
        "location": _text(values.get("location", ""), name="location", where=where, max_length=300),
        "note": _text(values.get("note", ""), name="note", where=where),
        "source": _text(values.get("source", ""), name="source", where=where, max_length=300),
    }


def meeting_create(
    *, partnership: Partnership, standing_items: bool = True, actor: Any = None, **values: Any
) -> Meeting:
    """Arrange a meeting. With ``standing_items`` the agenda opens with declarations of interest
    (when the terms of reference make it a standing item, or there are no terms), the minutes of
    the previous meeting and matters arising (when there was a previous meeting)."""
    where = f"new meeting of {partnership.name}"
    clean = _meeting_values(values, where=where)
    terms = TermsOfReference.objects.filter(partnership=partnership).first()
    with transaction.atomic():
        meeting = Meeting.objects.create(partnership=partnership, **clean)
        if standing_items:
            standing: list[tuple[str, str]] = []
            if terms is None or terms.declarations_standing_item:
                standing.append((AgendaItem.Kind.DECLARATIONS, "Declarations of pecuniary or other interests"))
            if _previous_meeting(partnership, meeting.date, exclude=meeting.pk) is not None:
                standing.append((AgendaItem.Kind.PREVIOUS_MINUTES, "Minutes of the previous meeting"))
                standing.append((AgendaItem.Kind.MATTERS_ARISING, "Matters arising"))
            for number, (kind, title) in enumerate(standing, start=1):
                AgendaItem.objects.create(meeting=meeting, number=str(number), order=number, title=title, kind=kind)
        audit_record(actor=actor, action="governance.meeting.create", obj=meeting, partnership=partnership.slug)
    return meeting


def meeting_update(*, meeting: Meeting, actor: Any = None, **values: Any) -> Meeting:
    """Change a meeting's date, times, place, title, note or status (held, cancelled…)."""
    where = _meeting_where(meeting)
    editable = ("date", "start_time", "end_time", "status", "title", "location", "note", "source")
    unknown = set(values) - set(editable)
    if unknown:
        raise ValidationProblem(f"cannot change {', '.join(sorted(unknown))} of a meeting", where=where)
    clean = _meeting_values({name: values.get(name, getattr(meeting, name)) for name in editable}, where=where)
    with transaction.atomic():
        changed = _changed(meeting, clean)
        for name in changed:
            setattr(meeting, name, clean[name])
        _save(meeting, changed)
        if changed:
            audit_record(actor=actor, action="governance.meeting.update", obj=meeting, fields=changed)
    return meeting


# --- agenda items and papers ---------------------------------------------------------------------


def _item_values(values: dict[str, Any], *, where: str) -> dict[str, Any]:
    return {
        "title": _text(values.get("title"), name="title", where=where, max_length=300, required=True),
        "kind": _choice(values.get("kind", AgendaItem.Kind.DISCUSSION), AgendaItem.Kind, name="kind", where=where),
        "presenter": _text(values.get("presenter", ""), name="presenter", where=where, max_length=300),
        "summary": _text(values.get("summary", ""), name="summary", where=where),
        "minutes": _text(values.get("minutes", ""), name="minutes", where=where),
        "decisions_intro": _text(values.get("decisions_intro", ""), name="decisions introduction", where=where),
        "source": _text(values.get("source", ""), name="source", where=where, max_length=300),
    }


def _next_number(meeting: Meeting) -> str:
    numbers = [int(n) for n in meeting.items.values_list("number", flat=True) if str(n).isdigit()]
    return str(max(numbers, default=0) + 1)


def agenda_item_create(
    *, meeting: Meeting, number: str | None = None, order: int | None = None, actor: Any = None, **values: Any
) -> AgendaItem:
    """Add an item to a meeting's agenda, numbered after the last one unless a number is given."""
    where = f"{_meeting_where(meeting)}, new agenda item"
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationProblem("the meeting was cancelled: its agenda cannot change", where=where)
    clean = _item_values(values, where=where)
    number = _text(number or _next_number(meeting), name="number", where=where, max_length=10, required=True)
    with transaction.atomic():
        if order is None:
            order = (meeting.items.aggregate(m=models.Max("order"))["m"] or 0) + 1
        elif meeting.items.filter(order=order).exists():
            raise ValidationProblem(f"there is already an item in place {order}", where=where)
        item = AgendaItem.objects.create(meeting=meeting, number=number, order=order, **clean)
        audit_record(actor=actor, action="governance.item.create", obj=item, meeting=meeting.pk)
    return item


def agenda_item_update(*, item: AgendaItem, actor: Any = None, **values: Any) -> AgendaItem:
    """Change an agenda item: its title, kind, presenter, summary, minutes or number."""
    where = _item_where(item)
    editable = ("title", "kind", "presenter", "summary", "minutes", "decisions_intro", "source")
    unknown = set(values) - {*editable, "number"}
    if unknown:
        raise ValidationProblem(f"cannot change {', '.join(sorted(unknown))} of an agenda item", where=where)
    clean = _item_values({name: values.get(name, getattr(item, name)) for name in editable}, where=where)
    if "number" in values:
        clean["number"] = _text(values["number"], name="number", where=where, max_length=10, required=True)
    with transaction.atomic():
        changed = _changed(item, clean)
        for name in changed:
            setattr(item, name, clean[name])
        _save(item, changed)
        if changed:
            audit_record(actor=actor, action="governance.item.update", obj=item, fields=changed)
    return item


@dataclass
class _CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def _check_upload(upload: UploadedFile, *, where: str) -> _CheckedUpload:
    raw_name = PurePath(str(upload.name or "")).name
    name = get_valid_filename(raw_name) if raw_name else ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in PAPER_EXTENSIONS:
        raise ValidationProblem(
            f"{raw_name or 'the file'} is not a paper type we accept; use one of: "
            + ", ".join(sorted(PAPER_EXTENSIONS)),
            where=where,
        )
    size = int(upload.size or 0)
    if size == 0:
        raise ValidationProblem(f"{name} is empty", where=where)
    limit = min(PAPER_MAX_BYTES, int(getattr(settings, "SAFERHUB_MAX_UPLOAD_BYTES", PAPER_MAX_BYTES)))
    if size > limit:
        raise ValidationProblem(f"{name} is {size:,} bytes; papers can be up to {limit:,} bytes", where=where)
    digest = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if not head:
            head = bytes(chunk[:8])
        digest.update(chunk)
    upload.seek(0)
    if suffix == ".pdf" and not head.startswith(b"%PDF"):
        raise ValidationProblem(f"{name} does not look like a PDF", where=where)
    if suffix in _ZIP_BASED and not head.startswith(b"PK\x03\x04"):
        raise ValidationProblem(f"{name} does not look like a {suffix[1:].upper()} document", where=where)
    if suffix in {".csv", ".txt"} and b"\x00" in head:
        raise ValidationProblem(f"{name} is not a text file", where=where)
    return _CheckedUpload(name=name, content_type=PAPER_EXTENSIONS[suffix], size=size, sha256=digest.hexdigest())


def paper_add(
    *, item: AgendaItem, title: str, upload: UploadedFile | None = None, note: str = "", actor: Any = None
) -> Paper:
    """Attach a paper to an agenda item: an uploaded file (checked by type, size and content), or a
    record of a paper held elsewhere (``note`` says where)."""
    where = f"{_item_where(item)}, paper"
    title = _text(title, name="title", where=where, max_length=300, required=True)
    note = _text(note, name="note", where=where, max_length=300)
    checked = _check_upload(upload, where=where) if upload is not None else None
    if checked is None and not note:
        raise ValidationProblem("choose a file to upload, or say where the paper is held", where=where)
    with transaction.atomic():
        paper = Paper(item=item, title=title, note=note, uploaded_by=actor if getattr(actor, "pk", None) else None)
        if checked is not None and upload is not None:
            paper.original_name = checked.name
            paper.content_type = checked.content_type
            paper.size = checked.size
            paper.sha256 = checked.sha256
            paper.file.save(checked.name, upload, save=False)
        paper.save()
        audit_record(actor=actor, action="governance.paper.add", obj=paper, sha256=paper.sha256)
    return paper


def paper_replace(*, paper: Paper, upload: UploadedFile, actor: Any = None) -> Paper:
    """Replace a paper's file with a new version. The earlier file stays in storage and in the
    paper's history, so earlier versions can still be read."""
    where = f"{_item_where(paper.item)}, paper {paper.title!r}"
    checked = _check_upload(upload, where=where)
    with transaction.atomic():
        paper.original_name = checked.name
        paper.content_type = checked.content_type
        paper.size = checked.size
        paper.sha256 = checked.sha256
        paper.uploaded_by = actor if getattr(actor, "pk", None) else None
        paper.file.save(checked.name, upload, save=False)
        paper.save()
        audit_record(actor=actor, action="governance.paper.replace", obj=paper, sha256=checked.sha256)
    return paper


# --- declarations and attendance -----------------------------------------------------------------


def declaration_add(
    *,
    item: AgendaItem,
    position: str,
    kind: str,
    interest: str,
    organisation: Organisation | None = None,
    action_taken: str = "",
    nominated_person: str = "",
    actor: Any = None,
) -> Declaration:
    """Record an interest declared at a meeting against the item it concerns."""
    where = f"{_item_where(item)}, declaration"
    if item.meeting.status == Meeting.Status.CANCELLED:
        raise ValidationProblem("the meeting was cancelled: nothing can be declared at it", where=where)
    clean = {
        "position": _text(position, name="who declared (position)", where=where, max_length=300, required=True),
        "kind": _choice(kind, Declaration.Kind, name="kind of interest", where=where),
        "interest": _text(interest, name="nature of the interest", where=where, required=True),
        "action_taken": _text(action_taken, name="action taken", where=where, max_length=300),
        "nominated_person": _text(nominated_person, name="nominated person", where=where, max_length=200),
    }
    if organisation is not None and not isinstance(organisation, Organisation):
        raise ValidationProblem("organisation must be an organisation", where=where)
    with transaction.atomic():
        declaration = Declaration.objects.create(item=item, organisation=organisation, **clean)
        audit_record(actor=actor, action="governance.declaration.add", obj=declaration, item=item.pk)
    return declaration


def _attendance_values(*, meeting: Meeting, values: dict[str, Any], where: str) -> dict[str, Any]:
    organisation = values.get("organisation")
    represents = values.get("represents")
    seat = values.get("seat")
    if seat is not None:
        if not isinstance(seat, Seat) or seat.partnership_id != meeting.partnership_id:
            raise ValidationProblem("the seat is not one of this partnership's seats", where=where)
        organisation = organisation or seat.organisation
        represents = represents or seat.represents
    if organisation is None and represents is None:
        raise ValidationProblem("say which organisation or partnership the person was there for", where=where)
    if organisation is not None and not isinstance(organisation, Organisation):
        raise ValidationProblem("organisation must be an organisation", where=where)
    if represents is not None and not isinstance(represents, Partnership):
        raise ValidationProblem("the body represented must be a partnership", where=where)
    return {
        "seat": seat,
        "organisation": organisation,
        "represents": represents,
        "position": _text(values.get("position", ""), name="position", where=where, max_length=300),
        "status": _choice(values.get("status"), Attendance.Status, name="attendance", where=where),
        "is_chair": bool(values.get("is_chair", False)),
        "nominated_person": _text(
            values.get("nominated_person", ""), name="nominated person", where=where, max_length=200
        ),
        "source": _text(values.get("source", ""), name="source", where=where, max_length=300),
    }


def attendance_record(*, meeting: Meeting, actor: Any = None, **values: Any) -> Attendance:
    """Record who was present, sent apologies or was absent, by organisation and position."""
    where = f"{_meeting_where(meeting)}, attendance"
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationProblem("the meeting was cancelled: there is no attendance to record", where=where)
    clean = _attendance_values(meeting=meeting, values=values, where=where)
    if clean["is_chair"] and meeting.attendance.filter(is_chair=True).exists():
        raise ValidationProblem("someone is already recorded as chairing this meeting", where=where)
    with transaction.atomic():
        order = values.get("order") or (meeting.attendance.count() + 1)
        row = Attendance.objects.create(meeting=meeting, order=order, **clean)
        audit_record(actor=actor, action="governance.attendance.record", obj=row, status=row.status)
    return row


def attendance_update(*, attendance: Attendance, actor: Any = None, **values: Any) -> Attendance:
    """Change an attendance record (e.g. absent → apologies)."""
    meeting = attendance.meeting
    where = f"{_meeting_where(meeting)}, attendance"
    names = ("seat", "organisation", "represents", "position", "status", "is_chair", "nominated_person", "source")
    clean = _attendance_values(
        meeting=meeting, values={n: values.get(n, getattr(attendance, n)) for n in names}, where=where
    )
    if clean["is_chair"] and meeting.attendance.filter(is_chair=True).exclude(pk=attendance.pk).exists():
        raise ValidationProblem("someone is already recorded as chairing this meeting", where=where)
    with transaction.atomic():
        changed = _changed(attendance, clean)
        for name in changed:
            setattr(attendance, name, clean[name])
        _save(attendance, changed)
        if changed:
            audit_record(actor=actor, action="governance.attendance.update", obj=attendance, fields=changed)
    return attendance


def attendance_from_seats(*, meeting: Meeting, actor: Any = None) -> int:
    """Start the attendance list from the membership: one 'absent' row for each current seat with
    no record yet, for the secretariat to mark present or apologies. Returns how many were added."""
    where = f"{_meeting_where(meeting)}, attendance"
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationProblem("the meeting was cancelled: there is no attendance to record", where=where)
    recorded = set(meeting.attendance.exclude(seat=None).values_list("seat_id", flat=True))
    seats = [
        s
        for s in Seat.objects.filter(partnership=meeting.partnership, ended_on__isnull=True).order_by("order", "pk")
        if s.pk not in recorded
    ]
    with transaction.atomic():
        start = meeting.attendance.count()
        Attendance.objects.bulk_create(
            [
                Attendance(
                    meeting=meeting,
                    seat=s,
                    organisation_id=s.organisation_id,
                    represents_id=s.represents_id,
                    position=s.position,
                    status=Attendance.Status.ABSENT,
                    order=start + i,
                )
                for i, s in enumerate(seats, start=1)
            ]
        )
        audit_record(actor=actor, action="governance.attendance.from_seats", obj=meeting, added=len(seats))
    return len(seats)


# --- decisions: each becomes a tracked action ---------------------------------------------------


def decisions_plan(partnership: Partnership) -> ActionPlan:
    """The action plan that holds a partnership's actions agreed at meetings (made on first use)."""
    plan, _ = ActionPlan.objects.get_or_create(
        slug=f"{partnership.slug[:88]}-decisions",
        defaults={
            "title": f"{partnership.name}: actions agreed at meetings",
            "partnership": partnership,
            "source": "Decisions recorded in the minutes (governance)",
        },
    )
    return plan


def _tracked_action_create(
    *,
    partnership: Partnership,
    reference: str,
    title: str,
    lead_organisation: Organisation | None,
    lead_role: str,
    start_date: date,
    due_date: date | None,
    resources_amount: Decimal | None,
    source: str,
    actor: Any,
) -> Action:
    """The one place governance creates delivery actions (through the delivery app's service)."""
    from saferhub.delivery.services import action_create

    return action_create(
        plan=decisions_plan(partnership),
        reference=reference,
        title=title,
        lead_organisation=lead_organisation,
        lead_role=lead_role,
        start_date=start_date,
        due_date=due_date,
        resources_amount=resources_amount,
        source=source,
        actor=actor,
    )


def _amount(value: Any, *, where: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        raise ValidationProblem("the amount must be exact (text or Decimal), not a float", where=where)
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValidationProblem(f"the amount {value!r} is not a sum of money", where=where) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationProblem(f"the amount {value!r} must be a sum of money of £0 or more", where=where)
    return amount


def decision_record(
    *,
    item: AgendaItem,
    text: str,
    owner_organisation: Organisation | None = None,
    owner_role: str = "",
    due_date: date | None = None,
    agreed_complete: bool = False,
    label: str = "",
    owner_basis: str = "",
    resources_amount: Any = None,
    source: str = "",
    actor: Any = None,
) -> Decision:
    """Minute an "action agreed" and put it in the action tracker with its owner and due date.

    An action needs an owner (an organisation or a role) and, unless it was completed by the
    decision itself (``agreed_complete``), a due date on or after the meeting.
    """
    meeting = item.meeting
    where = f"{_item_where(item)}, action agreed"
    text = _text(text, name="the action agreed", where=where, required=True)
    owner_role = _text(owner_role, name="owner's role", where=where, max_length=200)
    label = _text(label, name="label", where=where, max_length=10)
    owner_basis = _text(owner_basis, name="how the owner was identified", where=where, max_length=300)
    if owner_organisation is not None and not isinstance(owner_organisation, Organisation):
        raise ValidationProblem("the owner's organisation must be an organisation", where=where)
    if owner_organisation is None and not owner_role:
        raise ValidationProblem("an action agreed needs an owner: an organisation, a role, or both", where=where)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationProblem("the meeting was cancelled: nothing was agreed at it", where=where)
    due = _date(due_date, name="due date", where=where, required=False)
    if agreed_complete:
        due = due or meeting.date
    elif due is None:
        raise ValidationProblem("an action agreed needs a due date", where=where)
    if due is not None and due < meeting.date:
        raise ValidationProblem(
            f"the due date {due:%-d %B %Y} is before the meeting that agreed it ({meeting.date:%-d %B %Y})",
            where=where,
        )
    amount = _amount(resources_amount, where=where)
    with transaction.atomic():
        order = item.decisions.count() + 1
        reference = f"{meeting.date:%Y-%m-%d} {item.number}.{order}"
        action = _tracked_action_create(
            partnership=meeting.partnership,
            reference=reference,
            title=text.replace("*", ""),
            lead_organisation=owner_organisation,
            lead_role=owner_role,
            start_date=meeting.date,
            due_date=due,
            resources_amount=amount,
            source=source or f"Minutes of {_meeting_where(meeting)}, item {item.number}",
            actor=actor,
        )
        if agreed_complete:
            from saferhub.delivery.services import action_progress_add

            action_progress_add(
                action=action,
                on=meeting.date,
                text="Agreed at the meeting: the decision itself completes it.",
                author=actor,
                status_after=Action.Status.COMPLETE,
            )
        decision = Decision.objects.create(
            item=item,
            order=order,
            label=label,
            text=text,
            action=action,
            owner_basis=owner_basis,
            source=_text(source, name="source", where=where, max_length=300),
        )
        audit_record(actor=actor, action="governance.decision.record", obj=decision, action_reference=reference)
    return decision


# --- monitored indicators ------------------------------------------------------------------------


@dataclass
class LinkReport:
    linked: int = 0
    unlinked: list[str] = field(default_factory=list)


def _wording(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()


def monitored_indicators_link(*, partnership: Partnership | None = None) -> LinkReport:
    """Link monitored indicators to the framework's indicator catalogue: first by national
    indicator reference (e.g. NI 17), otherwise by the same wording in one of the partnership's own
    frameworks (its ``title_in_plan``, or the indicator's title). Missing catalogue entries are
    reported, never an error."""
    from saferhub.framework.models import Indicator, IndicatorMembership

    rows = list(MonitoredIndicator.objects.all() if partnership is None else partnership.monitored_indicators.all())
    by_ref: dict[str, Any] = {}
    for indicator in Indicator.objects.exclude(national_indicator_ref="").order_by("pk"):
        by_ref.setdefault(national_indicator_ref(indicator.national_indicator_ref), indicator)
    by_wording: dict[tuple[int, str], Any] = {}
    memberships = IndicatorMembership.objects.filter(
        framework__owner_id__in={row.partnership_id for row in rows}
    ).select_related("indicator", "framework")
    for membership in memberships.order_by("pk"):
        for wording in (membership.title_in_plan, membership.indicator.title):
            if wording:
                by_wording.setdefault((membership.framework.owner_id, _wording(wording)), membership.indicator)
    report = LinkReport()
    with transaction.atomic():
        for row in rows:
            target = by_ref.get(row.national_indicator_ref) if row.national_indicator_ref else None
            target = target or by_wording.get((row.partnership_id, _wording(row.title)))
            if target is not None:
                report.linked += 1
            else:
                report.unlinked.append(f"{row.title} ({row.reference or 'no reference'})")
            if row.indicator_id != (target.pk if target else None):
                row.indicator = target
                row.save(update_fields=["indicator", "updated_at"])
    return report


# --- forward plan --------------------------------------------------------------------------------


def forward_plan_item_create(
    *,
    partnership: Partnership,
    title: str,
    description: str = "",
    lead: str = "",
    kind: str = AgendaItem.Kind.DISCUSSION,
    target_meeting: Meeting | None = None,
    source: str = "",
    actor: Any = None,
) -> ForwardPlanItem:
    """Add an item to the partnership's forward plan, optionally for a particular meeting."""
    where = f"forward plan of {partnership.name}"
    clean = {
        "title": _text(title, name="title", where=where, max_length=300, required=True),
        "description": _text(description, name="description", where=where),
        "lead": _text(lead, name="lead", where=where, max_length=300),
        "kind": _choice(kind, AgendaItem.Kind, name="kind", where=where),
        "source": _text(source, name="source", where=where, max_length=300),
    }
    if target_meeting is not None:
        if target_meeting.partnership_id != partnership.pk:
            raise ValidationProblem("the meeting chosen is another partnership's", where=where)
        if target_meeting.status != Meeting.Status.SCHEDULED:
            raise ValidationProblem(
                f"the meeting of {target_meeting.date:%-d %B %Y} is {target_meeting.get_status_display().lower()}: "
                "choose a meeting still to come",
                where=where,
            )
    with transaction.atomic():
        item = ForwardPlanItem.objects.create(partnership=partnership, target_meeting=target_meeting, **clean)
        audit_record(actor=actor, action="governance.forward_plan.create", obj=item)
    return item


def forward_plan_item_schedule(*, item: ForwardPlanItem, meeting: Meeting, actor: Any = None) -> AgendaItem:
    """Put a forward plan item on a meeting's agenda."""
    where = f"forward plan of {item.partnership.name}, {item.title!r}"
    if item.status != ForwardPlanItem.Status.PLANNED:
        raise ValidationProblem(f"the item is {item.get_status_display().lower()}, not planned", where=where)
    if meeting.partnership_id != item.partnership_id:
        raise ValidationProblem("the meeting chosen is another partnership's", where=where)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationProblem(
            f"the meeting of {meeting.date:%-d %B %Y} is {meeting.get_status_display().lower()}", where=where
        )
    with transaction.atomic():
        agenda_item = agenda_item_create(
            meeting=meeting,
            title=item.title,
            kind=item.kind,
            presenter=item.lead,
            summary=item.description,
            source=f"Forward plan: {item.source}" if item.source else "Forward plan",
            actor=actor,
        )
        item.agenda_item = agenda_item
        item.target_meeting = meeting
        item.status = ForwardPlanItem.Status.ON_AGENDA
        item.save(update_fields=["agenda_item", "target_meeting", "status", "updated_at"])
        audit_record(actor=actor, action="governance.forward_plan.schedule", obj=item, meeting=meeting.pk)
    return agenda_item


def forward_plan_item_withdraw(*, item: ForwardPlanItem, actor: Any = None) -> ForwardPlanItem:
    """Take an item off the forward plan (history keeps it)."""
    if item.status == ForwardPlanItem.Status.ON_AGENDA:
        raise ValidationProblem("the item is already on an agenda", where=f"forward plan, {item.title!r}")
    with transaction.atomic():
        item.status = ForwardPlanItem.Status.WITHDRAWN
        item.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="governance.forward_plan.withdraw", obj=item)
    return item


# --- the built-in Essex data ---------------------------------------------------------------------


@dataclass
class LoadSummary:
    created: int = 0
    kept: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.created} created, {self.kept} already there (left as they are)"


def _ensure(model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], summary: LoadSummary) -> Any:
    """Create the record if it is missing; never change one that is there. The secretariat edits
    this data (a meeting marked held, a seat ended), and ``make run`` loads Essex every time."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        summary.created += 1
        return model._default_manager.create(**lookup, **values)
    summary.kept += 1
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
            if value:
                (org_slugs if kind == "organisation" else partnership_slugs).add(value)
            if value is not None and not isinstance(value, str):
                raise ValidationProblem(f"{key} must be a slug", where=place)

        for i, p in enumerate(self.spec.get("profiles") or [], start=1):
            need(p, "partnership", "partnership", f"{self.where}, profile {i}")
        for i, t in enumerate(self.spec.get("terms_of_reference") or [], start=1):
            place = f"{self.where}, terms of reference {i}"
            need(t, "partnership", "partnership", place)
            need(t, "secretariat", "organisation", place)
            _date(t.get("review_by"), name="review_by", where=place, required=False)
            for j, seat in enumerate(t.get("seats") or [], start=1):
                seat_place = f"{place}, seat {j}"
                need(seat, "organisation", "organisation", seat_place)
                need(seat, "represents", "partnership", seat_place)
                if not seat.get("organisation") and not seat.get("represents"):
                    raise ValidationProblem("a seat needs an organisation or a partnership", where=seat_place)
                _choice(seat.get("category", "member"), Seat.Category, name="category", where=seat_place)
        for i, m in enumerate(self.spec.get("meetings") or [], start=1):
            place = f"{self.where}, meeting {i}"
            need(m, "partnership", "partnership", place)
            _meeting_values(m, where=place)
            for status in ("present", "apologies"):
                for j, row in enumerate(m.get(status) or [], start=1):
                    row_place = f"{place}, {status} row {j}"
                    need(row, "organisation", "organisation", row_place)
                    need(row, "represents", "partnership", row_place)
            for j, item in enumerate(m.get("items") or [], start=1):
                item_place = f"{place}, item {j}"
                _item_values(item, where=item_place)
                for k, d in enumerate(item.get("decisions") or [], start=1):
                    d_place = f"{item_place}, action agreed {k}"
                    need(d, "owner_organisation", "organisation", d_place)
                    if not d.get("owner_organisation") and not d.get("owner_role"):
                        raise ValidationProblem("an action agreed needs an owner", where=d_place)
                    due = _date(d.get("due"), name="due", where=d_place, required=not d.get("agreed_complete"))
                    if due is not None and due < m["date"]:
                        raise ValidationProblem(f"due date {due} is before the meeting", where=d_place)
                    _amount(d.get("amount"), where=d_place)
        meeting_keys = {(m.get("partnership"), m.get("date")) for m in self.spec.get("meetings") or []}
        for i, f in enumerate(self.spec.get("forward_plan") or [], start=1):
            place = f"{self.where}, forward plan {i}"
            need(f, "partnership", "partnership", place)
            target = f.get("target_meeting")
            if (
                target is not None
                and (f.get("partnership"), _date(target, name="target_meeting", where=place)) not in meeting_keys
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
    import yaml

    text = resources.files("saferhub.governance").joinpath("data", "essex.yaml").read_text(encoding="utf-8")
    spec: dict[str, Any] = yaml.safe_load(text)
    return spec


def governance_essex_load() -> LoadSummary:
    """Load the built-in Essex governance data (profiles, Safer Essex's terms of reference and
    membership, the meeting of 1 July 2008 with its decisions as tracked actions, the dates of the
    next meetings, the forward plan), then link the monitored indicators to the framework's
    catalogue. It creates what is missing and leaves what is there as it is, so running it twice
    changes nothing and the secretariat's edits survive; indicators not in the catalogue are reported."""
    spec = _Spec(governance_essex_spec(), where="governance/data/essex.yaml")
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
    if report.unlinked:
        summary.notes.append(
            f"not linked ({len(report.unlinked)}; no indicator with that national reference in the "
            f"framework yet): " + "; ".join(report.unlinked)
        )
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
    values = _meeting_values(m, where="governance/data/essex.yaml")
    meeting = Meeting.objects.filter(partnership=partnership, date=values["date"]).first()
    if meeting is None:
        # Meetings with no transcribed agenda get the standing items, as a secretariat would.
        meeting = meeting_create(partnership=partnership, standing_items=not m.get("items"), **values)
        summary.created += 1
    else:
        summary.kept += 1
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
        item = _ensure(
            AgendaItem,
            {"meeting": meeting, "order": place},
            {"number": str(item_spec["number"]), **_item_values(item_spec, where="governance/data/essex.yaml")},
            summary,
        )
        for paper in item_spec.get("papers") or []:
            _ensure(Paper, {"item": item, "title": paper["title"]}, {"note": paper.get("note", "")}, summary)
        for k, d in enumerate(item_spec.get("decisions") or [], start=1):
            if not item.decisions.filter(order=k).exists():
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
                summary.created += 1
            else:
                summary.kept += 1
        for k, row in enumerate(_indicator_rows(item_spec.get("indicators") or []), start=1):
            _ensure(
                MonitoredIndicator,
                {"partnership": partnership, "agreed_at": item, "order": k},
                {
                    "priority": row["priority"],
                    "title": row["title"],
                    "reference": row.get("reference", ""),
                    "national_indicator_ref": national_indicator_ref(row.get("reference", "")),
                    "source": f"{item_spec.get('source', '')}, row {k}"[:300],
                },
                summary,
            )
    return meeting


def _indicator_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A blank priority continues the one above, as in the minutes' table."""
    out = []
    priority = ""
    for row in rows:
        priority = row.get("priority") or priority
        out.append({**row, "priority": priority})
    return out
