"""What the topics page shows under its filters: the computed topics, counted in the period.

The counts come from the member rows (topics.models.TopicMember), which copy each message's
bot, channel and day, as the rollups do: no message is read to count a topic, and only the
examples and the listed messages are read, through the presenter, masked.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count

from analytics.reports import Report
from conversations.models import Job
from topics.jobs import Freshness
from topics.models import Topic, TopicMember

# The trend's latest weeks: a small chart per topic.
TREND_WEEKS = 26
EXAMPLES = 3


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass
class TopicRow:
    topic: Topic
    size: int
    weeks: Counter = field(default_factory=Counter)
    examples: list = field(default_factory=list)  # Messages, the most typical first
    label_hidden: bool = False

    @property
    def title(self) -> str:
        return topic_title(self.topic, self.label_hidden)


def topic_title(topic: Topic, label_hidden: bool) -> str:
    """The topic's label phrases, or its number while masking has changed since it was
    computed (a label from before may hold a value that is personal now)."""
    if label_hidden or not topic.label:
        return f"Topic {topic.number + 1}"
    return " · ".join(topic.label)


class TopicsReport(Report):
    """Bot-break topics: the topics of the bots in the filters, largest in the period first."""

    def __init__(self, business, chosen):
        super().__init__(business, chosen)
        self.freshness = Freshness.of(business)

    def members(self):
        return self.on_days(TopicMember.objects.filter(business=self.business))

    @property
    def runs(self):
        bot_id = self.value("bot")
        return [run for run in self.freshness.runs.values() if bot_id in (None, run.bot_id)]

    @property
    def out_of_date(self):
        bot_id = self.value("bot")
        return [bot for bot in self.freshness.out_of_date if bot_id in (None, bot.pk)]

    def latest_job(self) -> Job | None:
        return Job.objects.filter(business=self.business, kind=Job.Kind.TOPICS).first()

    def topics(self) -> tuple[list[TopicRow], int]:
        """(the topics with messages in the filters, largest first; the messages of no topic)."""
        days = self.members().values_list("topic", "day").annotate(n=Count("id")).order_by()
        sizes: Counter = Counter()
        weeks: dict[int, Counter] = {}
        unclustered = 0
        for topic_id, day, n in days:
            if topic_id is None:
                unclustered += n
                continue
            sizes[topic_id] += n
            weeks.setdefault(topic_id, Counter())[week_of(day)] += n
        topics = Topic.objects.filter(pk__in=list(sizes)).select_related("run__bot")
        rows = [
            TopicRow(
                topic,
                sizes[topic.pk],
                weeks[topic.pk],
                label_hidden=self.freshness.masking_changed(topic.run),
            )
            for topic in topics
        ]
        rows.sort(key=lambda row: (-row.size, row.topic.run.bot.slug, row.topic.number))
        self._add_examples(rows)
        return rows, unclustered

    def _add_examples(self, rows: list[TopicRow]) -> None:
        by_topic: dict[int | None, TopicRow] = {row.topic.pk: row for row in rows}
        examples = (
            TopicMember.objects.filter(topic__in=list(by_topic), example__lt=EXAMPLES)
            .select_related("message__conversation__end_user", "message__bot")
            .order_by("topic", "example")
        )
        for member in examples:
            by_topic[member.topic_id].examples.append(member.message)

    def trend_weeks(self, rows: list[TopicRow]) -> list[dt.date]:
        """The weeks every topic's trend shows, the same for all so they can be compared: from
        the first week with a message to the last, at most TREND_WEEKS of them."""
        found = [week for row in rows for week in row.weeks]
        if not found:
            return []
        last = max(found)
        first = max(min(found), last - dt.timedelta(weeks=TREND_WEEKS - 1))
        return [first + dt.timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]

    def topic_members(self, topic: str | None):
        """The member rows of one topic ("none": of no topic; None: every clustered message),
        newest first, with what their rows show."""
        members = self.members()
        if topic == "none":
            members = members.filter(topic__isnull=True)
        elif topic:
            members = members.filter(topic_id=topic)
        else:
            members = members.filter(topic__isnull=False)
        return members.select_related(
            "topic__run", "message__conversation__end_user", "message__bot"
        ).order_by("-day", "-message_id")
