import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from conversations.models import Business, Conversation, new_share_token
from rules.access import Access

SHARE_DAYS_DEFAULT = 7
SHARE_DAYS_MAX = 90


class ShareLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ShareLink(models.Model):
    """A link that shows one conversation, always masked, to anyone until it expires."""

    conversation = models.ForeignKey(Conversation, models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=40, unique=True, default=new_share_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "external share link"

    def __str__(self):
        return f"share link of {self.conversation}"

    @classmethod
    def create_for(cls, conversation, user, days=SHARE_DAYS_DEFAULT):
        if not 1 <= days <= SHARE_DAYS_MAX:
            raise ValueError(f"a share link lasts 1 to {SHARE_DAYS_MAX} days")
        now = timezone.now()
        return cls.objects.create(
            conversation=conversation,
            created_by=user,
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class ChatLinkViewQuerySet(models.QuerySet):
    def record(self, viewer, conversation, access, share_link=None):
        return self.create(
            viewer=viewer,
            conversation=conversation,
            business_id=conversation.business_id,
            level=access.name.lower(),
            share_link=share_link,
        )


class ChatLinkView(models.Model):
    """One opening of a chat link: who saw which conversation, and how much of it."""

    class Level(models.TextChoices):
        FULL = Access.FULL.name.lower(), "Full"
        MASKED = Access.MASKED.name.lower(), "Masked"
        ANALYTICS = Access.ANALYTICS.name.lower(), "Analytics only"

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="chat_link_views"
    )
    conversation = models.ForeignKey(Conversation, models.CASCADE, related_name="views")
    business = models.ForeignKey(Business, models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices)
    # Set when the conversation was opened, by anyone, through an external share link.
    share_link = models.ForeignKey(
        ShareLink, models.SET_NULL, null=True, blank=True, related_name="views"
    )
    viewed_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ChatLinkViewQuerySet.as_manager()

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name = "chat link view"
        indexes = [models.Index(fields=["business", "-viewed_at"], name="view_business_time")]

    def __str__(self):
        return f"{self.viewer} viewed {self.conversation} ({self.level})"
