from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from saferhub.measures.models import IndicatorValue


@admin.register(IndicatorValue)
class IndicatorValueAdmin(SimpleHistoryAdmin):
    list_display = ("indicator", "area", "period_label", "breakdown", "value", "status")
    list_filter = ("status", "period_kind")
    search_fields = ("indicator__slug", "area__code", "area__name")
    raw_id_fields = ("indicator", "area", "source_import")
