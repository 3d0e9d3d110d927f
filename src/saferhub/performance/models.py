"""Precomputed performance summaries: one per indicator and area, recomputed by
``performance_refresh`` after values change, and only read by pages (compute once, render many).

The short fields are what pages filter and sort on; ``detail`` holds everything else a page or a
"why" panel shows: the series, the interval, each benchmark comparison with its reason, the SPC rule
that fired, the trend test, the forecast and the target status.
"""

from __future__ import annotations

from django.db import models

from saferhub.core.models import TimeStampedModel

#: The change counter that cached performance sections are keyed by (``saferhub.core.generations``).
GENERATION = "performance"
#: Everything a cached section shows comes from these models: any insert, update or delete of their
#: rows bumps the counter through a database trigger, in the writer's transaction (ADR 0004).
WATCHED = (
    "core.SuppressedFigure",
    "accounts.Organisation",
    "accounts.Partnership",
    "framework.Framework",
    "framework.Outcome",
    "framework.Theme",
    "framework.IndicatorMembership",
    "framework.Indicator",
    "framework.Target",
    "geography.Area",
    "geography.Boundary",
    "measures.IndicatorValue",
    "performance.IndicatorSummary",
)


class TargetStatus(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    NOT_ENOUGH_EVIDENCE = "not_enough_evidence", "Not enough evidence"
    NO_TARGET = "no_target", "No target"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class IndicatorSummary(TimeStampedModel):
    """The latest position of one indicator in one area. Written only by ``performance_refresh``;
    it is derived data (its sources keep their own history), so it has no history of its own."""

    indicator = models.ForeignKey("framework.Indicator", on_delete=models.CASCADE, related_name="summaries")
    area = models.ForeignKey("geography.Area", on_delete=models.CASCADE, related_name="indicator_summaries")
    computed_at = models.DateTimeField()
    points = models.PositiveIntegerField(default=0, help_text="Values in the series.")
    latest_period_label = models.CharField(max_length=40, blank=True)
    latest_period_start = models.DateField(null=True, blank=True)
    latest_period_end = models.DateField(null=True, blank=True)
    latest_value = models.FloatField(null=True, blank=True)
    latest_lower_95 = models.FloatField(null=True, blank=True)
    latest_upper_95 = models.FloatField(null=True, blank=True)
    latest_numerator = models.FloatField(null=True, blank=True)
    target_status = models.CharField(max_length=24, choices=TargetStatus.choices, default=TargetStatus.NO_TARGET)
    spc_variation = models.CharField(max_length=32, blank=True)
    spc_assurance = models.CharField(max_length=32, blank=True)
    benchmark_outcome = models.CharField(max_length=16, blank=True)
    benchmark_name = models.CharField(max_length=200, blank=True)
    trend = models.CharField(max_length=32, blank=True)
    completeness = models.FloatField(null=True, blank=True, help_text="Share of expected periods present, 0–1.")
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["indicator", "area"]
        constraints = [models.UniqueConstraint(fields=["indicator", "area"], name="one_summary_per_indicator_area")]
        indexes = [models.Index(fields=["area", "indicator"])]
        verbose_name_plural = "indicator summaries"

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.latest_period_label}"
