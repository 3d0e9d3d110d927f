from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "saferhub.finance"
    label = "finance"
    verbose_name = "Money: budgets, funding and commissioning"
