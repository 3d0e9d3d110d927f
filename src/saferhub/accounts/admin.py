from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from saferhub.accounts.models import Organisation, Partnership, PartnershipRole, User


class PartnershipRoleInline(admin.TabularInline):
    model = PartnershipRole
    fk_name = "user"
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "organisation", "job_title", "is_staff", "is_active")
    list_filter = ("is_staff", "is_active", "organisation")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("Organisation", {"fields": ("organisation", "job_title")}))
    inlines = [PartnershipRoleInline]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "area")
    list_filter = ("kind",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "area", "accountable_to", "publishes_performance")
    list_filter = ("kind",)
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(PartnershipRole)
class PartnershipRoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "partnership", "role")
    list_filter = ("role", "partnership")
