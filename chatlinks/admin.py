from django.contrib import admin

from chatlinks.models import ChatLinkView
from conversations.admin import ReadOnlyAdmin


@admin.register(ChatLinkView)
class ChatLinkViewAdmin(ReadOnlyAdmin):
    """The audit log: read-only, so nobody can tidy away who looked at what."""

    list_display = ["viewed_at", "viewer", "business", "conversation", "level"]
    list_filter = ["business", "viewer", "level", "viewed_at"]
    search_fields = ["viewer__username", "conversation__external_id"]
    date_hierarchy = "viewed_at"
    list_select_related = ["viewer", "business", "conversation"]
