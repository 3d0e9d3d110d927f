from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "saferhub.risks"
    label = "risks"
    verbose_name = "Risk registers"
