from django.contrib import admin
from django.urls import include, path

from chatlinks import views
from conversations.api import import_view

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/import", import_view, name="api-import"),
    path("c/<str:token>/", views.chat_link, name="chat-link"),
    path("b/<slug:business>/", include("conversations.urls")),
]
