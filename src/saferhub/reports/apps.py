from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "saferhub.reports"
    label = "reports"
    verbose_name = "Reports: the board's performance pack"
