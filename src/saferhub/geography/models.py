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
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        help_text="The area that took this one over when its code went out of use (ONS's active code).",
    )
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
    """A named set of areas to compare with: every CSP in a region, a most similar group."""

    class Kind(models.TextChoices):
        MOST_SIMILAR = "most_similar_group", "Most similar group"
        STATISTICAL_NEIGHBOURS = "statistical_neighbours", "Statistical neighbours"
        PEERS = "peers", "Peer group"
        CUSTOM = "custom", "Custom"
        COUNTRY = "country", "Everyone in the country"
        REGION = "region", "Everyone in the region"
        FORCE_AREA = "force_area", "Everyone in the police force area"

    class Basis(models.TextChoices):
        FIXED = "fixed", "Fixed by geography"
        COMPUTED = "computed", "Computed by saferhub"
        OFFICIAL = "official", "Published list"
        LISTED = "listed", "Listed by hand"

    class Level(models.TextChoices):
        CSP = "csp", "Community safety partnership areas"
        FORCE = "force", "Police force areas"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.CUSTOM)
    basis = models.CharField(max_length=16, choices=Basis.choices, default=Basis.LISTED)
    level = models.CharField(max_length=8, choices=Level.choices, blank=True)
    description = models.TextField(blank=True)
    method = models.TextField(blank=True, help_text="How the members were chosen: variables, weights, k, data years.")
    defined_by = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="defined_groups",
        help_text="For a fixed group, the area whose members it holds (England, a region, a force area).",
    )
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


class LsoaChange(TimeStampedModel):
    """One row of the 2011 → 2021 LSOA lookup: which 2021 LSOA(s) a 2011 LSOA became.

    From ONS's own lookup when it is loaded (``method`` says so), otherwise derived from the two
    vintages' codes and centres; the page that uses it says which.
    """

    class Change(models.TextChoices):
        UNCHANGED = "U", "Unchanged"
        SPLIT = "S", "Split"
        MERGED = "M", "Merged"
        COMPLEX = "X", "Redrawn"

    lsoa11_code = models.CharField("2011 LSOA code", max_length=9, db_index=True)
    lsoa21_code = models.CharField("2021 LSOA code", max_length=9, db_index=True)
    change = models.CharField(max_length=1, choices=Change.choices)
    method = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["lsoa11_code", "lsoa21_code"]
        constraints = [models.UniqueConstraint(fields=["lsoa11_code", "lsoa21_code"], name="lsoa_change_pair")]

    def __str__(self) -> str:
        return f"{self.lsoa11_code} → {self.lsoa21_code} ({self.change})"


class AreaCharacteristic(TimeStampedModel):
    """An open figure about an area used to find its most similar areas, kept as numerator over
    denominator so that force areas and groups can be summed from their districts."""

    class Name(models.TextChoices):
        POPULATION_DENSITY = "population_density", "Residents per square kilometre"
        MOST_DEPRIVED_SHARE = "most_deprived_share", "Share of residents in the 20% most deprived LSOAs"
        AGE_16_59_SHARE = "age_16_59_share", "Share of residents aged 16 to 59"

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="characteristics")
    name = models.CharField(max_length=40, choices=Name.choices)
    value = models.FloatField()
    numerator = models.FloatField()
    denominator = models.FloatField()
    year = models.PositiveSmallIntegerField(help_text="The year the figures describe.")
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["area__code", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="area_characteristic_name")]

    def __str__(self) -> str:
        return f"{self.area.code} {self.name} = {self.value:g}"


class PostcodeDistrict(TimeStampedModel):
    """One district a postcode district (outward code, e.g. CM20) covers, with how many of its
    postcodes lie there: from ONS's postcode directory, summed by outward code and district."""

    district = models.CharField("postcode district", max_length=4, db_index=True)
    lad_code = models.CharField("local authority district code", max_length=9)
    postcodes = models.PositiveIntegerField()
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["district", "-postcodes", "lad_code"]
        constraints = [models.UniqueConstraint(fields=["district", "lad_code"], name="postcode_district_lad")]

    def __str__(self) -> str:
        return f"{self.district} → {self.lad_code} ({self.postcodes})"
