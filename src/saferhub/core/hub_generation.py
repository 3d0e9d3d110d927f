"""The hub's change counter: one counter bumped by a write to any table of the parts whose data the
composed pages show (partnerships, frameworks, figures, governance, delivery, risks, money, the
assessment), so that a page drawn from many parts — a meeting, the board pack, the priority matrix —
can be cached until anything it might show changes (ADR 0004's triggers, over more tables).

The tables are every model of ``WATCHED_APPS`` except ``UNWATCHED`` and the history tables (a
history row is written with its model's row, which bumps already): tables written while a page is
read (the audit trail; the sharing read audit is in an app not watched) would empty the cache at
every read, and the counters' own table cannot watch itself. A table added to one of these apps is
watched from its first migration without a change here.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

GENERATION = "hub"

WATCHED_APPS = (
    "core",
    "accounts",
    "geography",
    "framework",
    "measures",
    "performance",
    "delivery",
    "risks",
    "finance",
    "governance",
    "assessment",
    "reports",
)
UNWATCHED = frozenset({"core.AuditEvent", "core.ChangeCounter"})


def watched_tables() -> list[str]:
    """The database tables whose writes bump the ``hub`` counter."""
    tables = []
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            history = hasattr(model, "instance_type")  # django-simple-history's Historical… models
            if model._meta.label in UNWATCHED or not model._meta.managed or history:
                continue
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def install_hub_triggers(*, using: str = "default", **_: Any) -> None:
    """After every migration: every watched table bumps the hub counter on each write."""
    from saferhub.core.generations import install_triggers

    install_triggers(name=GENERATION, tables=watched_tables(), using=using)
