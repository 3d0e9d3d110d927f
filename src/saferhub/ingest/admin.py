from django.contrib import admin

from saferhub.ingest.models import Import, ImportFile, ImportRejection


class ImportFileInline(admin.TabularInline):
    model = ImportFile
    extra = 0
    readonly_fields = ("name", "sha256", "size_bytes", "rows_read", "dataset")
    can_delete = False


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "source",
        "file_name",
        "status",
        "user",
        "partnership",
        "started_at",
        "rows_accepted",
        "rows_rejected",
    )
    list_filter = ("source", "status")
    search_fields = ("file_name", "sha256")
    readonly_fields = [f.name for f in Import._meta.fields]
    inlines = [ImportFileInline]


@admin.register(ImportRejection)
class ImportRejectionAdmin(admin.ModelAdmin):
    list_display = ("import_run", "file_name", "row_number", "column", "reason")
    search_fields = ("reason", "file_name")
    readonly_fields = ("import_run", "file_name", "row_number", "column", "value", "reason")
