from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from saferhub.geography.models import Area, ComparatorGroup, Population


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "area_type", "parent", "force_area")
    list_filter = ("area_type",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "force_area")


@admin.register(Population)
class PopulationAdmin(SimpleHistoryAdmin):
    list_display = ("area", "year", "value", "source")
    list_filter = ("year",)
    search_fields = ("area__code", "area__name")
    raw_id_fields = ("area",)


@admin.register(ComparatorGroup)
class ComparatorGroupAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "for_area")
    filter_horizontal = ("members",)
