from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from saferhub.framework.models import (
    Baseline,
    Framework,
    Indicator,
    IndicatorMembership,
    Outcome,
    PartnerContribution,
    Story,
    Target,
    Theme,
)


class MembershipInline(admin.TabularInline):
    model = IndicatorMembership
    extra = 0
    raw_id_fields = ("indicator", "outcome", "theme")


@admin.register(Framework)
class FrameworkAdmin(SimpleHistoryAdmin):
    list_display = ("title", "owner", "period_label", "status")
    list_filter = ("status", "owner")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [MembershipInline]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "framework")
    list_filter = ("framework",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "framework", "outcome")
    list_filter = ("framework",)


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("title", "value_type", "polarity", "frequency", "national_indicator_ref", "status")
    list_filter = ("status", "value_type", "polarity", "frequency")
    search_fields = ("title", "slug", "national_indicator_ref")


for model in (Target, Baseline, Story, PartnerContribution):
    admin.site.register(model, SimpleHistoryAdmin)
