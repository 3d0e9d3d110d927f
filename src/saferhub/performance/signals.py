"""Cached performance sections show framework and indicator details (titles, codes, leads, themes)
as well as summaries: any save or delete of those bumps the performance change counter, so no
process serves a section that an edit has made stale. Refreshes bump it themselves, once.

Queryset ``update()`` and ``bulk_create()`` send no signals: code that uses them on these models
calls ``saferhub.core.generations.bump(GENERATION)`` itself.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from saferhub.core.generations import bump
from saferhub.framework.models import Framework, Indicator, IndicatorMembership, Outcome, Theme
from saferhub.performance.models import GENERATION

WATCHED = (Framework, Outcome, Theme, IndicatorMembership, Indicator)


def _changed(sender: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures loaded with loaddata
        return
    bump(GENERATION)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"performance-generation-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"performance-generation-delete-{model.__name__}")
