from django.urls import path

from saferhub.ingest import views

app_name = "ingest"

urlpatterns = [
    path("", views.import_list, name="list"),
    path("upload/", views.import_upload_view, name="upload"),
    path("<int:import_id>/", views.import_detail, name="detail"),
    path("<int:import_id>/confirm/", views.import_confirm_view, name="confirm"),
    path("<int:import_id>/discard/", views.import_discard_view, name="discard"),
    path("<int:import_id>/rejections.csv", views.import_rejections_download, name="rejections"),
    path("templates/<slug:indicator_slug>.<str:fmt>", views.returns_template_download, name="template"),
]
