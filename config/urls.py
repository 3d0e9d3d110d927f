from django.contrib import admin
from django.urls import include, path

from saferhub.api.urls import api

admin.site.site_header = "saferhub administration"
admin.site.site_title = "saferhub"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("account/", include("saferhub.accounts.urls")),
    path("", include("saferhub.framework.urls")),
    path("actions/", include("saferhub.delivery.urls")),
    path("risks/", include("saferhub.risks.urls")),
    path("sharing/", include("saferhub.sharing.urls")),
    path("finance/", include("saferhub.finance.urls")),
    path("governance/", include("saferhub.governance.urls")),
    path("imports/", include("saferhub.ingest.urls")),
    path("assessment/", include("saferhub.assessment.urls")),
    path("reports/", include("saferhub.reports.urls")),
    path("", include("saferhub.performance.urls")),
    path("", include("saferhub.web.urls")),
]
