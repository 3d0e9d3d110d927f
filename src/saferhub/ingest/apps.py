from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "saferhub.ingest"
    label = "ingest"
    verbose_name = "Data imports"
