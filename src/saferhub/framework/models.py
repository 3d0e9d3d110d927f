"""Outcomes frameworks ("turn the curve"): plans → outcomes → themes → indicators, and the
indicator catalogue they share, with targets, baselines, stories and partner contributions.

One indicator (e.g. feeling safe after dark) can belong to several frameworks under each plan's
own code ("2a", "NI 17"); it has one series of values (measures.IndicatorValue).
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import TimeStampedModel


class Polarity(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", "Higher is better"
    LOWER_IS_BETTER = "lower_is_better", "Lower is better"
    NO_JUDGEMENT = "no_judgement", "No judgement"


class ValueType(models.TextChoices):
    COUNT = "count", "Count"
    RATE_PER_1000 = "rate_per_1000", "Rate per 1,000"
    RATE_PER_10000 = "rate_per_10000", "Rate per 10,000"
    RATE_PER_100000 = "rate_per_100000", "Rate per 100,000"
    PERCENTAGE = "percentage", "Percentage"
    SCORE = "score", "Score"
    RATIO = "ratio", "Ratio"
    CURRENCY = "currency", "Money (£)"


VALUE_TYPE_MULTIPLIER = {
    ValueType.RATE_PER_1000: 1_000,
    ValueType.RATE_PER_10000: 10_000,
    ValueType.RATE_PER_100000: 100_000,
    ValueType.PERCENTAGE: 100,
}


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual (calendar year)"
    FINANCIAL_YEAR = "financial_year", "Annual (financial year)"
    BIENNIAL = "biennial", "Every two years"
    AD_HOC = "ad_hoc", "When available"


class Framework(TimeStampedModel):
    """A plan with outcomes and indicators: a strategy, an agreement, a board's list."""

    class Status(models.TextChoices):
        # A draft is the partnership's own until adopted; a consultation draft has been published
        # for the public to comment on, so it is read as the partnership publishes.
        DRAFT = "draft", "Draft"
        CONSULTATION = "consultation", "Consultation draft"
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    short_title = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey("accounts.Partnership", on_delete=models.PROTECT, related_name="frameworks")
    area = models.ForeignKey("geography.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    period_label = models.CharField(max_length=40, blank=True, help_text="As the plan writes it, e.g. 2014–18.")
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(max_length=300, blank=True, help_text="Seed file and section this was transcribed from.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Outcome(TimeStampedModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="outcomes")
    code = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order", "code"]

    def __str__(self) -> str:
        return self.title


class Theme(TimeStampedModel):
    """A theme or priority within an outcome (or directly under a framework)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="themes")
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class Indicator(TimeStampedModel):
    """An indicator in the shared catalogue."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        RETIRED = "retired", "Retired"

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=500)
    definition = models.TextField(blank=True)
    value_type = models.CharField(max_length=24, choices=ValueType.choices, default=ValueType.COUNT)
    unit = models.CharField(max_length=60, blank=True, help_text="What one unit is, e.g. 'crimes', 'people'.")
    polarity = models.CharField(max_length=24, choices=Polarity.choices, default=Polarity.NO_JUDGEMENT)
    polarity_note = models.TextField(
        blank=True, help_text="Why the polarity is what it is, or how it changes over time."
    )
    frequency = models.CharField(max_length=24, choices=Frequency.choices, default=Frequency.ANNUAL)
    national_indicator_ref = models.CharField(max_length=40, blank=True, help_text="e.g. NI 17")
    data_source = models.CharField(max_length=300, blank=True)
    lead_role = models.CharField(max_length=200, blank=True, help_text="A role, never a personal name.")
    lead_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="led_indicators"
    )
    owner = models.ForeignKey(
        "accounts.Partnership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicators",
        help_text="The partnership whose contributors keep this indicator current.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(max_length=300, blank=True, help_text="Seed file and section.")
    computed = models.JSONField(
        default=dict,
        blank=True,
        help_text="How values are counted from imported records (see measures.definitions); empty if none.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def multiplier(self) -> int:
        return VALUE_TYPE_MULTIPLIER.get(self.value_type, 1)  # type: ignore[call-overload]


class PolarityChange(TimeStampedModel):
    """A change of what "good" means from a date: 2c wants reporting of domestic abuse to rise
    first and incidence to fall later."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="polarity_changes")
    effective_from = models.DateField()
    polarity = models.CharField(max_length=24, choices=Polarity.choices)
    reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "effective_from"], name="one_polarity_change_per_date"),
        ]


class IndicatorMembership(TimeStampedModel):
    """An indicator listed in a framework, under the code that plan uses."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="memberships")
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="memberships")
    code = models.CharField(max_length=40, blank=True, help_text="The plan's own code: 2a, NI 17, LI 7.2.")
    reference = models.CharField(
        max_length=200, blank=True, help_text="The plan's reference column as written, e.g. 'NI 18; LAA 2'."
    )
    context = models.BooleanField(
        default=False,
        help_text="A context measure: a figure the plan's story cites, not one of the plan's own indicators.",
    )
    title_in_plan = models.CharField(max_length=500, blank=True, help_text="The plan's own wording, if different.")
    target_lead = models.CharField(max_length=200, blank=True, help_text="Lead named by this plan (a role).")
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "indicator"], name="indicator_once_per_framework"),
            models.UniqueConstraint(
                fields=["framework", "code"], condition=~models.Q(code=""), name="membership_code_once_per_framework"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework.slug} {self.code} {self.indicator.slug}"


class Target(TimeStampedModel):
    """An ambition for an indicator in an area: a value, a direction, or still to be set."""

    class Horizon(models.TextChoices):
        ONE_YEAR = "1y", "1 year"
        TWO_YEARS = "2y", "2 years"
        THREE_YEARS = "3y", "3 years"
        FIVE_YEARS = "5y", "5 years"
        DATE = "date", "By a date"
        PLAN = "plan", "Across the plan period"

    class Direction(models.TextChoices):
        INCREASE = "increase", "Increase"
        MAINTAIN = "maintain", "Maintain"
        REDUCE = "reduce", "Reduce"
        NONE = "", "Not stated"

    class Kind(models.TextChoices):
        VALUE = "value", "A value"
        DIRECTION = "direction", "A direction"
        RELATIVE = "relative", "Relative to comparators"
        BASELINE_TO_BE_ESTABLISHED = "baseline_tbe", "Baseline to be established"
        TBC = "tbc", "To be confirmed"

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    framework = models.ForeignKey(Framework, null=True, blank=True, on_delete=models.SET_NULL, related_name="targets")
    key = models.CharField(
        max_length=80, blank=True, help_text="Identifies a loaded target within its framework and indicator."
    )
    area = models.ForeignKey("geography.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    ambition = models.TextField(
        blank=True, help_text="The ambition this target belongs to, as the plan writes it ('the curve to turn')."
    )
    order = models.PositiveIntegerField(default=0)
    horizon = models.CharField(max_length=8, choices=Horizon.choices, default=Horizon.ONE_YEAR)
    target_date = models.DateField(null=True, blank=True, help_text="When the ambition falls due.")
    period_label = models.CharField(max_length=40, blank=True, help_text="The period the ambition is for, e.g. 2015.")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.VALUE)
    value = models.FloatField(null=True, blank=True)
    direction = models.CharField(max_length=16, choices=Direction.choices, blank=True, default="")
    wording = models.TextField(help_text="The ambition in the plan's own words.")
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "framework", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "indicator", "key"], condition=~models.Q(key=""), name="target_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.slug}: {self.wording[:60]}"


class Baseline(TimeStampedModel):
    """A baseline or a stated position as a plan gives it: a value for a period, or only words
    ("over 700", "period not stated") where the plan gives no exact figure or period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="baselines")
    framework = models.ForeignKey(Framework, null=True, blank=True, on_delete=models.SET_NULL, related_name="baselines")
    key = models.CharField(max_length=80, blank=True)
    order = models.PositiveIntegerField(default=0)
    area = models.ForeignKey("geography.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    period_label = models.CharField(max_length=40)
    value = models.FloatField(null=True, blank=True)
    wording = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "framework", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "indicator", "key"], condition=~models.Q(key=""), name="baseline_key_once"
            ),
        ]


class Story(TimeStampedModel):
    """The story behind the baseline for an indicator (or a theme). Versions live in its history."""

    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="stories")
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="stories")
    text = models.TextField()
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "stories"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator"], condition=models.Q(indicator__isnull=False), name="one_story_per_indicator"
            ),
            models.UniqueConstraint(
                fields=["theme"], condition=models.Q(theme__isnull=False), name="one_story_per_theme"
            ),
        ]

    def __str__(self) -> str:
        return f"Story of {self.indicator or self.theme}"


class PartnerContribution(TimeStampedModel):
    """A key partner for a theme or indicator, and how it contributes."""

    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="partners")
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner_name = models.CharField(max_length=300, help_text="As the plan names the partner.")
    contribution = models.TextField(blank=True, help_text="How they will contribute to addressing these issues.")
    how_we_work = models.TextField(blank=True, help_text="How we will work with them.")
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["theme", "indicator", "order", "id"]

    def __str__(self) -> str:
        return self.partner_name
