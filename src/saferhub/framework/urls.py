from django.urls import path

from saferhub.framework import views

app_name = "framework"

urlpatterns = [
    path("frameworks/", views.framework_list, name="list"),
    path("frameworks/<slug:slug>/", views.framework_detail, name="detail"),
    path("frameworks/<slug:slug>/download.<str:fmt>", views.framework_download, name="download"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/<slug:slug>/story/edit", views.story_edit, name="story_edit"),
    path("indicators/<slug:slug>/story/history", views.story_history, name="story_history"),
    path("indicators/<slug:slug>/targets/add", views.target_add, name="target_add"),
    path("indicators/<slug:slug>/targets/<int:pk>/edit", views.target_edit, name="target_edit"),
    path("indicators/<slug:slug>/targets/history", views.target_history, name="target_history"),
]
