"""The hub's change counters: one counter per part, bumped by a write to any table of that part, for
the parts whose data the composed pages show (partnerships, frameworks, figures, governance,
delivery, risks, money, the assessment, the sharing agreements), so that a page drawn from many
parts — a meeting, the board pack, the priority matrix — can be cached until anything it might show
changes (ADR 0004's triggers, over more tables).

The tables are every model of ``WATCHED_APPS`` except ``UNWATCHED`` and the history tables (a
history row is written with its model's row, which bumps already): tables written while a page is
read (the audit trail, the sharing read audit) would empty the cache at every read, and the
counters' own table cannot watch itself. A table added to one of these apps is watched from its
first migration without a change here.

One counter per part, not one for the hub: on PostgreSQL a counter's row stays locked by the writer
until its transaction ends, so with a single counter an officer saving a meeting (or anyone signing
in: ``last_login``) would wait behind an import or a performance refresh that holds the counter for
minutes. Each part's writers now wait only on writers of the same part; a page reads every counter
in one query (``HUB_COUNTERS``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps

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
    "sharing",
)
UNWATCHED = frozenset({"core.AuditEvent", "core.ChangeCounter", "sharing.ReadAudit"})
# Columns whose update alone is not a change a page could show: a sign-in writes ``last_login``, and
# were it a change, every sign-in would empty every kept page (public pages included).
QUIET_COLUMNS: dict[str, tuple[str, ...]] = {"accounts.User": ("last_login",)}
HUB_COUNTERS = tuple(f"hub_{label}" for label in WATCHED_APPS)
# Bumped by every write to Django's session table (saferhub.accounts.kept); in no page's key.
SESSIONS_COUNTER = "hub_sessions"


def counter_of(label: str) -> str:
    """The name of the change counter a part's writes bump."""
    return f"hub_{label}"


def watched_tables(part: str | None = None) -> list[str]:
    """The database tables whose writes bump a part's counter (``part``), or any hub counter."""
    tables = []
    for label in [part] if part else WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            history = hasattr(model, "instance_type")  # django-simple-history's Historical… models
            if model._meta.label in UNWATCHED or not model._meta.managed or history:
                continue
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def install_hub_triggers(*, using: str = "default", **_: Any) -> None:
    """After every migration: every watched table bumps its part's counter on each write."""
    from saferhub.core.generations import install_triggers

    quiet: dict[str, Iterable[str]] = {
        apps.get_model(model)._meta.db_table: columns for model, columns in QUIET_COLUMNS.items()
    }
    for label in WATCHED_APPS:
        install_triggers(name=counter_of(label), tables=watched_tables(label), using=using, quiet=quiet)
    # Not a part of any page: the sessions counter tells each process its kept sessions are stale.
    sessions = apps.get_model("sessions", "Session")._meta.db_table
    install_triggers(name=SESSIONS_COUNTER, tables=[sessions], using=using)
