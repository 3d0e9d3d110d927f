"""Governance: terms of reference, seats, meetings, attendance, agenda items with papers,
declarations of interest, minutes, decisions (each tracked as a delivery.Action), the indicators a
partnership agreed to monitor, and the forward plan.

A partnership's kind, statutory basis and accountable-to live on accounts.Partnership; everything
here points at it. People are recorded by organisation and position, never by name: the optional
``nominated_person`` fields exist for real deployments and stay empty in the seeded data.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import PublicIdModel, TimeStampedModel, publication_field

OUTLINE_HELP = "One point per line. Start a line with '- ' for a bullet; indent by two spaces for a point under it."


class PartnershipProfile(TimeStampedModel):
    """What a partnership is for, in a paragraph, and where that was read."""

    partnership = models.OneToOneField(
        "accounts.Partnership", on_delete=models.CASCADE, related_name="governance_profile"
    )
    summary = models.TextField(blank=True)
    membership_note = models.CharField(max_length=300, blank=True, help_text="e.g. 'statutory multi-agency membership'")
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Profile of {self.partnership}"


class TermsOfReference(TimeStampedModel):
    partnership = models.OneToOneField(
        "accounts.Partnership", on_delete=models.CASCADE, related_name="terms_of_reference"
    )
    title = models.CharField(max_length=300, blank=True, help_text="The partnership's full name as the terms give it.")
    purpose = models.TextField(blank=True, help_text=OUTLINE_HELP)
    chairing = models.TextField(blank=True, help_text=OUTLINE_HELP)
    secretariat = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    secretariat_note = models.CharField(max_length=300, blank=True, help_text="Who provides administration.")
    minimum_meetings_per_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Counted over the financial year (April to March)."
    )
    declarations_standing_item = models.BooleanField(
        default=True, help_text="Every agenda opens with declarations of pecuniary or other interests."
    )
    declarations_wording = models.TextField(blank=True)
    quorum = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How many member organisations or partnerships must be present. Leave blank if the terms do not say.",
    )
    review_arrangements = models.TextField(blank=True)
    review_by = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    publication = publication_field()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "terms of reference"

    def __str__(self) -> str:
        return f"Terms of reference of {self.partnership}"


class Seat(TimeStampedModel):
    """A place at the table: an organisation (or a partnership it speaks for) and a position."""

    class Category(models.TextChoices):
        MEMBER = "member", "Member"
        ADDITIONAL = "additional", "Additional member"
        BY_INVITATION = "by_invitation", "Member, co-optee or invited as required"

    partnership = models.ForeignKey("accounts.Partnership", on_delete=models.CASCADE, related_name="seats")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="governance_seats"
    )
    represents = models.ForeignKey(
        "accounts.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_in_seats",
        help_text="The partnership this seat speaks for, e.g. a district CSP.",
    )
    position = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.MEMBER)
    required_by_legislation = models.BooleanField(default=False)
    nominated_person = models.CharField(max_length=200, blank=True, help_text="Optional. Seeds leave it empty.")
    order = models.PositiveIntegerField(default=0)
    ended_on = models.DateField(null=True, blank=True, help_text="When the seat was removed from the membership.")
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(represents__isnull=False),
                name="seat_has_organisation_or_partnership",
            )
        ]

    @property
    def body_name(self) -> str:
        if self.represents is not None:
            return self.represents.name
        return self.organisation.name if self.organisation is not None else ""

    def __str__(self) -> str:
        return f"{self.body_name} — {self.position}".strip(" —")


class Meeting(PublicIdModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    partnership = models.ForeignKey("accounts.Partnership", on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True, help_text="UK time.")
    end_time = models.TimeField(null=True, blank=True, help_text="UK time.")
    location = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    note = models.TextField(blank=True, help_text="e.g. why the meeting was cancelled.")
    source = models.CharField(max_length=300, blank=True)
    publication = publication_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-start_time", "-pk"]
        indexes = [models.Index(fields=["partnership", "date"])]

    @property
    def name(self) -> str:
        return self.title or self.partnership.name

    def __str__(self) -> str:
        return f"{self.name}, {self.date:%d %B %Y}"


class AgendaItem(TimeStampedModel):
    class Kind(models.TextChoices):
        DECLARATIONS = "declarations", "Declarations of interest"
        PREVIOUS_MINUTES = "previous_minutes", "Minutes of the previous meeting"
        MATTERS_ARISING = "matters_arising", "Matters arising"
        DECISION = "decision", "For decision"
        DISCUSSION = "discussion", "For discussion"
        INFORMATION = "information", "For information"
        FORWARD_PLAN = "forward_plan", "Forward plan"
        AOB = "aob", "Any other business"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.CharField(max_length=10, help_text="As printed on the agenda.")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DISCUSSION)
    presenter = models.CharField(max_length=300, blank=True, help_text="A position and organisation, never a name.")
    summary = models.TextField(blank=True, help_text="What the agenda says about the item. " + OUTLINE_HELP)
    minutes = models.TextField(blank=True, help_text="What was said and noted. " + OUTLINE_HELP)
    decisions_intro = models.TextField(blank=True, help_text="Words before the list of actions agreed, if any.")
    exempt = models.BooleanField(
        default=False,
        help_text="Taken in private: its title, papers, minutes and decisions are kept from the published record.",
    )
    exempt_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text=(
            "Why, e.g. 'Information relating to an individual (Local Government Act 1972, Schedule 12A, paragraph 1)'."
        ),
    )
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "order"], name="one_item_per_place")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


def paper_upload_to(instance: Paper, filename: str) -> str:
    # A random folder per upload: names never collide and never reveal anything guessable.
    return f"governance/papers/{uuid.uuid4().hex}/{filename}"


class Paper(TimeStampedModel):
    """A paper for an agenda item. Replacing the file keeps the earlier one in the history."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=paper_upload_to, blank=True, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="e.g. 'attached to the original minutes'.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return self.title


class Declaration(TimeStampedModel):
    """An interest declared at a meeting, recorded against the item it concerns."""

    class Kind(models.TextChoices):
        PECUNIARY = "pecuniary", "Pecuniary interest"
        OTHER = "other", "Other interest"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="declarations")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.CharField(max_length=300, help_text="Who declared: a position, never a name.")
    nominated_person = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    interest = models.TextField(help_text="The nature of the interest.")
    action_taken = models.CharField(max_length=300, blank=True, help_text="e.g. 'left the meeting for this item'.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} in item {self.item.number}"


class Attendance(TimeStampedModel):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    seat = models.ForeignKey(Seat, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendance")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    represents = models.ForeignKey(
        "accounts.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The partnership the person spoke for, if not their own organisation.",
    )
    position = models.CharField(max_length=300, blank=True, help_text="A position, never a name.")
    substitute = models.CharField(
        max_length=300,
        blank=True,
        help_text="The position of whoever came in the member's place (the body counts as present).",
    )
    is_chair = models.BooleanField(default=False)
    nominated_person = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "status", "order", "pk"]
        verbose_name_plural = "attendance"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(represents__isnull=False),
                name="attendance_has_organisation_or_partnership",
            ),
            models.UniqueConstraint(
                fields=["meeting", "seat"],
                condition=models.Q(seat__isnull=False),
                name="one_attendance_line_per_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}, {self.organisation or self.represents} ({self.get_status_display()})"


class Decision(TimeStampedModel):
    """An "action agreed", as minuted. Its owner, due date and progress live on the tracked action."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=10, blank=True, help_text="As minuted, e.g. 'a.'")
    text = models.TextField()
    action = models.OneToOneField(
        "delivery.Action", null=True, blank=True, on_delete=models.SET_NULL, related_name="governance_decision"
    )
    owner_basis = models.CharField(
        max_length=300, blank=True, help_text="How the owner was identified where the minutes do not name one."
    )
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class MonitoredIndicator(TimeStampedModel):
    """An indicator the partnership agreed to monitor, linked to the catalogue when it is there."""

    partnership = models.ForeignKey(
        "accounts.Partnership", on_delete=models.CASCADE, related_name="monitored_indicators"
    )
    agreed_at = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="monitored_indicators"
    )
    priority = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=300)
    reference = models.CharField(max_length=200, blank=True, help_text="As written, e.g. 'NI 18; LAA 2'.")
    national_indicator_ref = models.CharField(max_length=20, blank=True)
    indicator = models.ForeignKey(
        "framework.Indicator", null=True, blank=True, on_delete=models.SET_NULL, related_name="monitored_by"
    )
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class ForwardPlanItem(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ON_AGENDA = "on_agenda", "On an agenda"
        WITHDRAWN = "withdrawn", "Withdrawn"

    partnership = models.ForeignKey("accounts.Partnership", on_delete=models.CASCADE, related_name="forward_plan")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    lead = models.CharField(max_length=300, blank=True, help_text="A position and organisation, never a name.")
    kind = models.CharField(max_length=20, choices=AgendaItem.Kind.choices, default=AgendaItem.Kind.DISCUSSION)
    target_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="forward_plan_items"
    )
    agenda_item = models.OneToOneField(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="forward_plan_item"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "status", "pk"]

    def __str__(self) -> str:
        return self.title
