"""Action plans: strategic actions and schedules of activity, with a dated progress log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import TimeStampedModel, publication_field


class Level(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class ActionPlan(TimeStampedModel):
    """A schedule of actions: the CSA's key activities, a strategy's strategic actions."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    partnership = models.ForeignKey("accounts.Partnership", on_delete=models.PROTECT, related_name="action_plans")
    framework = models.ForeignKey(
        "framework.Framework", null=True, blank=True, on_delete=models.SET_NULL, related_name="action_plans"
    )
    source = models.CharField(max_length=300, blank=True)
    period_label = models.CharField(max_length=40, blank=True, help_text="As the plan writes it, e.g. 2008/09–2010/11.")
    description = models.TextField(blank=True)
    publication = publication_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Action(TimeStampedModel):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        ON_HOLD = "on_hold", "On hold"
        CANCELLED = "cancelled", "Cancelled"

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(max_length=40, blank=True, help_text="e.g. CSA3/2")
    heading = models.CharField(
        max_length=200, blank=True, help_text="The group the plan lists it under, e.g. 'Year 3 2010/11'."
    )
    title = models.TextField()
    description = models.TextField(blank=True, help_text="Detail or sub-actions, as the source gives them.")
    theme = models.ForeignKey(
        "framework.Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    indicators = models.ManyToManyField("framework.Indicator", blank=True, related_name="actions")
    lead_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_actions"
    )
    lead_role = models.CharField(max_length=200, blank=True, help_text="A role, never a personal name.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_actions",
        help_text="The person who updates progress, if one is nominated.",
    )
    resources = models.TextField(blank=True)
    resources_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    impact = models.CharField(max_length=8, choices=Level.choices, blank=True)
    priority = models.CharField(max_length=8, choices=Level.choices, blank=True)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    progress_summary = models.TextField(blank=True, help_text="Progress as the source states it.")
    budget_risk = models.TextField(blank=True, help_text="Risk areas for a budget reduction, as the plan states them.")
    indicator_refs = models.JSONField(
        default=list,
        blank=True,
        help_text="The indicators as the source names them (framework code or national indicator), kept so "
        "links can be made again when an indicator is loaded later.",
    )
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    source_note = models.TextField(blank=True, help_text="How this was transcribed, where the source is ambiguous.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "reference"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title[:60]}".strip()


class ProgressUpdate(TimeStampedModel):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    on = models.DateField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField()
    status_after = models.CharField(max_length=16, choices=Action.Status.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-on", "-id"]
