from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "saferhub.measures"
    label = "measures"
    verbose_name = "Indicator values"
