from django.urls import path

from saferhub.finance import views, views_monitoring, views_returns

app_name = "finance"

urlpatterns = [
    path("", views.finance_overview, name="overview"),
    path("budgets/<slug:slug>/", views.budget_detail, name="budget_detail"),
    path("lines/<int:pk>/edit/", views.budget_line_edit, name="budget_line_edit"),
    path("funding/", views.funding_streams, name="funding_streams"),
    path("funds/<slug:slug>/", views.fund_detail, name="fund_detail"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    # Money actually spent (issue 18): budget monitoring
    path("monitoring/", views_monitoring.monitoring_summary, name="monitoring"),
    path("monitoring/<slug:slug>/threshold/", views_monitoring.variance_threshold, name="variance_threshold"),
    path("budgets/<slug:slug>/monitoring/", views_monitoring.budget_monitoring, name="budget_monitoring"),
    path("budgets/<slug:slug>/monitoring/<str:quarter>/", views_monitoring.budget_quarter, name="budget_quarter"),
    path("lines/<int:pk>/profile/", views_monitoring.budget_line_profile, name="budget_line_profile"),
    # ... and commissioned services' quarterly returns
    path("returns/", views_returns.provider_services, name="provider_services"),
    path("services/<int:pk>/returns/", views_returns.service_returns, name="service_returns"),
    path("services/<int:pk>/returns/<str:quarter>/", views_returns.service_return, name="service_return"),
]
