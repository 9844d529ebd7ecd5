from django.urls import path

from signin import views

urlpatterns = [
    path("", views.second_factor, name="second-factor"),
]
