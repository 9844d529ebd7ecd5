"""The site's URLs. The apps' URLs are included by module name: the project package sits on
top of every app and none of them imports it back (tests/test_layout.py)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # Before the accounts' pages: its password pages stand in for theirs.
    path("accounts/", include("signin.urls")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("chats.urls")),
    path("", include("ingest.urls")),
    path("b/<slug:business>/", include("agentchat.urls")),
    path("b/<slug:business>/analytics/topics/", include("topics.urls")),
    path("b/<slug:business>/analytics/", include("analytics.urls")),
    path("b/<slug:business>/console/", include("console.urls")),
]

handler404 = "web.errors.not_found"
handler500 = "web.errors.server_error"
