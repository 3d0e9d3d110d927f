"""Attendance at a meeting: the tick-list built from the membership, saved at once, and single
records for people who came without holding a seat (an invited officer)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from saferhub.accounts.models import Organisation, Partnership
from saferhub.core.audit import audit_record
from saferhub.core.checks import UNCHANGED, Unchanged, check_choice, check_instance, check_text, merged
from saferhub.core.errors import ValidationProblem
from saferhub.governance.models import Attendance, Meeting, Seat
from saferhub.governance.services.common import changes_save, meeting_where

SUBSTITUTE = "substitute"
"""A mark on the tick-list: someone came in the member's place. It is kept as present for the
seat's body, with who came (a position) in ``Attendance.substitute``."""

MARKS = (
    (Attendance.Status.PRESENT.value, "Present"),
    (Attendance.Status.APOLOGIES.value, "Apologies"),
    (SUBSTITUTE, "Substitute"),
    (Attendance.Status.ABSENT.value, "Absent"),
)


def _refuse_if_cancelled(meeting: Meeting, where: str) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationProblem(
            "the meeting was cancelled: there is no attendance to record", where=where, code="cancelled"
        )


def seats_at(meeting: Meeting) -> list[Seat]:
    """The seats of the partnership at the meeting: not ended before its date, in the order of
    the membership."""
    return list(
        Seat.objects.filter(partnership=meeting.partnership)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=meeting.date))
        .select_related("organisation", "represents")
        .order_by("order", "pk")
    )


@dataclass(frozen=True)
class SeatMark:
    """One line of the tick-list: a seat and how it was marked (``MARKS``); ``substitute`` is the
    position of whoever came in the member's place."""

    seat: Seat
    mark: str
    substitute: str = ""


@dataclass(frozen=True)
class AttendanceSaved:
    present: int
    substitutes: int
    apologies: int
    absent: int

    def __str__(self) -> str:
        subs = f" (including {self.substitutes} substitute{'s' if self.substitutes != 1 else ''})"
        return (
            f"{self.present} present{subs if self.substitutes else ''}, "
            f"{self.apologies} apologies, {self.absent} absent"
        )


def seat_field(seat: Seat) -> str:
    """The name of a seat's line on the tick-list form (and of the field its problems name)."""
    return f"seat-{seat.pk}"


def attendance_sheet_save(
    *, meeting: Meeting, marks: Sequence[SeatMark], chair: Seat | None = None, actor: Any = None
) -> AttendanceSaved:
    """Save the tick-list at once: for each seat, present, apologies, a substitute (and who) or
    absent; and which seat chaired. Every line is checked first: a seat of another partnership or
    one that had ended, a seat marked twice, an unknown mark, a substitute without saying who, or a
    chair who was not there saves nothing. Lines already recorded are updated, new ones added, in
    bulk, with history."""
    where = f"{meeting_where(meeting)}, attendance"
    _refuse_if_cancelled(meeting, where)
    current = {s.pk: s for s in seats_at(meeting)}
    seen: set[int] = set()
    clean: dict[int, tuple[str, str]] = {}
    for line in marks:
        name = seat_field(line.seat)
        if line.seat.pk not in current:
            raise ValidationProblem(
                f"{line.seat} is not a seat of {meeting.partnership.name} at this meeting", where=where, field=name
            )
        if line.seat.pk in seen:
            raise ValidationProblem(f"{line.seat} is marked twice", where=where, field=name, code="duplicate")
        seen.add(line.seat.pk)
        if not line.mark:
            raise ValidationProblem(
                f"say whether {line.seat} was present, sent apologies, sent a substitute or was absent",
                where=where,
                field=name,
                code="required",
            )
        mark = check_choice(line.mark, [m for m, _ in MARKS], field=name, label=f"attendance of {line.seat}")
        substitute = ""
        if mark == SUBSTITUTE:
            substitute = check_text(
                line.substitute,
                field=f"{name}-substitute",
                label=f"who came instead of {line.seat}",
                where=where,
                max_length=300,
                required=True,
            )
        clean[line.seat.pk] = (mark, substitute)
    if chair is not None and (
        chair.pk not in clean or clean[chair.pk][0] not in {Attendance.Status.PRESENT, SUBSTITUTE}
    ):
        raise ValidationProblem(
            f"{chair} cannot have chaired the meeting: they are not marked present", where=where, field="chair"
        )
    with transaction.atomic():
        existing = {
            row.seat_id: row
            for row in Attendance.objects.select_for_update().filter(meeting=meeting, seat_id__in=list(clean))
        }
        start = Attendance.objects.filter(meeting=meeting).count()
        new: list[Attendance] = []
        changed: list[Attendance] = []
        for seat_pk, (mark, substitute) in clean.items():
            seat = current[seat_pk]
            status = Attendance.Status.PRESENT if mark == SUBSTITUTE else mark
            is_chair = chair is not None and chair.pk == seat_pk
            row = existing.get(seat_pk)
            if row is None:
                new.append(
                    Attendance(
                        meeting=meeting,
                        seat=seat,
                        organisation_id=seat.organisation_id,
                        represents_id=seat.represents_id,
                        position=seat.position,
                        status=status,
                        substitute=substitute,
                        is_chair=is_chair,
                        order=start + len(new) + 1,
                    )
                )
            elif (row.status, row.substitute, row.is_chair) != (status, substitute, is_chair):
                row.status, row.substitute, row.is_chair = status, substitute, is_chair
                changed.append(row)
        if chair is not None:
            # One chair: whoever else was recorded as chairing (a seat or not) no longer is.
            for row in Attendance.objects.filter(meeting=meeting, is_chair=True).exclude(seat_id=chair.pk):
                if row.seat_id not in clean:
                    row.is_chair = False
                    changed.append(row)
        user = actor if getattr(actor, "pk", None) else None
        if new:
            bulk_create_with_history(new, Attendance, default_user=user)
        if changed:
            bulk_update_with_history(
                changed, Attendance, ["status", "substitute", "is_chair", "updated_at"], default_user=user
            )
        marks_made = [mark for mark, _ in clean.values()]
        saved = AttendanceSaved(
            present=sum(m in {Attendance.Status.PRESENT, SUBSTITUTE} for m in marks_made),
            substitutes=marks_made.count(SUBSTITUTE),
            apologies=marks_made.count(Attendance.Status.APOLOGIES),
            absent=marks_made.count(Attendance.Status.ABSENT),
        )
        audit_record(
            actor=actor,
            action="governance.attendance.sheet",
            obj=meeting,
            added=len(new),
            changed=len(changed),
            summary=str(saved),
        )
    return saved


def _attendance_values(*, meeting: Meeting, values: dict[str, Any], where: str) -> dict[str, Any]:
    seat = check_instance(values["seat"], Seat, field="seat", where=where)
    organisation = check_instance(values["organisation"], Organisation, field="organisation", where=where)
    represents = check_instance(values["represents"], Partnership, field="represents", where=where)
    if seat is not None:
        if seat.partnership_id != meeting.partnership_id:
            raise ValidationProblem("the seat is not one of this partnership's seats", where=where, field="seat")
        organisation = organisation or seat.organisation
        represents = represents or seat.represents
    if organisation is None and represents is None:
        raise ValidationProblem(
            "say which organisation or partnership the person was there for",
            where=where,
            field="organisation",
            code="required",
        )
    return {
        "seat": seat,
        "organisation": organisation,
        "represents": represents,
        "position": check_text(values["position"], field="position", where=where, max_length=300),
        "status": check_choice(values["status"], Attendance.Status, field="status", label="attendance", where=where),
        "is_chair": bool(values["is_chair"]),
        "nominated_person": check_text(
            values["nominated_person"], field="nominated_person", where=where, max_length=200
        ),
        "source": check_text(values["source"], field="source", where=where, max_length=300),
    }


def attendance_record(
    *,
    meeting: Meeting,
    status: str,
    organisation: Organisation | None = None,
    represents: Partnership | None = None,
    seat: Seat | None = None,
    position: str = "",
    is_chair: bool = False,
    nominated_person: str = "",
    source: str = "",
    order: int | None = None,
    actor: Any = None,
) -> Attendance:
    """Record one person who was present, sent apologies or was absent, by organisation and
    position (for those without a seat; members are marked on the tick-list)."""
    where = f"{meeting_where(meeting)}, attendance"
    _refuse_if_cancelled(meeting, where)
    clean = _attendance_values(
        meeting=meeting,
        values={
            "seat": seat,
            "organisation": organisation,
            "represents": represents,
            "position": position,
            "status": status,
            "is_chair": is_chair,
            "nominated_person": nominated_person,
            "source": source,
        },
        where=where,
    )
    if clean["is_chair"] and meeting.attendance.filter(is_chair=True).exists():
        raise ValidationProblem("someone is already recorded as chairing this meeting", where=where, field="is_chair")
    with transaction.atomic():
        place = order or (meeting.attendance.count() + 1)
        row = Attendance.objects.create(meeting=meeting, order=place, **clean)
        audit_record(actor=actor, action="governance.attendance.record", obj=row, status=row.status)
    return row


def attendance_update(
    *,
    attendance: Attendance,
    status: str | Unchanged = UNCHANGED,
    organisation: Organisation | Unchanged | None = UNCHANGED,
    represents: Partnership | Unchanged | None = UNCHANGED,
    seat: Seat | Unchanged | None = UNCHANGED,
    position: str | Unchanged = UNCHANGED,
    is_chair: bool | Unchanged = UNCHANGED,
    nominated_person: str | Unchanged = UNCHANGED,
    source: str | Unchanged = UNCHANGED,
    actor: Any = None,
) -> Attendance:
    """Change one attendance record (e.g. absent → apologies)."""
    meeting = attendance.meeting
    where = f"{meeting_where(meeting)}, attendance"
    values = merged(
        attendance,
        status=status,
        organisation=organisation,
        represents=represents,
        seat=seat,
        position=position,
        is_chair=is_chair,
        nominated_person=nominated_person,
        source=source,
    )
    clean = _attendance_values(meeting=meeting, values=values, where=where)
    if clean["is_chair"] and meeting.attendance.filter(is_chair=True).exclude(pk=attendance.pk).exists():
        raise ValidationProblem("someone is already recorded as chairing this meeting", where=where, field="is_chair")
    with transaction.atomic():
        changed = changes_save(attendance, clean)
        if changed:
            audit_record(actor=actor, action="governance.attendance.update", obj=attendance, fields=changed)
    return attendance
