from django.urls import path

from saferhub.delivery import views

app_name = "delivery"

urlpatterns = [
    path("", views.action_list, name="action_list"),
    path("new/", views.action_create_view, name="action_create"),
    path("<int:pk>/", views.action_detail, name="action_detail"),
    path("<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("<int:pk>/progress/", views.action_progress, name="action_progress"),
]
