"""External share links: a link that shows one conversation, always masked, to anyone who
has it, until it expires or is revoked. Below the audit log, which records each opening."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from conversations.models import Conversation, new_share_token

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
        # The table of the days when share links were part of the project package (chatlinks).
        db_table = "chatlinks_sharelink"
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
