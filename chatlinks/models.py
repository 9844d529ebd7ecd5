from django.conf import settings
from django.db import models
from django.utils import timezone

from chatlinks.access import Access
from conversations.models import Business, Conversation


class ChatLinkViewQuerySet(models.QuerySet):
    def record(self, viewer, conversation, access):
        return self.create(
            viewer=viewer,
            conversation=conversation,
            business_id=conversation.business_id,
            level=access.name.lower(),
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
    viewed_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ChatLinkViewQuerySet.as_manager()

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name = "chat link view"
        indexes = [models.Index(fields=["business", "-viewed_at"], name="view_business_time")]

    def __str__(self):
        return f"{self.viewer} viewed {self.conversation} ({self.level})"
