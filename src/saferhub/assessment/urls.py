from django.urls import path

from saferhub.assessment import matrix_views, views, views_document

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("county-priorities/", views.county_priorities, name="county_priorities"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("repeat-locations/", views.repeat_locations, name="repeat_locations"),
    path("deprivation/", views.deprivation, name="deprivation"),
    path("document/<str:code>/<int:year>/", views_document.document, name="document"),
    path("document/<str:code>/<int:year>/pdf/", views_document.document_pdf, name="document_pdf"),
    path(
        "document/<str:code>/<int:year>/narrative/<slug:key>/",
        views_document.narrative_edit,
        name="narrative_edit",
    ),
    path("costs-of-harm/", views.costs_of_harm, name="costs_of_harm"),
    path("matrix/<str:code>/", matrix_views.matrix, name="matrix"),
    path("matrix/<str:code>/weights/", matrix_views.matrix_weights, name="matrix_weights"),
    path("matrix/<str:code>/decide/", matrix_views.matrix_decide, name="matrix_decide"),
]
