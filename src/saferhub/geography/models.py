"""Areas with ONS GSS codes, their hierarchy, boundaries, populations and comparator groups."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import TimeStampedModel


class AreaType(models.TextChoices):
    COUNTRY = "country", "Country"
    REGION = "region", "Region"
    COUNTY = "county", "County"
    COMBINED_AUTHORITY = "combined_authority", "Combined authority"
    POLICE_FORCE_AREA = "police_force_area", "Police force area"
    UNITARY = "unitary", "Unitary authority"
    DISTRICT = "district", "District"
    WARD = "ward", "Ward"
    MSOA = "msoa", "Middle layer super output area"
    LSOA = "lsoa", "Lower layer super output area"


# Types that are community safety partnership areas: one CSP per district or unitary.
CSP_AREA_TYPES = (AreaType.DISTRICT, AreaType.UNITARY)


class Area(TimeStampedModel):
    code = models.CharField("GSS code", max_length=9, unique=True)
    name = models.CharField(max_length=200)
    area_type = models.CharField(max_length=32, choices=AreaType.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The administrative area this one lies in (district → county → region → country).",
    )
    force_area = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="force_members",
        limit_choices_to={"area_type": AreaType.POLICE_FORCE_AREA},
        help_text="The police force area that polices this area.",
    )
    vintage = models.CharField(max_length=10, blank=True, help_text="Boundary vintage, e.g. 2011 or 2021 for LSOAs.")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Boundary(TimeStampedModel):
    """A boundary polygon as GeoJSON geometry (WGS84) for an area and vintage."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="boundaries")
    vintage = models.CharField(max_length=10, blank=True)
    geometry = models.JSONField()
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "vintage"], name="boundary_area_vintage")]


class Population(TimeStampedModel):
    """Mid-year population estimate: the denominator for rates."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="populations")
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField()
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__code", "year"]
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="population_area_year")]

    def __str__(self) -> str:
        return f"{self.area.code} {self.year}: {self.value}"


class ComparatorGroup(TimeStampedModel):
    """A named set of areas to compare with: the eastern forces, a most similar group."""

    class Kind(models.TextChoices):
        MOST_SIMILAR = "most_similar_group", "Most similar group"
        STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
        PEERS = "peers", "Peer group"
        CUSTOM = "custom", "Custom"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.CUSTOM)
    description = models.TextField(blank=True)
    for_area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comparator_groups",
        help_text="The area this group is a comparator set for, if any.",
    )
    members = models.ManyToManyField(Area, related_name="in_comparator_groups")
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
