"""The ``saferhub`` command: everything an analyst scripts.

Each part of the hub adds its command group in ``COMMAND_GROUPS``. Errors are one line on
standard error, with a non-zero exit code.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

import click

from saferhub.core.bootstrap import setup_django
from saferhub.core.loading import LoadSummary

# Modules that define a click command or group called ``command``; added by each part of the hub.
COMMAND_MODULES = [
    "saferhub.geography.commands",
    "saferhub.accounts.commands",
    "saferhub.framework.commands",
    "saferhub.stats_cli",
    "saferhub.delivery.commands",
    "saferhub.risks.commands",
    "saferhub.finance.commands",
    "saferhub.governance.commands",
    "saferhub.performance.commands",
    "saferhub.ingest.commands",
    "saferhub.ingest.records_commands",
    "saferhub.ingest.fetch_commands",
    "saferhub.assessment.commands",
    "saferhub.sharing.commands",
    "saferhub.reports.commands",
    "saferhub.api.commands",
]


class SaferhubGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        from django.core.exceptions import ImproperlyConfigured

        from saferhub.core.errors import SaferhubError

        try:
            return super().invoke(ctx)
        except (SaferhubError, ImproperlyConfigured) as exc:
            click.echo(f"saferhub: error: {exc}", err=True)
            ctx.exit(1)
        except Exception as exc:  # a database that is down, a missing file: one line, not a traceback
            from django.db import DatabaseError

            if isinstance(exc, (DatabaseError, OSError)):
                click.echo(
                    f"saferhub: error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", err=True
                )
                ctx.exit(1)
            raise


@click.group(cls=SaferhubGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="saferhub")
def main() -> None:
    """saferhub: the performance and intelligence hub for community safety partnerships."""


@main.command()
@click.option("--check", is_flag=True, help="Exit non-zero if there are migrations not yet applied.")
def migrate(check: bool) -> None:
    """Create or update the database tables."""
    setup_django()
    from django.core.management import call_command

    args = ["--check"] if check else []
    call_command("migrate", *args, interactive=False, verbosity=1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", "8000")), show_default="PORT or 8000")
@click.option("--workers", type=int, default=2, show_default=True, help="Web worker processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the hub with gunicorn (static files included)."""
    setup_django()
    from django.core.files.storage import storages
    from django.core.management import call_command

    backend = type(storages["staticfiles"]).__name__
    if "Manifest" in backend:  # production: hashed, compressed copies
        call_command("collectstatic", interactive=False, verbosity=0)
    click.echo(f"saferhub: serving on http://{host}:{port}/ (Ctrl+C to stop)")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    os.execv(  # noqa: S606 - replace this process with gunicorn
        str(gunicorn),
        [
            str(gunicorn),
            "config.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ],
    )


@main.command()
def check() -> None:
    """Check the configuration, database and record store, as /healthz does."""
    setup_django()
    from saferhub.web.health import check_database, check_record_store

    failed = False
    for name, (ok, detail) in {"database": check_database(), "record store": check_record_store()}.items():
        click.echo(f"{name}: {'ok' if ok else 'failing'} ({detail})")
        failed |= not ok
    if failed:
        sys.exit(1)


def _report(name: str, summary: LoadSummary) -> None:
    click.echo(f"{name}: {summary}")
    for line in summary.lines():
        click.echo(f"  {line}")


# ``saferhub delivery load-essex`` loads delivery's, risks' and finance's Essex data: it is defined
# here, above all three apps, so that delivery does not import risks or finance (docs/architecture.md).
@click.command("load-essex")
@click.option("--only", type=click.Choice(["delivery", "risks", "finance"]), default=None, help="Load one part only.")
def delivery_load_essex(only: str | None) -> None:
    """Load the Essex action plans, risk registers and money (after the framework)."""
    setup_django()
    from saferhub.delivery.essex import delivery_essex_load
    from saferhub.finance.essex import finance_essex_load
    from saferhub.finance.essex_monitoring import finance_monitoring_essex_load
    from saferhub.risks.essex import risks_essex_load

    if only in (None, "delivery"):
        _report("action plans", delivery_essex_load())
    if only in (None, "risks"):
        _report("risk registers", risks_essex_load())
    if only in (None, "finance"):
        _report("money", finance_essex_load())
        _report("money spent", finance_monitoring_essex_load())


PUBLISHABLE = {
    "action-plan": ("saferhub.delivery.models", "ActionPlan", "slug"),
    "risk-register": ("saferhub.risks.models", "RiskRegister", "slug"),
    "budget": ("saferhub.finance.models", "BudgetTable", "slug"),
    "terms": ("saferhub.governance.models", "TermsOfReference", "partnership__slug"),
    "meeting": ("saferhub.governance.models", "Meeting", "public_id"),
}


# ``saferhub publish``: publication statuses belong to four apps, so the command sits above them.
@main.command("publish")
@click.argument("kind", type=click.Choice(sorted(PUBLISHABLE)))
@click.argument("ref")
@click.option("--members-only", is_flag=True, help="Take it back to the partnership's members only.")
def publish(kind: str, ref: str, members_only: bool) -> None:
    """Publish an action plan, risk register or budget (by its slug), a partnership's terms of
    reference (by the partnership's slug) or a meeting (by its public id) to everyone, or with
    --members-only keep it to the partnership's members. The change is audited."""
    setup_django()
    from saferhub.core.audit import audit_record
    from saferhub.core.models import Publication

    module, name, field = PUBLISHABLE[kind]
    model = getattr(importlib.import_module(module), name)
    obj = model._default_manager.filter(**{field: ref}).first() if ref.strip() else None
    if obj is None:
        raise click.ClickException(f"There is no {kind.replace('-', ' ')} {ref!r}.")
    obj.publication = Publication.MEMBERS if members_only else Publication.PUBLISHED
    obj.save(update_fields=["publication", "updated_at"])
    audit_record(actor=None, action=f"publication.{obj.publication}", obj=obj, kind=kind)
    click.echo(f"{obj}: {obj.get_publication_display().lower()}")


for _module in COMMAND_MODULES:
    main.add_command(importlib.import_module(_module).command)
main.commands["delivery"].add_command(delivery_load_essex)  # type: ignore[attr-defined]
# `saferhub records purge`: retention is decided by the sharing agreements, the store is the records'
main.commands["records"].add_command(importlib.import_module("saferhub.sharing.commands").purge)  # type: ignore[attr-defined]
