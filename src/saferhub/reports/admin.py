from django.contrib import admin

from saferhub.reports.models import PublishedPack


@admin.register(PublishedPack)
class PublishedPackAdmin(admin.ModelAdmin):
    """Read-only: a published pack is frozen; publish a new version from the meeting's pack page."""

    list_display = ("meeting", "version", "published_at", "published_by", "as_of", "pdf_sha256")
    search_fields = ("meeting__partnership__name", "meeting__title")
    raw_id_fields = ("meeting", "published_by", "paper")
    exclude = ("html", "pdf")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
