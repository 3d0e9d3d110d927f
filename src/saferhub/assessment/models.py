"""Strategic assessment records.

- A **priority matrix** is partnerships (rows) against themes (columns) with a mark where a
  partnership holds the theme as a priority. ``kind`` says where it came from: *published* (seed
  002's Annex A, transcribed cell for cell) or, in a later step, *recomputed* from each partnership's
  confirmed priorities. Both kinds share these tables so that the two can be laid side by side.
- A **priority list** is a numbered list of priorities with the indicators and leads each names
  (seed 001's Table 1, the Community Safety Agreement priorities 2010/11).
- **Harm indices** (seriousness weights by offence, e.g. the ONS Crime Severity Score) and **unit
  costs** (the value of preventing a casualty, the cost of a crime) are reference data loaded from
  cited files, each with its source and year.

These tables are written only by loaders of built-in or partner-supplied files (never by page forms),
so they keep no edit history: reloading the file is the history. The two exceptions are a
partnership's own priority matrix settings (``MatrixWeights``, with history) and its decisions on
its priorities (``PriorityDecision``, kept row by row: never edited, the latest is the current one).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import TimeStampedModel


class PriorityMatrix(TimeStampedModel):
    class Kind(models.TextChoices):
        PUBLISHED = "published", "As published"
        RECOMPUTED = "recomputed", "Recomputed from partnerships' priorities"

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PUBLISHED)
    publisher = models.CharField(max_length=200, blank=True, help_text="Who published it, as the source says.")
    as_at = models.CharField(max_length=60, blank=True, help_text="As the source dates it, e.g. 'March 2013'.")
    source = models.CharField(max_length=300, help_text="The document and section it is transcribed from.")
    introduction = models.TextField(blank=True, help_text="The source's own words above the table.")
    footnotes = models.JSONField(default=list, blank=True, help_text="The source's notes under the table, in order.")
    area = models.ForeignKey(
        "geography.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="priority_matrices"
    )
    compares_with = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comparisons",
        help_text="For a recomputed matrix: the published one it is laid beside.",
    )

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "priority matrices"

    def __str__(self) -> str:
        return self.title


class MatrixTheme(models.Model):
    matrix = models.ForeignKey(PriorityMatrix, on_delete=models.CASCADE, related_name="themes")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=120, help_text="The column heading exactly as the source prints it.")
    note = models.TextField(blank=True, help_text="What the source says the theme covers.")

    class Meta:
        ordering = ["matrix", "position"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "position"], name="matrix_theme_position"),
            models.UniqueConstraint(fields=["matrix", "label"], name="matrix_theme_label"),
        ]

    def __str__(self) -> str:
        return self.label


class MatrixRow(models.Model):
    matrix = models.ForeignKey(PriorityMatrix, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=120, help_text="The row heading exactly as the source prints it.")
    partnership = models.ForeignKey(
        "accounts.Partnership", null=True, blank=True, on_delete=models.SET_NULL, related_name="matrix_rows"
    )
    area = models.ForeignKey(
        "geography.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="matrix_rows"
    )
    priorities_text = models.TextField(blank=True, help_text="The partnership's priorities in its own words.")
    comments_text = models.TextField(blank=True, help_text="How the partnership says it set them.")

    class Meta:
        ordering = ["matrix", "position"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "position"], name="matrix_row_position"),
            models.UniqueConstraint(fields=["matrix", "label"], name="matrix_row_label"),
        ]

    def __str__(self) -> str:
        return self.label


class MatrixCell(models.Model):
    """One cell; every cell is stored (marked or not) so that "every tick in its place" is checkable."""

    row = models.ForeignKey(MatrixRow, on_delete=models.CASCADE, related_name="cells")
    theme = models.ForeignKey(MatrixTheme, on_delete=models.CASCADE, related_name="cells")
    marked = models.BooleanField(default=False)
    mark = models.CharField(max_length=20, blank=True, help_text="The mark as printed, e.g. ✓ or ✓ ⁺⁺.")
    note = models.CharField(max_length=300, blank=True, help_text="What a footnote mark on this cell means.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["row", "theme"], name="matrix_cell_row_theme")]

    def __str__(self) -> str:
        return f"{self.row_id}/{self.theme_id}: {self.mark or 'not marked'}"


class PriorityList(TimeStampedModel):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    period_label = models.CharField(max_length=40, blank=True, help_text="As the source writes it, e.g. 2010/11.")
    source = models.CharField(max_length=300)
    introduction = models.TextField(blank=True)
    partnership = models.ForeignKey(
        "accounts.Partnership", null=True, blank=True, on_delete=models.SET_NULL, related_name="priority_lists"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ListedPriority(models.Model):
    priority_list = models.ForeignKey(PriorityList, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300, help_text="As printed, without its number.")

    class Meta:
        ordering = ["priority_list", "number"]
        constraints = [models.UniqueConstraint(fields=["priority_list", "number"], name="listed_priority_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class ListedIndicator(models.Model):
    priority = models.ForeignKey(ListedPriority, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    national_indicator = models.CharField(max_length=60, blank=True, help_text="As printed, e.g. NI 18/LAA.")
    leads = models.CharField(max_length=200, blank=True, help_text="As printed, e.g. Essex Probation Service.")

    class Meta:
        ordering = ["priority", "position"]
        constraints = [models.UniqueConstraint(fields=["priority", "position"], name="listed_indicator_position")]

    def __str__(self) -> str:
        return self.title


class HarmIndex(TimeStampedModel):
    """A published seriousness weighting: weights per offence with their source and year."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    year = models.CharField(max_length=20, help_text="The year or edition of the weights, as published.")
    unit = models.CharField(max_length=100, help_text="What a weight measures, e.g. days of imprisonment.")
    url = models.URLField(max_length=500, blank=True)
    file_name = models.CharField(max_length=300, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "harm indices"

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class HarmWeight(models.Model):
    index = models.ForeignKey(HarmIndex, on_delete=models.CASCADE, related_name="weights")
    offence_code = models.CharField(max_length=40, blank=True)
    offence = models.CharField(max_length=300)
    weight = models.DecimalField(max_digits=14, decimal_places=4)
    volume = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Offences the weight applies to, where the file gives them (to weight a category's mean).",
    )
    category = models.CharField(max_length=100, blank=True, help_text="The police.uk crime type it falls under.")

    class Meta:
        ordering = ["index", "offence"]
        constraints = [models.UniqueConstraint(fields=["index", "offence_code", "offence"], name="harm_weight_offence")]

    def __str__(self) -> str:
        return f"{self.offence}: {self.weight}"


class UnitCostSet(TimeStampedModel):
    """Published unit costs from one source and price year, never mixed with another year's."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    publisher = models.CharField(max_length=200)
    table = models.CharField(max_length=200, blank=True, help_text="The table or paragraph the figures are in.")
    price_year = models.CharField(max_length=20, blank=True, help_text="Blank where the source does not say.")
    url = models.URLField(max_length=500, blank=True)
    quoted_in = models.CharField(
        max_length=500, blank=True, help_text="Where the figures were read, when not the publisher's own document."
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class UnitCost(models.Model):
    cost_set = models.ForeignKey(UnitCostSet, on_delete=models.CASCADE, related_name="costs")
    key = models.SlugField(max_length=60, help_text="What is counted, e.g. fatal-casualty or robbery.")
    label = models.CharField(max_length=200)
    per = models.CharField(max_length=60, help_text="The unit counted, e.g. casualty, accident, crime.")
    value = models.DecimalField(max_digits=14, decimal_places=2, help_text="Pounds, in the set's price year.")

    class Meta:
        ordering = ["cost_set", "key"]
        constraints = [models.UniqueConstraint(fields=["cost_set", "key"], name="unit_cost_key")]

    def __str__(self) -> str:
        return f"{self.label}: £{self.value}"


class MatrixWeights(TimeStampedModel):
    """A partnership's weights for the five criteria of its priority matrix (0–5 each; default 1)."""

    partnership = models.OneToOneField("accounts.Partnership", on_delete=models.CASCADE, related_name="matrix_weights")
    volume = models.PositiveSmallIntegerField(default=1)
    seriousness = models.PositiveSmallIntegerField(default=1)
    performance = models.PositiveSmallIntegerField(default=1)
    concern = models.PositiveSmallIntegerField(default=1)
    repeat = models.PositiveSmallIntegerField(default=1)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "matrix weights"

    def __str__(self) -> str:
        return f"Matrix weights of {self.partnership}"

    def as_dict(self) -> dict[str, int]:
        return {
            "volume": self.volume,
            "seriousness": self.seriousness,
            "performance": self.performance,
            "concern": self.concern,
            "repeat": self.repeat,
        }


class PriorityDecision(TimeStampedModel):
    """A partnership's priorities for a year as confirmed (or overridden) by a member, with the reason.

    Never edited: each confirmation or override adds a row, so the rows are the history (who, when,
    what was proposed, what was decided and why). The latest row for a partnership and year holds."""

    partnership = models.ForeignKey("accounts.Partnership", on_delete=models.CASCADE, related_name="priority_decisions")
    area = models.ForeignKey("geography.Area", on_delete=models.PROTECT, related_name="priority_decisions")
    year = models.PositiveSmallIntegerField()
    months = models.JSONField(default=list, help_text="The months of records the matrix was scored on.")
    proposed = models.JSONField(default=list, help_text="The themes proposed (keys, in rank order).")
    priorities = models.JSONField(default=list, help_text="The themes decided (keys, in rank order).")
    weights = models.JSONField(default=dict, help_text="The weights the matrix was scored with.")
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["partnership", "year", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.partnership} priorities {self.year}"

    @property
    def overridden(self) -> bool:
        return self.priorities != self.proposed


# The deprivation gradient's and the assessment document's records live in their own module.
from saferhub.assessment.document_models import LsoaDeprivation, NarrativeSection  # noqa: E402, F401
