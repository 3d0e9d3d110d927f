from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "saferhub.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from saferhub.core.hub_generation import install_hub_triggers

        # post_migrate is sent after the whole migration has run, so every watched table exists.
        post_migrate.connect(install_hub_triggers, sender=self, dispatch_uid="core-hub-generation-triggers")
