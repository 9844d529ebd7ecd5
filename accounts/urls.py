from django.urls import include, path

from accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    # Sign-in and Django's password pages; signin.urls, included before, stands in for the
    # forgotten-password ones with its own (the email sent by a background job).
    path("accounts/", include("django.contrib.auth.urls")),
]
