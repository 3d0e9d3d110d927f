"""Base models and the audit trail."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    """Created and modified times, both UTC-aware."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(TimeStampedModel):
    """A stable public identifier for records that leave the hub (API, exports)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class Publication(models.TextChoices):
    """Whether a document is the partnership's own or published to everyone (board papers, terms of
    reference, action plans, risk registers and budgets are normally public in England)."""

    MEMBERS = "members", "Members of the partnership only"
    PUBLISHED = "published", "Published to everyone"


def publication_field() -> models.CharField:
    """Members only unless someone publishes it: nothing is public by accident."""
    return models.CharField(
        max_length=12,
        choices=Publication.choices,
        default=Publication.MEMBERS,
        help_text="Published documents can be read by anyone, signed in or not.",
    )


class AuditEvent(models.Model):
    """Who did what to which record, and when. Written in the same transaction as the change."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class ChangeCounter(models.Model):
    """A named number that goes up whenever what it stands for changes (``saferhub.core.generations``):
    caches key their entries by it, so every web process on every machine sees a change at once."""

    name = models.CharField(max_length=60, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} {self.value}"


class SuppressedFigure(models.Model):
    """A published figure that the public may not see: a small count (primary) or a figure hidden so
    that no small count can be worked out from those shown beside it (secondary). Decided for a whole
    family of related figures at once by ``saferhub.core.disclosure.protect`` when their summaries are
    refreshed, and read by every page and export that shows them (``saferhub.core.suppressions``).

    Named by what is counted (an indicator's slug), where (an area's GSS code), when and which
    breakdown, so the decision still applies to a value an import has rewritten since."""

    class Reason(models.TextChoices):
        PRIMARY = "primary", "Small count"
        SECONDARY = "secondary", "Would give a small count away"

    family = models.CharField(max_length=100, db_index=True, help_text="The set of related figures decided together.")
    measure = models.CharField(max_length=100)
    area_code = models.CharField(max_length=9)
    period_label = models.CharField(max_length=40)
    breakdown = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=10, choices=Reason.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "area_code", "period_label", "breakdown"], name="one_decision_per_figure"
            )
        ]
        indexes = [models.Index(fields=["area_code", "measure"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.area_code} {self.period_label} {self.breakdown} ({self.reason})"
