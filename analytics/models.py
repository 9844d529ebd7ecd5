"""Daily rollups that the analytics pages read instead of scanning messages, and column choices.

The rollups are kept by the importer in the same transaction as the data (analytics.rollups);
`manage.py rebuild_rollups` recounts them from scratch. Their days are days in the business's
time zone. Counts are plain integers rather than positive ones because an update adds its
differences first and deletes the rows that fall to zero after.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum

from conversations.models import Bot, Business, Sender

NOT_RATED = 0  # the rating of a conversation without CSAT, in DailyConversationCount


class RollupQuerySet(models.QuerySet):
    def total(self):
        return self.aggregate(total=Sum("count"))["total"] or 0


# The unique key of each rollup: what its rows are counts of. Upserts add to the row with the key.
MESSAGE_COUNT_KEY = ["business", "day", "bot", "channel", "sender", "bot_break", "handled"]
CONVERSATION_COUNT_KEY = ["business", "day", "bot", "channel", "agent_id", "rating"]
# Also the index of Word Analysis: one business, one phrase size, a range of days.
PHRASE_COUNT_KEY = ["business", "size", "bot_break", "day", "bot", "channel", "phrase"]


class DailyMessageCount(models.Model):
    """Messages per day, by who sent them, bot break, and whether an agent handled the chat."""

    business = models.ForeignKey(Business, models.CASCADE, related_name="+")
    day = models.DateField()
    bot = models.ForeignKey(Bot, models.CASCADE, related_name="+")
    channel = models.CharField(max_length=32)
    sender = models.CharField(max_length=8, choices=Sender.choices)
    bot_break = models.BooleanField()
    handled = models.BooleanField(help_text="The conversation has an agent.")
    count = models.IntegerField()

    objects = RollupQuerySet.as_manager()

    KEY = MESSAGE_COUNT_KEY

    class Meta:
        constraints = [models.UniqueConstraint(fields=MESSAGE_COUNT_KEY, name="message_count_key")]

    def __str__(self):
        return f"{self.day}: {self.count} {self.sender} messages"


class DailyConversationCount(models.Model):
    """Conversations per day they started, by agent and CSAT rating (NOT_RATED for none)."""

    business = models.ForeignKey(Business, models.CASCADE, related_name="+")
    day = models.DateField()
    bot = models.ForeignKey(Bot, models.CASCADE, related_name="+")
    channel = models.CharField(max_length=32)
    # The agent's user id, 0 for none: a plain number, not a foreign key, because a key with a
    # NULL in it never conflicts, and the upsert that adds to a row needs it to.
    agent_id = models.PositiveBigIntegerField()
    rating = models.PositiveSmallIntegerField()
    count = models.IntegerField()

    objects = RollupQuerySet.as_manager()

    KEY = CONVERSATION_COUNT_KEY

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=CONVERSATION_COUNT_KEY, name="conversation_count_key"),
            models.CheckConstraint(condition=Q(rating__lte=5), name="rollup_rating_0_to_5"),
        ]

    def __str__(self):
        return f"{self.day}: {self.count} conversations rated {self.rating}"


class DailyPhraseCount(models.Model):
    """User messages per day containing a 1-, 2- or 3-word phrase of their masked text."""

    business = models.ForeignKey(Business, models.CASCADE, related_name="+")
    size = models.PositiveSmallIntegerField(help_text="Words in the phrase, 1 to 3.")
    bot_break = models.BooleanField()
    day = models.DateField()
    bot = models.ForeignKey(Bot, models.CASCADE, related_name="+")
    channel = models.CharField(max_length=32)
    phrase = models.CharField(max_length=200)
    count = models.IntegerField()

    objects = RollupQuerySet.as_manager()

    KEY = PHRASE_COUNT_KEY

    class Meta:
        constraints = [models.UniqueConstraint(fields=PHRASE_COUNT_KEY, name="phrase_count_key")]

    def __str__(self):
        return f"{self.day}: {self.phrase!r} in {self.count} messages"


class ConversationFacts(models.Model):
    """One row a conversation: who handled it and how fast, which Agents and teams reads.

    Per conversation, not per day, so that medians and 90th percentiles are exact: a page reads
    the rows of its period through an index, never the messages. Kept by the writer with the
    daily rollups (analytics.rollups). Its conversation is a plain id, like the daily counts'
    agent: retention removes old conversations but keeps what the analytics of past days
    counted, and an erasure takes its row out with the rest (rollups.uncount).
    """

    business = models.ForeignKey(Business, models.CASCADE, related_name="+")
    conversation_id = models.PositiveBigIntegerField()
    day = models.DateField(help_text="The day it started, in the business's time zone.")
    bot = models.ForeignKey(Bot, models.CASCADE, related_name="+")
    channel = models.CharField(max_length=32)
    agent_id = models.PositiveBigIntegerField(help_text="0 for none.")
    team_id = models.PositiveBigIntegerField(help_text="0 for none.")
    rating = models.PositiveSmallIntegerField(help_text="NOT_RATED for none.")
    handed_over = models.BooleanField()
    closed = models.BooleanField()
    first_response = models.PositiveIntegerField(
        null=True, help_text="Seconds from the hand-over to the agent's first message."
    )
    resolution = models.PositiveIntegerField(
        null=True, help_text="Seconds from the hand-over, or the start, to the close."
    )

    KEY = ["business", "conversation_id"]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "conversation_id"], name="conversation_facts_key"
            ),
            models.CheckConstraint(condition=Q(rating__lte=5), name="facts_rating_0_to_5"),
        ]
        indexes = [
            models.Index(fields=["business", "day"], name="facts_day"),
            models.Index(fields=["business", "agent_id", "day"], name="facts_agent_day"),
            models.Index(fields=["business", "team_id", "day"], name="facts_team_day"),
        ]

    def __str__(self):
        return f"{self.day}: conversation {self.conversation_id}"


ROLLUPS = [DailyMessageCount, DailyConversationCount, DailyPhraseCount, ConversationFacts]


class RollupsVersion(models.Model):
    """The analytics.rollups.ROLLUPS_VERSION the stored rollups were counted by (one row): an
    upgrade that counts differently has every business recounted once, after migrate."""

    version = models.PositiveIntegerField()

    def __str__(self):
        return f"rollups version {self.version}"


class ColumnChoiceQuerySet(models.QuerySet):
    def keys_for(self, user, business, table_name):
        """The keys of the columns `user` chose for the table, or None for the defaults."""
        choices = self.filter(user=user, business=business, table=table_name)
        return choices.values_list("columns", flat=True).first()


class ColumnChoice(models.Model):
    """The columns one staff member chose to see in one table of one business."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    business = models.ForeignKey(Business, models.CASCADE, related_name="+")
    table = models.CharField(max_length=32)
    columns = models.JSONField(default=list)

    objects = ColumnChoiceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "business", "table"], name="one_column_choice_per_table"
            )
        ]

    def __str__(self):
        return f"{self.table} columns of {self.user}"
