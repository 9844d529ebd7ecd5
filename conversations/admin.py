"""The imported data, read-only: it changes only through the import (ingest.writer), which
keeps what is derived from it true. The editable settings are in ingest.admin."""

from django.contrib import admin

from conversations.models import Conversation, EndUser, Job, Message


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EndUser)
class EndUserAdmin(ReadOnlyAdmin):
    list_display = ["external_id", "business", "name"]
    list_filter = ["business"]
    search_fields = ["external_id", "name", "email", "phone"]


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["external_id", "business", "bot", "channel", "started_at", "message_count"]
    list_filter = ["business", "channel", "csat_rating", "started_at"]
    search_fields = ["external_id", "end_user__external_id"]
    date_hierarchy = "started_at"
    list_select_related = ["business", "bot"]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["conversation", "sent_at", "sender", "bot_break"]
    list_filter = ["business", "sender", "bot_break"]
    search_fields = ["conversation__external_id", "external_id"]
    list_select_related = ["conversation"]
    show_full_result_count = False


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "business", "kind", "state", "percent", "reason", "finished_at"]
    list_filter = ["state", "kind", "business"]
    list_select_related = ["business"]
