from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "saferhub.governance"
    label = "governance"
    verbose_name = "Governance: partnerships and meetings"
