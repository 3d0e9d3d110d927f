from django.urls import path

from saferhub.web import indicator, views

app_name = "web"

urlpatterns = [
    path("", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("accessibility", views.accessibility, name="accessibility"),
    path("indicators/<slug:slug>/", indicator.indicator_detail, name="indicator"),
    path("glossary", views.glossary, name="glossary"),
]
