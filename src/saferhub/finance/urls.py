from django.urls import path

from saferhub.finance import views

app_name = "finance"

urlpatterns = [
    path("", views.finance_overview, name="overview"),
    path("budgets/<slug:slug>/", views.budget_detail, name="budget_detail"),
    path("lines/<int:pk>/edit/", views.budget_line_edit, name="budget_line_edit"),
    path("funding/", views.funding_streams, name="funding_streams"),
    path("funds/<slug:slug>/", views.fund_detail, name="fund_detail"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
]
