"""Indicator values: one series per indicator, area and breakdown, with intervals computed once
at write time and a revision history."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import TimeStampedModel


class IndicatorValue(TimeStampedModel):
    class Status(models.TextChoices):
        PROVISIONAL = "provisional", "Provisional"
        FINAL = "final", "Final"

    indicator = models.ForeignKey("framework.Indicator", on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey("geography.Area", on_delete=models.PROTECT, related_name="indicator_values")
    period_label = models.CharField(max_length=40, help_text="Canonical period: 2024-03, 2024-Q1, 2023, 2023/24.")
    period_kind = models.CharField(max_length=16)
    period_start = models.DateField()
    period_end = models.DateField()
    breakdown = models.CharField(
        max_length=120, blank=True, default="", help_text="Empty for the total; e.g. category=burglary."
    )
    value = models.FloatField(null=True, blank=True, help_text="Empty when suppressed or not available.")
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    lower_95 = models.FloatField(null=True, blank=True)
    upper_95 = models.FloatField(null=True, blank=True)
    lower_998 = models.FloatField(null=True, blank=True)
    upper_998 = models.FloatField(null=True, blank=True)
    interval_method = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.FINAL)
    source_note = models.TextField(blank=True, help_text="Where the figure came from, e.g. a seed section.")
    source_import = models.ForeignKey(
        "ingest.Import", null=True, blank=True, on_delete=models.SET_NULL, related_name="indicator_values"
    )
    quality_flags = models.JSONField(default=list, blank=True, help_text='e.g. ["low_volume"]')
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "area", "period_start", "breakdown"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "period_label", "breakdown"], name="one_value_per_period"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "breakdown", "area", "period_start"])]

    def __str__(self) -> str:
        return f"{self.indicator.slug} {self.area.code} {self.period_label} {self.breakdown} = {self.value}"
