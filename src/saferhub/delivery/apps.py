from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "saferhub.delivery"
    label = "delivery"
    verbose_name = "Action plans"
