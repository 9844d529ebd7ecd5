from django.urls import path

from signin import views

urlpatterns = [
    path("second-factor/", views.second_factor, name="second-factor"),
    path("password_reset/", views.BackgroundPasswordResetView.as_view(), name="password_reset"),
]
