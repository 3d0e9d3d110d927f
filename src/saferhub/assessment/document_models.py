"""Records of the deprivation gradient and the strategic assessment document (issue 17, items 4 and 6).

- **LSOA deprivation**: each 2011 LSOA's rank and national decile in the English Index of Multiple
  Deprivation 2019 with its IoD2019 population denominator (mid-2015), loaded from MHCLG's files 1
  and 6 (``saferhub assessment load-deprivation``); reloading the files is their history.
- **Narrative sections**: the partnership's own words in its strategic assessment for a year, one
  record per section, written on the document's edit page by members with the analyst role or above
  and kept with their history (who changed what, when). A section is read by the partnership's
  members while a draft and by everyone once published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import Publication, TimeStampedModel, publication_field


class LsoaDeprivation(models.Model):
    lsoa11_code = models.CharField("2011 LSOA code", max_length=9, unique=True)
    lsoa11_name = models.CharField(max_length=200)
    district_code = models.CharField("district code (2019)", max_length=9, db_index=True)
    imd_rank = models.PositiveIntegerField(help_text="1 is the most deprived LSOA in England.")
    imd_decile = models.PositiveSmallIntegerField(help_text="National decile: 1 is the 10% most deprived.")
    population = models.PositiveIntegerField(help_text="Residents, mid-2015, excluding prisoners (IoD2019).")
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["lsoa11_code"]
        verbose_name = "LSOA deprivation"
        verbose_name_plural = "LSOA deprivation"

    def __str__(self) -> str:
        return f"{self.lsoa11_code} decile {self.imd_decile}"


class NarrativeSection(TimeStampedModel):
    class Key(models.TextChoices):
        INTRODUCTION = "introduction", "Introduction"
        SUMMARY = "summary", "Summary of findings"
        TRENDS = "trends", "Trends: what the partnership reads in them"
        PLACES = "places", "Places: hot spots and repeat locations"
        INEQUALITY = "inequality", "Deprivation and inequality"
        PRIORITIES = "priorities", "Proposed priorities and why"
        NEXT_STEPS = "next_steps", "Next steps"

    partnership = models.ForeignKey(
        "accounts.Partnership", on_delete=models.CASCADE, related_name="assessment_narratives"
    )
    year = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=20, choices=Key.choices)
    text = models.TextField(blank=True)
    publication = publication_field()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "year", "key"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year", "key"], name="assessment_narrative_section")
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.year}: {self.get_key_display()}"

    @property
    def published(self) -> bool:
        return self.publication == Publication.PUBLISHED
