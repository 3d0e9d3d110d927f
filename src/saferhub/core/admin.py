from django.contrib import admin

from saferhub.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor__username")
    readonly_fields = ("at", "actor", "action", "object_type", "object_id", "detail")

    def has_add_permission(self, request):  # the trail is written by the hub, never by hand
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
