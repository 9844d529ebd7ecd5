"""The computed bot-break topics: one run per bot, its topics, and the messages in each.

A run is written whole by the topics job (topics.jobs) and replaced whole by the next; the
pages only read. Each member row copies its message's bot, channel and day (in the business's
time zone), as the rollups do, so that the page counts a topic under the filters without
reading a message. A message erased or removed by retention takes its member row with it.
"""

from django.db import models
from django.utils import timezone

from conversations.models import Bot, Business, Message


class TopicRun(models.Model):
    """The topics of one bot's bot-break messages, as the latest job computed them."""

    business = models.ForeignKey(Business, models.CASCADE, related_name="+")
    bot = models.OneToOneField(Bot, models.CASCADE, related_name="topic_run")
    # When the job read the masked texts: a change of masking after it may not be in them.
    computed_at = models.DateTimeField(default=timezone.now)
    # How many bot-break messages the bot had when they were computed: when the rollups count
    # another number, the topics are out of date (topics.jobs.bots_needing_topics).
    bot_breaks = models.PositiveIntegerField()
    # Of them, how many were grouped: the latest, at most topics.jobs.MOST_MESSAGES.
    grouped = models.PositiveIntegerField()
    # Asked for again (manage.py cluster_topics --bot): the next job computes it whatever
    # the counts say.
    requested = models.BooleanField(default=False)

    def __str__(self):
        return f"Topics of {self.bot.slug} ({self.computed_at:%Y-%m-%d %H:%M})"


class Topic(models.Model):
    run = models.ForeignKey(TopicRun, models.CASCADE, related_name="topics")
    number = models.PositiveIntegerField(help_text="0 for the largest when computed")
    # The most telling phrases, most telling first, from the masked texts only.
    label = models.JSONField(default=list)
    size = models.PositiveIntegerField()

    class Meta:
        ordering = ["run", "number"]
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="topic_number")]

    def __str__(self):
        return " · ".join(self.label) or f"Topic {self.number + 1}"


class TopicMember(models.Model):
    """One grouped message: in a topic, or in none (topic null: it fits no topic)."""

    run = models.ForeignKey(TopicRun, models.CASCADE, related_name="members")
    topic = models.ForeignKey(Topic, models.CASCADE, null=True, related_name="members")
    message = models.ForeignKey(Message, models.CASCADE, related_name="+")
    # Copied from the message, as the rollups are, for the page's filters.
    business = models.ForeignKey(Business, models.CASCADE, related_name="+", db_index=False)
    bot = models.ForeignKey(Bot, models.CASCADE, related_name="+", db_index=False)
    channel = models.CharField(max_length=32)
    day = models.DateField()
    # 0, 1, 2...: the topic's example messages, the closest to its centre first.
    example = models.PositiveSmallIntegerField(null=True)

    class Meta:
        # The page counts a business's members by day; a topic's list reads them newest first.
        indexes = [
            models.Index(fields=["business", "-day", "-message"], name="topic_member_day"),
            models.Index(fields=["topic", "-day", "-message"], name="topic_member_topic_day"),
        ]

    def __str__(self):
        return f"message {self.message_id} in {self.topic_id}"
