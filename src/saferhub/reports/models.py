"""A published performance pack: the rendered HTML and PDF, frozen when a member published it.

Nothing here is edited after it is written: a new version is a new row, and earlier versions stay.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferhub.core.models import TimeStampedModel


class PublishedPack(TimeStampedModel):
    """One published version of a meeting's performance pack, as it was read when published."""

    meeting = models.ForeignKey("governance.Meeting", on_delete=models.PROTECT, related_name="published_packs")
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    as_of = models.DateField(help_text="The day the pack's figures were read.")
    html = models.TextField(help_text="The pack's body as the web page shows it.")
    pdf = models.BinaryField()
    html_sha256 = models.CharField(max_length=64)
    pdf_sha256 = models.CharField(max_length=64)
    pages = models.JSONField(default=dict, help_text="The PDF page on which each section starts.")
    paper = models.ForeignKey(
        "governance.Paper", null=True, blank=True, on_delete=models.SET_NULL, related_name="published_packs"
    )

    class Meta:
        ordering = ["meeting", "-version"]
        constraints = [models.UniqueConstraint(fields=["meeting", "version"], name="one_pack_per_version")]

    def __str__(self) -> str:
        return f"Performance pack, version {self.version}, for {self.meeting}"
