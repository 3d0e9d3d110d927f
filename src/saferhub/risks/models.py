"""Risk registers on the corporate 4×4 risk matrix: inherent and controlled assessments, the 4T
approach, controls linked to actions, and dated reviews.

Scores and bands are never stored: they are read from the matrix (``risks.matrix``) each time, so
the table in the seed is the only rule.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import TimeStampedModel, publication_field
from saferhub.risks.matrix import Rating, rate

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


class Approach(models.TextChoices):
    TREAT = "treat", "Treat"
    TOLERATE = "tolerate", "Tolerate"
    TRANSFER = "transfer", "Transfer"
    TERMINATE = "terminate", "Terminate"


class RiskRegister(TimeStampedModel):
    """A register for an outcome (or group of outcomes) or a partnership."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    partnership = models.ForeignKey("accounts.Partnership", on_delete=models.PROTECT, related_name="risk_registers")
    framework = models.ForeignKey(
        "framework.Framework", null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_registers"
    )
    outcome = models.ForeignKey(
        "framework.Outcome", null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_registers"
    )
    theme = models.ForeignKey(
        "framework.Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_registers"
    )
    escalation_score = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(16)],
        help_text="Risks whose current score on the matrix is at least this are escalated.",
    )
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    publication = publication_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Risk(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    register = models.ForeignKey(RiskRegister, on_delete=models.CASCADE, related_name="risks")
    reference = models.CharField(max_length=40)
    event = models.TextField(help_text="Details of the risk event.")
    cause = models.TextField(blank=True, help_text="Cause or triggers.")
    consequence = models.TextField(blank=True, help_text="Impact or consequences.")
    owner_role = models.CharField(max_length=200, blank=True, help_text="Risk owner: a role, never a personal name.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_risks"
    )
    review_period_months = models.PositiveSmallIntegerField(null=True, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    inherent_impact = models.PositiveSmallIntegerField(null=True, blank=True, validators=LEVEL_VALIDATORS)
    inherent_likelihood = models.PositiveSmallIntegerField(null=True, blank=True, validators=LEVEL_VALIDATORS)
    approach = models.CharField(max_length=12, choices=Approach.choices, blank=True)
    controls = models.TextField(blank=True, help_text="Controls in place and mitigating actions.")
    mitigating_actions = models.ManyToManyField("delivery.Action", blank=True, related_name="risks")
    control_owner_role = models.CharField(max_length=200, blank=True)
    controlled_impact = models.PositiveSmallIntegerField(null=True, blank=True, validators=LEVEL_VALIDATORS)
    controlled_likelihood = models.PositiveSmallIntegerField(null=True, blank=True, validators=LEVEL_VALIDATORS)
    indicators = models.ManyToManyField("framework.Indicator", blank=True, related_name="risks")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["register", "order", "reference"]
        constraints = [models.UniqueConstraint(fields=["register", "reference"], name="risk_reference_once")]

    def __str__(self) -> str:
        return f"{self.reference} {self.event[:60]}".strip()

    @property
    def inherent_rating(self) -> Rating | None:
        if self.inherent_impact is None or self.inherent_likelihood is None:
            return None
        return rate(self.inherent_impact, self.inherent_likelihood)

    @property
    def controlled_rating(self) -> Rating | None:
        if self.controlled_impact is None or self.controlled_likelihood is None:
            return None
        return rate(self.controlled_impact, self.controlled_likelihood)

    @property
    def current_rating(self) -> Rating | None:
        """With controls if assessed, otherwise before them."""
        return self.controlled_rating or self.inherent_rating

    @property
    def escalated(self) -> bool:
        rating = self.current_rating
        return bool(rating and self.status == self.Status.OPEN and rating.score >= self.register.escalation_score)

    def review_overdue(self, today: date) -> bool:
        return bool(self.status == self.Status.OPEN and self.next_review_date and self.next_review_date < today)


class RiskReview(TimeStampedModel):
    """A dated review of a risk: what was found, and the assessment after it."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField()
    controlled_impact = models.PositiveSmallIntegerField(null=True, blank=True, validators=LEVEL_VALIDATORS)
    controlled_likelihood = models.PositiveSmallIntegerField(null=True, blank=True, validators=LEVEL_VALIDATORS)
    next_review_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "-reviewed_on", "-id"]
