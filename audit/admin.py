from django.contrib import admin

from audit.models import AuditEntry
from conversations.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log: read-only, so nobody can tidy away who looked at what."""

    list_display = ["at", "viewer", "business", "kind", "level", "what", "conversation"]
    list_filter = ["business", "kind", "level", "at"]
    search_fields = ["viewer__username", "what"]
    date_hierarchy = "at"
    list_select_related = ["viewer", "business", "conversation"]
