from django.urls import path

from saferhub.reports import views

app_name = "reports"

urlpatterns = [
    path("meetings/<int:pk>/pack/", views.pack, name="pack"),
    path("meetings/<int:pk>/pack.pdf", views.pack_pdf, name="pack_pdf"),
    path("meetings/<int:pk>/pack/publish/", views.publish, name="publish"),
    path("packs/<int:pk>/", views.published, name="published"),
    path("packs/<int:pk>.pdf", views.published_pdf, name="published_pdf"),
]
