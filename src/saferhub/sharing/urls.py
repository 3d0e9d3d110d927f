from django.urls import path

from saferhub.sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("new/<slug:partnership>/", views.agreement_create_view, name="agreement_create"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<slug:slug>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<slug:slug>/review/", views.agreement_review, name="agreement_review"),
    path("datasets/", views.dataset_list, name="dataset_list"),
    path("datasets/<slug:slug>/reads/", views.dataset_reads, name="dataset_reads"),
]
