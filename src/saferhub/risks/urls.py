from django.urls import path

from saferhub.risks import views

app_name = "risks"

urlpatterns = [
    path("", views.risk_overview, name="overview"),
    path("registers/<slug:slug>/", views.register_detail, name="register_detail"),
    path("registers/<slug:slug>/new/", views.risk_create_view, name="risk_create"),
    path("<int:pk>/", views.risk_detail, name="risk_detail"),
    path("<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("<int:pk>/review/", views.risk_review, name="risk_review"),
]
