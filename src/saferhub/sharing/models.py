"""Information sharing: the datasets partners hold, the agreements under which they share them,
and an audit of every read of restricted data.

Signatories are roles and organisations, never personal names (DESIGN.md).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from saferhub.core.models import TimeStampedModel


class Classification(models.TextChoices):
    """Government Security Classifications used for partner data."""

    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"


class Disclosure(models.TextChoices):
    PUBLIC_AGGREGATE = "public_aggregate", "Public (aggregate figures only)"
    PARTNERSHIP = "partnership", "Partnership members under an agreement"
    NAMED_USERS = "named_users", "Named users under an agreement"


class LegalBasis(models.TextChoices):
    CDA_S115 = "cda_s115", "Crime and Disorder Act 1998, section 115"
    CDA_S17A = "cda_s17a", "Crime and Disorder Act 1998, section 17A"
    GDPR_6_1_E = "gdpr_6_1_e", "UK GDPR Article 6(1)(e): public task"
    GDPR_9 = "gdpr_9", "UK GDPR Article 9 condition (special category data)"
    GDPR_10 = "gdpr_10", "UK GDPR Article 10 and DPA 2018 Schedule 1 (criminal offence data)"
    OTHER = "other", "Other (described)"


class Dataset(TimeStampedModel):
    """A source of partner data: police.uk street crime or outcomes, STATS19, partner returns,
    uploads."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="datasets")
    classification = models.CharField(max_length=24, choices=Classification.choices, default=Classification.OFFICIAL)
    disclosure = models.CharField(max_length=24, choices=Disclosure.choices, default=Disclosure.PARTNERSHIP)
    source = models.CharField(max_length=64, blank=True, help_text="The ingest source this dataset comes from.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agreement(TimeStampedModel):
    """An information sharing agreement (or protocol) between organisations and partnerships."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_FORCE = "in_force", "In force"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn"

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=300)
    partnership = models.ForeignKey(
        "accounts.Partnership",
        on_delete=models.PROTECT,
        related_name="sharing_agreements",
        help_text="The partnership that keeps this agreement.",
    )
    party_organisations = models.ManyToManyField("accounts.Organisation", blank=True, related_name="sharing_agreements")
    party_partnerships = models.ManyToManyField(
        "accounts.Partnership", blank=True, related_name="sharing_agreements_joined"
    )
    datasets = models.ManyToManyField(Dataset, blank=True, related_name="agreements")
    purpose = models.TextField()
    legal_bases = models.JSONField(default=list, help_text="Codes from LegalBasis.")
    legal_basis_other = models.TextField(blank=True)
    permitted_uses = models.TextField(blank=True)
    retention_months = models.PositiveSmallIntegerField(null=True, blank=True)
    review_date = models.DateField(null=True, blank=True)
    signatories = models.TextField(blank=True, help_text="Roles and organisations, one a line; never names.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def review_overdue(self, today: date) -> bool:
        return self.status == self.Status.IN_FORCE and self.review_date is not None and self.review_date < today

    def legal_basis_labels(self) -> list[str]:
        labels = dict(LegalBasis.choices)
        return [labels[c] for c in self.legal_bases if c in labels]

    def signatory_lines(self) -> list[str]:
        return [line.strip() for line in self.signatories.splitlines() if line.strip()]


class AgreementReview(TimeStampedModel):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewer_role = models.CharField(max_length=200, help_text="A role, never a personal name.")
    notes = models.TextField(blank=True)
    next_review_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]


class ReadAudit(models.Model):
    """One read of restricted data: who, which dataset, which areas and periods, under which
    agreement, and how (page, export, command). Written in bulk, never updated."""

    class Channel(models.TextChoices):
        PAGE = "page", "Page"
        EXPORT = "export", "Export"
        COMMAND = "command", "Command line"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="reads")
    agreement = models.ForeignKey(Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="reads")
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.PAGE)
    what = models.CharField(max_length=300, help_text="The page or export read.")
    areas = models.JSONField(default=list)
    periods = models.CharField(max_length=100, blank=True)
    records = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["dataset", "-at"], name="sharing_read_dataset_at")]

    def __str__(self) -> str:
        return f"{self.dataset} read ({self.get_channel_display()}) at {self.at:%Y-%m-%d %H:%M}"
