from django.urls import path

from saferhub.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("county-priorities/", views.county_priorities, name="county_priorities"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("repeat-locations/", views.repeat_locations, name="repeat_locations"),
    path("costs-of-harm/", views.costs_of_harm, name="costs_of_harm"),
]
