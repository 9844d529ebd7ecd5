from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views
from accounts.passwords import ActiveAccountPasswordResetConfirmView, ThrottledPasswordResetForm

urlpatterns = [
    path("", views.home, name="home"),
    # Before Django's own, which they stand in for.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=ThrottledPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        ActiveAccountPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
]
