"""Organisations, partnerships, users and their roles in each partnership."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import TimeStampedModel


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        COUNTY_COUNCIL = "county_council", "County council"
        DISTRICT_COUNCIL = "district_council", "District council"
        UNITARY_COUNCIL = "unitary_council", "Unitary council"
        POLICE = "police", "Police"
        PCC_OFFICE = "pcc_office", "Police and crime commissioner's office"
        FIRE = "fire", "Fire and rescue"
        HEALTH = "health", "Health"
        PROBATION = "probation", "Probation"
        YOUTH_JUSTICE = "youth_justice", "Youth offending service"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        EDUCATION = "education", "Education"
        GOVERNMENT = "government", "Central government"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    area = models.ForeignKey(
        "geography.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(TimeStampedModel):
    """A partnership of organisations: Safer Essex, a district CSP, a board or sub-group."""

    class Kind(models.TextChoices):
        COUNTY_STRATEGIC = "county_strategic", "County strategic partnership"
        CSP = "csp", "Community safety partnership"
        BOARD = "board", "Board"
        SUB_GROUP = "sub_group", "Sub-group"
        FORUM = "forum", "Forum"
        OTHER = "other", "Other"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.OTHER)
    area = models.ForeignKey(
        "geography.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="partnerships"
    )
    accountable_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="accountable_partnerships"
    )
    statutory_basis = models.CharField(max_length=300, blank=True)
    publishes_performance = models.BooleanField(
        default=True,
        help_text="Whether the partnership's frameworks and aggregate figures are open to the public "
        "(small numbers are always suppressed in public outputs).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Seeds never hold personal names: people are added by administrators."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )
    job_title = models.CharField(max_length=200, blank=True)


class Role(models.IntegerChoices):
    """Roles in a partnership, each including the ones below it.

    A provider is below a viewer: a person of an organisation commissioned by the partnership, who
    reads and submits the quarterly returns of the services their organisation provides and nothing
    else of the partnership (``access_service_returns``)."""

    PROVIDER = 5, "Provider"
    VIEWER = 10, "Viewer"
    CONTRIBUTOR = 20, "Contributor"
    ANALYST = 30, "Analyst"
    ADMINISTRATOR = 40, "Administrator"


class PartnershipRole(TimeStampedModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="partnership_roles")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="user_roles")
    role = models.PositiveSmallIntegerField(choices=Role.choices, default=Role.VIEWER)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "partnership"], name="one_role_per_partnership")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.partnership}"
