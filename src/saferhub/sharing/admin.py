from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from saferhub.sharing.models import Agreement, AgreementReview, Dataset, ReadAudit


@admin.register(Dataset)
class DatasetAdmin(SimpleHistoryAdmin):
    list_display = ("name", "owner", "classification", "disclosure")
    list_filter = ("classification", "disclosure")


class ReviewInline(admin.TabularInline):
    model = AgreementReview
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ("title", "partnership", "status", "review_date")
    list_filter = ("status",)
    filter_horizontal = ("party_organisations", "party_partnerships", "datasets")
    inlines = [ReviewInline]


@admin.register(ReadAudit)
class ReadAuditAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "dataset", "channel", "what", "agreement")
    list_filter = ("channel", "dataset")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReadAudit | None = None) -> bool:
        return False
