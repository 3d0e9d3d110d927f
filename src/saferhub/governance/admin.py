from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from saferhub.governance.models import (
    AgendaItem,
    Attendance,
    Decision,
    Declaration,
    ForwardPlanItem,
    Meeting,
    MonitoredIndicator,
    Paper,
    PartnershipProfile,
    Seat,
    TermsOfReference,
)


@admin.register(TermsOfReference)
class TermsOfReferenceAdmin(SimpleHistoryAdmin):
    list_display = ("partnership", "minimum_meetings_per_year", "quorum", "review_by")


@admin.register(PartnershipProfile)
class PartnershipProfileAdmin(SimpleHistoryAdmin):
    list_display = ("partnership", "membership_note")


@admin.register(Seat)
class SeatAdmin(SimpleHistoryAdmin):
    list_display = ("partnership", "organisation", "represents", "position", "category", "required_by_legislation")
    list_filter = ("partnership", "category", "required_by_legislation")


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "number", "title", "kind", "presenter", "exempt", "exempt_reason")


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("partnership", "date", "start_time", "status", "publication")
    list_filter = ("partnership", "status")
    inlines = [AgendaItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ("meeting", "number", "title", "kind")
    list_select_related = ("meeting__partnership",)


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ("meeting", "position", "organisation", "represents", "status", "is_chair")
    list_filter = ("status",)


@admin.register(Paper)
class PaperAdmin(SimpleHistoryAdmin):
    list_display = ("title", "item", "original_name", "size")


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    list_display = ("item", "position", "kind")


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ("item", "label", "text", "action")


@admin.register(MonitoredIndicator)
class MonitoredIndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("partnership", "title", "reference", "national_indicator_ref", "indicator")


@admin.register(ForwardPlanItem)
class ForwardPlanItemAdmin(SimpleHistoryAdmin):
    list_display = ("partnership", "title", "target_meeting", "status")
