from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    name = "saferhub.framework"
    label = "framework"
    verbose_name = "Outcomes framework"
