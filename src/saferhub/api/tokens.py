"""Making, checking and revoking partners' API tokens (services and one selector)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone

from saferhub.api.models import ApiToken
from saferhub.core.errors import ValidationProblem

PREFIX = "shub_"
# last_used_at is written at most this often per token, so that a busy client does not write on
# every request.
TOUCH_EVERY = timedelta(minutes=1)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_create(*, user: Any, name: str = "") -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns it with the token text, which is shown this once only."""
    if not user.is_active:
        raise ValidationProblem(f"The account {user.username} is not active.")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:200], prefix=raw[: len(PREFIX) + 4], digest=_digest(raw))
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token: every later request with it is refused (401)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_token_check(*, raw: str) -> ApiToken | None:
    """The active token with this text, with its user, or None (unknown, revoked, or its user no
    longer active). Records when it was last used."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(raw), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
