"""Provenance of every import: what came in, from whom, what was accepted and what was rejected and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Import(models.Model):
    """One file (or set of files) brought in by one importer run."""

    class Source(models.TextChoices):
        POLICE_UK = "police-uk", "police.uk street-level and outcomes files"
        STATS19 = "stats19", "STATS19 road casualties"
        MAPPED = "mapped", "Partner layout through a mapping file"
        RETURNS = "returns", "Partner returns and surveys"

    class Status(models.TextChoices):
        STAGED = "staged", "Staged"
        COMMITTED = "committed", "Committed"
        FAILED = "failed", "Failed"
        REJECTED = "rejected", "Rejected"
        REPLACED = "replaced", "Replaced"

    source = models.CharField(max_length=20, choices=Source.choices)
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    partnership = models.ForeignKey(
        "accounts.Partnership", null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.STAGED, db_index=True)
    rows_read = models.BigIntegerField(default=0)
    rows_accepted = models.BigIntegerField(default=0)
    rows_rejected = models.BigIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    store_token = models.CharField(
        max_length=40, blank=True, db_index=True, help_text="Names this import's staged files in the record store."
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.source} {self.file_name} ({self.status})"


class ImportFile(models.Model):
    """One file an import read (a zip's members each count as a file), so the same file twice is recognised."""

    import_run = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField(default=0)
    rows_read = models.BigIntegerField(default=0)
    dataset = models.CharField(max_length=40, blank=True, help_text="street, outcomes, collision, casualty…")

    class Meta:
        ordering = ["import_run", "name"]

    def __str__(self) -> str:
        return self.name


class ImportRejection(models.Model):
    """One row an import did not accept, with the reason."""

    import_run = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="rejections")
    file_name = models.CharField(max_length=500, blank=True)
    row_number = models.BigIntegerField(null=True, blank=True)
    column = models.CharField(max_length=200, blank=True)
    value = models.TextField(blank=True)
    reason = models.TextField()

    class Meta:
        ordering = ["import_run", "row_number", "id"]

    def __str__(self) -> str:
        return f"row {self.row_number} {self.column}: {self.reason}"
