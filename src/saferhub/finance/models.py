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

from saferhub.core.models import TimeStampedModel


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
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "question", "order", "pk"]

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
