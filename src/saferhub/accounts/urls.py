from django.contrib.auth import views as auth_views
from django.urls import path

from saferhub.accounts import views

urlpatterns = [
    path("sign-in/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", views.my_account, name="my_account"),
    path("partnerships/<slug:slug>/members/", views.partnership_members, name="partnership_members"),
]
