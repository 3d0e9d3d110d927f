from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from saferhub.delivery.models import Action, ActionPlan, ProgressUpdate


class ProgressInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ("title", "partnership", "framework", "publication")


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "title", "plan", "lead_organisation", "due_date", "status")
    list_filter = ("status", "plan", "priority")
    search_fields = ("reference", "title")
    filter_horizontal = ("indicators",)
    inlines = [ProgressInline]
