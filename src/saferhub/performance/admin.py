from django.contrib import admin

from saferhub.performance.models import IndicatorSummary


@admin.register(IndicatorSummary)
class IndicatorSummaryAdmin(admin.ModelAdmin):
    """Read-only: summaries are recomputed by ``saferhub performance refresh``, never edited."""

    list_display = ("indicator", "area", "latest_period_label", "latest_value", "target_status", "benchmark_outcome")
    list_filter = ("target_status", "benchmark_outcome", "spc_variation")
    search_fields = ("indicator__slug", "area__code", "area__name")
    raw_id_fields = ("indicator", "area")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
