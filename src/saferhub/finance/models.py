"""Money: budgets with reduction scenarios, funding streams, the external funding pipeline, and the
community safety fund's commissioned services with their quarterly outcome returns.

Amounts are ``Decimal`` in pounds to the penny. A total printed in a source is kept as stated
(``StatedTotal``) beside the total computed from its lines, so a source that does not add up is
shown, never corrected.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import TimeStampedModel, publication_field


class BudgetKind(models.TextChoices):
    CAPITAL = "capital", "Capital"
    REVENUE = "revenue", "Revenue"


class BudgetTable(TimeStampedModel):
    """A budget as a plan sets it out: lines by area of spend, year, capital or revenue."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    partnership = models.ForeignKey("accounts.Partnership", on_delete=models.PROTECT, related_name="budget_tables")
    framework = models.ForeignKey(
        "framework.Framework", null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_tables"
    )
    unit_label = models.CharField(max_length=8, default="£m", help_text="How the source prints amounts: £, £k or £m.")
    display_places = models.PositiveSmallIntegerField(
        default=1, help_text="Decimal places the source prints in that unit (scenarios are shown to the same)."
    )
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    publication = publication_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title


class BudgetLine(TimeStampedModel):
    table = models.ForeignKey(BudgetTable, on_delete=models.CASCADE, related_name="lines")
    key = models.SlugField(max_length=100, help_text="Stable name within the table, used by loaders and totals.")
    area_of_spend = models.CharField(max_length=300)
    year = models.CharField(max_length=20, help_text="Financial year 2015/16, or a span 2014/15-2016/17.")
    kind = models.CharField(max_length=8, choices=BudgetKind.choices)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    in_reported_total = models.BooleanField(
        default=True, help_text="False for money the source lists but leaves out of its totals."
    )
    note = models.TextField(blank=True)
    theme = models.ForeignKey("framework.Theme", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    indicators = models.ManyToManyField("framework.Indicator", blank=True, related_name="budget_lines")
    actions = models.ManyToManyField("delivery.Action", blank=True, related_name="budget_lines")
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["table", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["table", "key"], name="budget_line_key_once")]

    def __str__(self) -> str:
        return f"{self.area_of_spend} {self.year}"


class StatedTotal(TimeStampedModel):
    """A total as the source prints it, with the lines it should add up."""

    table = models.ForeignKey(BudgetTable, on_delete=models.CASCADE, related_name="stated_totals")
    key = models.SlugField(max_length=100)
    label = models.CharField(max_length=300)
    year = models.CharField(max_length=20, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, help_text="As stated in the source.")
    lines = models.ManyToManyField(BudgetLine, related_name="stated_totals")
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["table", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["table", "key"], name="stated_total_key_once")]


class ReductionScenario(TimeStampedModel):
    """A saved reduction to model against a budget table (10% and 20% in the strategy)."""

    table = models.ForeignKey(BudgetTable, on_delete=models.CASCADE, related_name="scenarios")
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    label = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["table", "percent"]
        constraints = [models.UniqueConstraint(fields=["table", "percent"], name="scenario_percent_once")]


class FundingStream(TimeStampedModel):
    partnership = models.ForeignKey("accounts.Partnership", on_delete=models.PROTECT, related_name="funding_streams")
    key = models.SlugField(max_length=100)
    name = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    indicators = models.ManyToManyField("framework.Indicator", blank=True, related_name="funding_streams")
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="funding_stream_key_once")]

    def __str__(self) -> str:
        return self.name


class FundingAllocation(TimeStampedModel):
    """A stream's money in one year: the amount (if known), the source's own wording, and any cut."""

    stream = models.ForeignKey(FundingStream, on_delete=models.CASCADE, related_name="allocations")
    year = models.CharField(max_length=20)
    amount = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, help_text="Empty when the source says 'tbc'."
    )
    stated = models.CharField(max_length=200, blank=True, help_text="The cell as the source prints it.")
    cut_percent = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="An announced cut to this amount."
    )
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["stream", "year"]
        constraints = [models.UniqueConstraint(fields=["stream", "year"], name="funding_allocation_once")]


class PipelineBid(TimeStampedModel):
    """External funding bid activity with the historic success factor."""

    partnership = models.ForeignKey("accounts.Partnership", on_delete=models.PROTECT, related_name="pipeline_bids")
    key = models.SlugField(max_length=100)
    title = models.CharField(max_length=300)
    funders = models.CharField(max_length=300, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    success_percent = models.DecimalField(max_digits=5, decimal_places=2)
    stated_expected = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, help_text="As the source states it."
    )
    year = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "title"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="pipeline_bid_key_once")]


class Fund(TimeStampedModel):
    """A commissioning fund, such as the police and crime commissioner's community safety fund."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    partnership = models.ForeignKey("accounts.Partnership", on_delete=models.PROTECT, related_name="funds")
    year = models.CharField(max_length=20)
    stated_total = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class FundSection(TimeStampedModel):
    """A table of a fund: existing services, or new commissioning by priority area."""

    class Kind(models.TextChoices):
        EXISTING = "existing", "Existing service provision"
        NEW = "new", "New commissioning"

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=300)
    stated_total = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    stated_total_note = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["fund", "order"]
        constraints = [models.UniqueConstraint(fields=["fund", "kind"], name="fund_section_once")]


class CommissionedService(TimeStampedModel):
    section = models.ForeignKey(FundSection, on_delete=models.CASCADE, related_name="services")
    key = models.SlugField(max_length=100)
    priority_area = models.CharField(max_length=300, blank=True)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    location = models.CharField(max_length=100, help_text="As the source names it: Essex, Southend, All Essex.")
    area = models.ForeignKey("geography.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    provisional = models.BooleanField(default=False)
    stated_components = models.JSONField(
        default=list, blank=True, help_text="Contributions the source lists inside this amount: [{label, amount}]."
    )
    provider = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="commissioned_services"
    )
    indicators = models.ManyToManyField("framework.Indicator", blank=True, related_name="commissioned_services")
    order = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["section", "key"], name="commissioned_service_key_once")]

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"


class PerformanceMeasure(TimeStampedModel):
    """What a commissioned service reports each quarter, in results-based accountability's three
    questions: how much did we do, how well did we do it, is anyone better off."""

    class Question(models.TextChoices):
        HOW_MUCH = "how_much", "How much did we do?"
        HOW_WELL = "how_well", "How well did we do it?"
        BETTER_OFF = "better_off", "Is anyone better off?"

    service = models.ForeignKey(CommissionedService, on_delete=models.CASCADE, related_name="measures")
    question = models.CharField(max_length=12, choices=Question.choices)
    title = models.CharField(max_length=300)
    unit = models.CharField(max_length=60, blank=True)
    indicator = models.ForeignKey(
        "framework.Indicator", null=True, blank=True, on_delete=models.SET_NULL, related_name="service_measures"
    )
    order = models.PositiveIntegerField(default=0)
    counts_outcomes = models.BooleanField(
        default=False,
        help_text="This measure counts the outcomes achieved: the service's cost per outcome divides by it "
        "(one measure per service at most).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service"], condition=models.Q(counts_outcomes=True), name="one_outcome_count_per_service"
            )
        ]

    def __str__(self) -> str:
        return self.title


class OutcomeReturn(TimeStampedModel):
    """One quarter's figure for a performance measure."""

    measure = models.ForeignKey(PerformanceMeasure, on_delete=models.CASCADE, related_name="returns")
    period = models.CharField(max_length=10, help_text="A quarter: 2013-Q2.")
    period_start = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=4)
    note = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "period_start"]
        constraints = [models.UniqueConstraint(fields=["measure", "period"], name="outcome_return_once")]


# --- Money actually spent (issue 18): budget monitoring and providers' quarterly returns ----------
#
# Quarters are quarters of the financial year (``finance.quarters``), held by their first day.


class VarianceThreshold(TimeStampedModel):
    """When a partnership wants a reason for a variance: more than ``percent`` of a line's budget or
    more than ``amount`` (``finance.variance``). Without a row, 5% or £10,000."""

    partnership = models.OneToOneField(
        "accounts.Partnership", on_delete=models.CASCADE, related_name="variance_threshold"
    )
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__isnull=False) | models.Q(amount__isnull=False),
                name="variance_threshold_percent_or_amount",
            )
        ]


class BudgetProfile(TimeStampedModel):
    """A budget line's planned spend in one quarter. A line with no profile is profiled evenly."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="profile")
    period_start = models.DateField(help_text="First day of the financial quarter.")
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["line", "period_start"], name="budget_profile_quarter_once"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budget_profile_not_negative"),
        ]


class BudgetLineQuarter(TimeStampedModel):
    """A budget line in one quarter: what was spent in the quarter, the forecast out-turn for the
    line's whole budget as at the quarter's end, and the reason for any variance. A correction
    changes the row; its history keeps what it said before."""

    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="quarters")
    period_start = models.DateField(help_text="First day of the financial quarter.")
    actual = models.DecimalField(max_digits=16, decimal_places=2, help_text="Spent in the quarter (£).")
    forecast_outturn = models.DecimalField(
        max_digits=16, decimal_places=2, help_text="Forecast spend on the whole budget, as at the quarter's end (£)."
    )
    reason = models.TextField(blank=True, help_text="Why the line varies from its budget or profile.")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["line", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["line", "period_start"], name="budget_line_quarter_once"),
            models.CheckConstraint(
                condition=models.Q(actual__gte=0, forecast_outturn__gte=0), name="budget_line_quarter_not_negative"
            ),
        ]


class StatedOutturn(TimeStampedModel):
    """An out-turn as a board was told it, where the source gives the under- or overspend and its
    reason but not the budget it came from (seed 004: the DAAT's 2007/08 underspends)."""

    class Kind(models.TextChoices):
        UNDERSPEND = "underspend", "Underspend"
        OVERSPEND = "overspend", "Overspend"

    partnership = models.ForeignKey("accounts.Partnership", on_delete=models.PROTECT, related_name="stated_outturns")
    key = models.SlugField(max_length=100)
    title = models.CharField(max_length=300)
    budget_holder = models.CharField(max_length=300, blank=True)
    year = models.CharField(max_length=20)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    reason = models.TextField(blank=True)
    reported_on = models.DateField(null=True, blank=True, help_text="The meeting that was told.")
    source = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "year", "key"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="stated_outturn_key_once")]


class ServiceReturn(TimeStampedModel):
    """A commissioned service's return for one quarter: what it cost, what it delivered, and a value
    for each of its performance measures (``values``). One current return per service per quarter;
    a correction is a new version, and the versions before it are kept as they were."""

    service = models.ForeignKey(CommissionedService, on_delete=models.CASCADE, related_name="quarterly_returns")
    period_start = models.DateField(help_text="First day of the financial quarter.")
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    cost = models.DecimalField(max_digits=16, decimal_places=2, help_text="Spent on the service in the quarter (£).")
    delivery = models.TextField(blank=True, help_text="What was delivered, in the provider's words.")
    correction_reason = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_for = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The provider the return was made for (its organisation when it was submitted).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "period_start", "version"]
        constraints = [
            models.UniqueConstraint(fields=["service", "period_start", "version"], name="service_return_version_once"),
            models.UniqueConstraint(
                fields=["service", "period_start"],
                condition=models.Q(is_current=True),
                name="service_return_one_current",
            ),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="service_return_cost_not_negative"),
        ]


class ServiceReturnValue(models.Model):
    """One measure's figure in a return. Written with its return, never changed."""

    service_return = models.ForeignKey(ServiceReturn, on_delete=models.CASCADE, related_name="values")
    measure = models.ForeignKey(PerformanceMeasure, on_delete=models.PROTECT, related_name="return_values")
    value = models.DecimalField(max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["service_return", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["service_return", "measure"], name="service_return_value_once"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="service_return_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}: {self.value}"
