"""Partners' API tokens. Only a SHA-256 digest of each token is kept: the token itself is shown once,
when it is made, and cannot be read back (a token is 256 random bits, so a plain digest is enough;
no salt or slow hash is needed as for a password)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from saferhub.core.models import TimeStampedModel


class ApiToken(TimeStampedModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=200, blank=True, help_text="What the token is for, e.g. 'district dashboard'.")
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to recognise it by.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token, in hex.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.prefix}… ({self.user}, {state})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
