"""The audit log: who saw which personal data at which level, and who changed what."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.http import QueryDict
from django.utils import timezone
from django.utils.crypto import salted_hmac

from conversations.models import Business, Conversation
from rules.access import Access
from sharelinks.models import ShareLink


class ActorKind(models.TextChoices):
    """Who made a change (ingest.actors.Actor)."""

    STAFF = "staff", "Staff member"
    API_KEY = "api_key", "API key"
    COMMAND = "command", "Management command"
    OPERATOR = "operator", "Platform operator"
    SCHEDULE = "schedule", "Scheduled job"


# Identical views of a list page by one viewer within this time are recorded once.
LIST_VIEW_WINDOW = timedelta(minutes=10)
LIST_QUERY_KEY_SALT = "audit.list_query"


def list_query_key(query: QueryDict) -> str:
    """The keyed hash (HMAC with SECRET_KEY) of a list's search and filters, `query` without
    its page number and empty values, in any order: it tells one search from another in the
    log without keeping the searched words (an email, a phone number), which are personal
    data."""
    chosen = sorted(
        (name, value)
        for name, values in query.lists()
        if name != "page"
        for value in values
        if value
    )
    return salted_hmac(LIST_QUERY_KEY_SALT, repr(chosen), algorithm="sha256").hexdigest()


class AuditEntryQuerySet(models.QuerySet):
    def opened(self, viewer, conversation, access, share_link=None):
        """A conversation shown to `viewer` (None: not signed in) at `access`, or through an
        external share link."""
        return self.create(
            viewer=viewer if viewer is not None and viewer.is_authenticated else None,
            business_id=conversation.business_id,
            kind=AuditEntry.Kind.CONVERSATION,
            level=AuditEntry.Level.EXTERNAL if share_link else access.name.lower(),
            conversation=conversation,
            share_link=share_link,
        )

    def attachment_opened(self, viewer, conversation, what):
        """A full viewer opened an attachment or picture of a conversation (only full viewers
        may: masked pages link to none)."""
        return self.create(
            viewer=viewer,
            business_id=conversation.business_id,
            kind=AuditEntry.Kind.ATTACHMENT,
            level=AuditEntry.Level.FULL,
            conversation=conversation,
            what=what,
        )

    def listed(self, viewer, business, access, what, query: QueryDict):
        """A list page that showed `viewer` several conversations (one entry per page), unless
        the same viewer was shown the same page (`what`: the list, page and count) of the same
        search and filters (`query`, the page's query string, kept as its list_query_key) at
        the same level within LIST_VIEW_WINDOW: going back to a list after each chat would
        otherwise bury the log, while each search is a look-up of its own. Every chat opened
        is logged on its own (`opened`). Returns None when the view was recorded already."""
        level = access.name.lower()
        query_key = list_query_key(query)
        recorded = self.filter(
            business=business,
            at__gte=timezone.now() - LIST_VIEW_WINDOW,
            viewer=viewer,
            kind=AuditEntry.Kind.LIST,
            level=level,
            what=what,
            query_key=query_key,
        )
        if recorded.exists():
            return None
        return self.create(
            viewer=viewer,
            business=business,
            kind=AuditEntry.Kind.LIST,
            level=level,
            what=what,
            query_key=query_key,
        )

    def changed(self, business, kind, what, *, actor_kind, actor_name, user=None):
        """A change of staff, permissions, entities, settings or API keys, made by an actor
        of `actor_kind` named `actor_name` (ingest.actors); `user`: the account, if any."""
        return self.create(
            viewer=user,
            business=business,
            kind=kind,
            what=what[: AuditEntry._meta.get_field("what").max_length],
            actor_kind=actor_kind,
            actor_name=actor_name,
        )


class AuditEntry(models.Model):
    """The audit log: who saw which personal data at which level, and who changed what."""

    class Kind(models.TextChoices):
        CONVERSATION = "conversation", "Opened a conversation"
        ATTACHMENT = "attachment", "Opened an attachment"
        LIST = "list", "Listed conversations"
        EXPORT = "export", "Exported"
        STAFF = "staff", "Changed staff"
        PERMISSION = "permission", "Changed a permission"
        SETTINGS = "settings", "Changed settings"
        API_KEY = "api_key", "Changed API keys"
        PRIVACY = "privacy", "Privacy request"
        RETENTION = "retention", "Removed old conversations"

    class Level(models.TextChoices):
        FULL = Access.FULL.name.lower(), "Full"
        MASKED = Access.MASKED.name.lower(), "Masked"
        ANALYTICS = Access.ANALYTICS.name.lower(), "Analytics only"
        EXTERNAL = "external", "External link"

    business = models.ForeignKey(Business, models.CASCADE, related_name="+")
    # Who saw or changed something; None for an external link opened by someone signed out.
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="audit_entries"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CONVERSATION)
    level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    # Kept when the conversation goes (erased, or past the business's retention), without it.
    conversation = models.ForeignKey(
        Conversation, models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    share_link = models.ForeignKey(
        ShareLink, models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    # Who made a change, when not a staff member (blank for what was seen, and for changes
    # logged before actors were): an API key's prefix, a management command.
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices, blank=True)
    actor_name = models.CharField(max_length=160, blank=True)
    # What was shown or changed, in a few words that carry no personal data.
    what = models.CharField(max_length=300, blank=True)
    # A list view's search and filters as a keyed hash (list_query_key), never the words
    # searched: tells one search from another; blank for other entries.
    query_key = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        # The table of the days when the log was part of the project package (chatlinks).
        db_table = "chatlinks_auditentry"
        ordering = ["-at", "-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"
        indexes = [models.Index(fields=["business", "-at", "-id"], name="audit_business_time")]

    def __str__(self):
        return f"{self.viewer}: {self.get_kind_display()} ({self.level or '-'})"
