from django.urls import path

from saferhub.performance import views

app_name = "performance"

urlpatterns = [
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/<slug:slug>/", views.scorecard, name="scorecard"),
    path("performance/indicators/<slug:slug>/", views.indicator, name="indicator"),
    path("performance/why/<slug:slug>/<str:code>/", views.why, name="why"),
    path("areas/", views.areas, name="areas"),
    path("areas/compare/", views.compare, name="compare"),
    path("areas/<str:code>/", views.area_profile, name="area"),
    path("maps/", views.maps, name="maps"),
]
