from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def install_generation_triggers(*, using: str = "default", **_: Any) -> None:
    """After every migration, every watched table bumps the performance change counter on each write
    (a table that SQLite rebuilt during a migration gets its triggers back)."""
    from saferhub.core.generations import install_triggers
    from saferhub.performance.models import GENERATION, WATCHED

    install_triggers(name=GENERATION, tables=[apps.get_model(label)._meta.db_table for label in WATCHED], using=using)


class PerformanceConfig(AppConfig):
    name = "saferhub.performance"
    label = "performance"
    verbose_name = "Performance summaries"

    def ready(self) -> None:
        post_migrate.connect(install_generation_triggers, sender=self, dispatch_uid="performance-generation-triggers")
