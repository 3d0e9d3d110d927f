"""Write audit rows. Call inside the transaction that makes the change."""

from __future__ import annotations

from typing import Any

from django.db import models

from saferhub.core.models import AuditEvent


def audit_record(*, actor: Any, action: str, obj: models.Model | None = None, **detail: Any) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``obj``; ``detail`` is stored as JSON."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=dict(detail),
    )
