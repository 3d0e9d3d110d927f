"""Forms for the secretariat's pages. They only parse input; the services check the rules and
write. Dates use the GOV.UK date input pattern (day, month, year)."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from django import forms

from saferhub.accounts.models import Organisation, Partnership
from saferhub.core.forms import GovukForm
from saferhub.core.models import Publication
from saferhub.governance.models import OUTLINE_HELP, AgendaItem, Attendance, Declaration, Meeting, Seat
from saferhub.governance.services.attendance import MARKS, SUBSTITUTE, SeatMark, seat_field

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


class DateInputWidget(forms.MultiWidget):
    """Three inputs (day, month, year) as the GOV.UK date input component."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = [
            forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
            ),
            forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-2"}
            ),
            forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input govuk-date-input__input govuk-input--width-4"}
            ),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    widget = DateInputWidget

    def __init__(self, **kwargs: Any) -> None:
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> date | None:
        if not data_list or not any(data_list):
            return None
        parts = [str(p or "").strip() for p in data_list]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError("Enter the date as numbers: day, month and year, for example 1 7 2008")
        day, month, year = (int(p) for p in parts)
        if year < 1900 or year > 2200:
            raise forms.ValidationError("Enter a year with 4 numbers, for example 2008")
        try:
            return date(year, month, day)
        except ValueError:
            raise forms.ValidationError("Enter a real date, for example 1 7 2008") from None


class TimeField(forms.CharField):
    """A time of day typed as people write it: 9:30, 09.30, 2pm, 2:30pm, 14:00."""

    def to_python(self, value: Any) -> time | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        match = _TIME.match(text)
        if not match:
            raise forms.ValidationError("Enter a time, for example 9:30am or 14:00")
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
        if half:
            if not 1 <= hour <= 12:
                raise forms.ValidationError("Enter a time between 1 and 12 with am or pm, for example 2pm")
            hour = hour % 12 + (12 if half == "pm" else 0)
        if hour > 23 or minute > 59:
            raise forms.ValidationError("Enter a real time, for example 9:30am or 14:00")
        return time(hour, minute)

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%H:%M") if isinstance(value, time) else value


def _organisations() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), required=False, empty_label="Choose an organisation"
    )


def _partnerships(label: str, help_text: str = "") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Partnership.objects.order_by("name"),
        required=False,
        empty_label="None",
        label=label,
        help_text=help_text,
    )


def _publication(what: str) -> forms.ChoiceField:
    # Not required: a form posted without it (a script, an old page) keeps what is there.
    return forms.ChoiceField(
        choices=Publication.choices,
        initial=Publication.MEMBERS,
        required=False,
        widget=forms.RadioSelect,
        label="Who can read it",
        help_text=f"Published: anyone can read the {what}, signed in or not.",
    )


class _KeepsPublication(GovukForm):
    def clean_publication(self) -> str:
        return self.cleaned_data.get("publication") or self.initial.get("publication") or Publication.MEMBERS


class TermsForm(_KeepsPublication):
    title = forms.CharField(max_length=300, required=False, label="Full name in the terms")
    purpose = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), required=False, help_text=OUTLINE_HELP)
    chairing = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Chairing arrangements", help_text=OUTLINE_HELP
    )
    secretariat = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), required=False, empty_label="None", label="Secretariat"
    )
    secretariat_note = forms.CharField(max_length=300, required=False, label="Who provides administration")
    minimum_meetings_per_year = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=52,
        label="Minimum meetings a year",
        help_text="Leave blank if the terms do not say.",
    )
    declarations_standing_item = forms.BooleanField(
        required=False, initial=True, label="Declarations of pecuniary or other interests are a standing agenda item"
    )
    declarations_wording = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    quorum = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=500,
        help_text="How many member organisations or partnerships must be present. Leave blank if the terms do not say.",
    )
    review_arrangements = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    review_by = DateField(required=False, label="Review by", help_text="For example, 31 10 2010")
    publication = _publication("terms of reference and membership")


class SeatForm(GovukForm):
    organisation = _organisations()
    represents = _partnerships("Partnership it speaks for", "For example, a district community safety partnership.")
    position = forms.CharField(max_length=200, required=False, help_text="A position, never a person's name.")
    category = forms.ChoiceField(choices=Seat.Category.choices, initial=Seat.Category.MEMBER)
    required_by_legislation = forms.BooleanField(required=False, label="Required by legislation")
    nominated_person = forms.CharField(max_length=200, required=False, label="Nominated person")
    ended_on = DateField(
        required=False, label="Seat ended on", help_text="Only to remove the seat from the membership."
    )


class MeetingForm(_KeepsPublication):
    date = DateField(help_text="For example, 2 10 2008")
    start_time = TimeField(required=False, label="Start time", help_text="For example, 9:30am or 14:00")
    end_time = TimeField(required=False, label="End time")
    location = forms.CharField(max_length=300, required=False)
    title = forms.CharField(max_length=200, required=False, help_text="Leave blank to use the partnership's name.")
    status = forms.ChoiceField(choices=Meeting.Status.choices, initial=Meeting.Status.SCHEDULED)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="For example, why it was cancelled."
    )
    publication = _publication("agenda, minutes and papers (items taken in private stay private)")


class AgendaItemForm(GovukForm):
    number = forms.CharField(max_length=10, required=False, help_text="Leave blank to number it after the last item.")
    title = forms.CharField(max_length=300)
    kind = forms.ChoiceField(choices=AgendaItem.Kind.choices, initial=AgendaItem.Kind.DISCUSSION, label="Type of item")
    presenter = forms.CharField(max_length=300, required=False, help_text="A position and organisation, never a name.")
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Agenda note", help_text=OUTLINE_HELP
    )
    minutes = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), required=False, help_text=OUTLINE_HELP)
    decisions_intro = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Words before the actions agreed"
    )
    exempt = forms.BooleanField(
        required=False,
        label="Taken in private (exempt information)",
        help_text="Its title, papers, minutes and decisions are kept from the published record.",
    )
    exempt_reason = forms.CharField(
        max_length=300,
        required=False,
        label="Why it is exempt",
        help_text=(
            "For example, information relating to an individual (Local Government Act 1972, Schedule 12A, paragraph 1)."
        ),
    )


class PaperForm(GovukForm):
    title = forms.CharField(max_length=300)
    file = forms.FileField(
        required=False, help_text="PDF, Word, Excel, PowerPoint, OpenDocument, CSV or text, up to 25 MB."
    )
    note = forms.CharField(max_length=300, required=False, label="Where the paper is held, if not uploaded")


class PaperReplaceForm(GovukForm):
    file = forms.FileField(label="New version", help_text="The earlier version stays available in the paper's history.")


class DeclarationForm(GovukForm):
    organisation = _organisations()
    position = forms.CharField(max_length=300, label="Who declared", help_text="A position, never a name.")
    kind = forms.ChoiceField(choices=Declaration.Kind.choices, widget=forms.RadioSelect, label="Kind of interest")
    interest = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Nature of the interest")
    action_taken = forms.CharField(
        max_length=300, required=False, help_text="For example, left the meeting for this item."
    )


class AttendanceForm(GovukForm):
    organisation = _organisations()
    represents = _partnerships("Partnership they spoke for", "Leave as none if they spoke for their own organisation.")
    position = forms.CharField(max_length=300, required=False, help_text="A position, never a name.")
    status = forms.ChoiceField(choices=Attendance.Status.choices, widget=forms.RadioSelect, label="Attendance")
    is_chair = forms.BooleanField(required=False, label="Chaired the meeting")


class DecisionForm(GovukForm):
    """An action agreed. Its owner is one of the partnership's member organisations (chosen from
    the seats at the meeting), and a role within it if the minutes give one."""

    label = forms.CharField(max_length=10, required=False, help_text="As minuted, for example a.")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Action agreed")
    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Owner's organisation",
        empty_label="Choose a member organisation",
        help_text="The member organisation that will carry the action out.",
        error_messages={"required": "Choose the organisation that owns the action"},
    )
    owner_role = forms.CharField(
        max_length=200, required=False, label="Owner's role", help_text="A role, never a name."
    )
    due_date = DateField(required=False, label="Due date")
    agreed_complete = forms.BooleanField(
        required=False, label="The decision itself completes it (nothing further to do)"
    )
    resources_amount = forms.DecimalField(
        required=False, min_value=0, max_digits=14, decimal_places=2, label="Money agreed (£, optional)"
    )

    def __init__(self, *args: Any, organisations: list[Organisation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner_organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations or []]).order_by("name")


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.date.day} {obj.date:%B %Y}"


class ForwardPlanForm(GovukForm):
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lead = forms.CharField(max_length=300, required=False, help_text="A position and organisation, never a name.")
    kind = forms.ChoiceField(choices=AgendaItem.Kind.choices, initial=AgendaItem.Kind.DISCUSSION, label="Type of item")
    target_meeting = MeetingChoiceField(
        queryset=Meeting.objects.none(), required=False, empty_label="Not yet decided", label="For the meeting of"
    )

    def __init__(self, *args: Any, meetings: list[Meeting] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target_meeting"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings or []]).order_by("date")


class ScheduleForm(GovukForm):
    meeting = MeetingChoiceField(queryset=Meeting.objects.none(), label="Put it on the agenda of the meeting of")

    def __init__(self, *args: Any, meetings: list[Meeting] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings or []]).order_by("date")


class AttendanceSheetForm(GovukForm):
    """The attendance tick-list: one line per seat at the meeting (present, apologies, a substitute
    and who, or absent), and who chaired. Field names are the service's: ``seat-<id>``,
    ``seat-<id>-substitute`` and ``chair``."""

    def __init__(self, *args: Any, seats: list[Seat], initial_marks: dict[int, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seats = seats
        chair_choices: list[tuple[str, str]] = [("", "Someone else, or not recorded")]
        for seat in seats:
            mark, substitute = initial_marks.get(seat.pk, ("", ""))
            name = seat_field(seat)
            self.fields[name] = forms.ChoiceField(
                choices=MARKS,
                widget=forms.RadioSelect,
                label=seat_label(seat),
                initial=mark or None,
                error_messages={
                    "required": f"Select whether {seat_label(seat)} was present, sent apologies, "
                    "sent a substitute or was absent"
                },
            )
            self.fields[f"{name}-substitute"] = forms.CharField(
                max_length=300,
                required=False,
                label=f"Who came instead of {seat_label(seat)}",
                help_text="Their position, never a name.",
                initial=substitute,
            )
            chair_choices.append((str(seat.pk), seat_label(seat)))
        self.fields["chair"] = forms.ChoiceField(choices=chair_choices, required=False, label="Who chaired the meeting")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for seat in self.seats:
            name = seat_field(seat)
            if data.get(name) == SUBSTITUTE and not (data.get(f"{name}-substitute") or "").strip():
                self.add_error(f"{name}-substitute", f"Enter the position of who came instead of {seat_label(seat)}")
        return data

    def lines(self) -> list[dict[str, Any]]:
        """Each seat with its two bound fields, for the template."""
        return [
            {"seat": seat, "mark": self[seat_field(seat)], "substitute": self[f"{seat_field(seat)}-substitute"]}
            for seat in self.seats
        ]

    def marks(self) -> list[SeatMark]:
        """The cleaned tick-list for ``attendance_sheet_save``; a substitute's position is kept
        only for a seat marked substitute."""
        out = []
        for seat in self.seats:
            name = seat_field(seat)
            mark = self.cleaned_data[name]
            substitute = self.cleaned_data.get(f"{name}-substitute", "") if mark == SUBSTITUTE else ""
            out.append(SeatMark(seat=seat, mark=mark, substitute=substitute))
        return out

    def chair(self) -> Seat | None:
        chosen = self.cleaned_data.get("chair") or ""
        return next((s for s in self.seats if str(s.pk) == chosen), None)


def seat_label(seat: Seat) -> str:
    """'Chair, Basildon Community Safety Partnership': position, then the body the seat is for."""
    return ", ".join(part for part in (seat.position, seat.body_name) if part)
