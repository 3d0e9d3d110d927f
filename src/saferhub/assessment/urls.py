from django.urls import path

from saferhub.assessment import matrix_views, views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("county-priorities/", views.county_priorities, name="county_priorities"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("repeat-locations/", views.repeat_locations, name="repeat_locations"),
    path("costs-of-harm/", views.costs_of_harm, name="costs_of_harm"),
    path("matrix/<str:code>/", matrix_views.matrix, name="matrix"),
    path("matrix/<str:code>/weights/", matrix_views.matrix_weights, name="matrix_weights"),
    path("matrix/<str:code>/decide/", matrix_views.matrix_decide, name="matrix_decide"),
]
