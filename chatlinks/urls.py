"""The site's URLs. Other apps' URLs are included by module name: the project package sits on
top of every app and none of them imports it back (tests/test_layout.py)."""

from django.contrib import admin
from django.urls import include, path

from chatlinks import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("signin.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("c/<str:token>/", views.chat_link, name="chat-link"),
    path("c/<str:token>/updates/", views.chat_updates, name="chat-updates"),
    path(
        "c/<str:token>/media/<int:message_id>/<str:ref>/", views.attachment, name="chat-attachment"
    ),
    path("c/<str:token>/share/", views.create_share_link, name="create-share-link"),
    path(
        "c/<str:token>/share/<int:share_id>/revoke/",
        views.revoke_share_link,
        name="revoke-share-link",
    ),
    path("s/<str:token>/", views.shared_conversation, name="shared-conversation"),
    path("s/<str:token>/updates/", views.shared_updates, name="shared-updates"),
    path("", include("ingest.urls")),
    path("b/<slug:business>/", include("agentchat.urls")),
    path("b/<slug:business>/analytics/", include("analytics.urls")),
    path("b/<slug:business>/console/", include("console.urls")),
]

handler500 = "chatlinks.views.server_error"
