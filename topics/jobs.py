"""The topics job: each bot's bot-break user messages grouped into topics (analytics.topics).

It reads the MASKED copies of the texts only, so no label can hold a personal value, and only
while they hide all that masking hides now (rules.presenter.masked_copies_current): while the
texts are masked again it computes nothing, and the topics stay out of date until the next
job. A bot's topics are computed again when the rollups count another number of its bot
breaks than when they were computed (messages imported, erased or removed by retention), when
masking has changed since, or when someone asks (`requested`).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from analytics.models import DailyMessageCount
from analytics.topics import cluster_topics
from conversations.models import Bot, Business, Job, Message, Sender
from ingest.tasks import ProgressReporter, schedule_job
from rules.presenter import masked_copies_current
from topics.models import Topic, TopicMember, TopicRun

# The latest bot-break messages of a bot that are grouped: the job's time and memory were
# measured at this many (bench/RESULTS.md, "Bot-break topics").
MOST_MESSAGES = 100_000
MEMBER_BATCH = 5000


def schedule_topics(business: Business, reason: str) -> Job:
    """Queue a topics job for the business, or add `reason` to the one already queued."""
    return schedule_job(business, Job.Kind.TOPICS, reason)


def bot_break_counts(business: Business) -> dict[int, int]:
    """{bot id: its bot-break user messages}, from the rollups: cheap enough for every page."""
    counts = (
        DailyMessageCount.objects.filter(business=business, sender=Sender.USER, bot_break=True)
        .values_list("bot")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {bot_id: total for bot_id, total in counts if total}


@dataclass(frozen=True)
class Freshness:
    """Which bots of a business have topics, which need them computed (again), and whether
    masking has changed since a bot's were computed."""

    runs: dict[int, TopicRun]
    out_of_date: list[Bot]
    copies_current: bool
    last_remasked: dt.datetime | None

    @classmethod
    def of(cls, business: Business) -> "Freshness":
        counts = bot_break_counts(business)
        runs = {run.bot_id: run for run in TopicRun.objects.filter(business=business)}
        freshness = cls(
            runs,
            [],
            masked_copies_current(business),
            Job.objects.filter(business=business, remasks=True).aggregate(last=Max("finished_at"))[
                "last"
            ],
        )
        for bot in business.bots.order_by("slug"):
            run = runs.get(bot.pk)
            if run is None:
                stale = bool(counts.get(bot.pk))
            else:
                stale = (
                    run.requested
                    or run.bot_breaks != counts.get(bot.pk, 0)
                    or freshness.masking_changed(run)
                )
            if stale:
                freshness.out_of_date.append(bot)
        return freshness

    def masking_changed(self, run: TopicRun) -> bool:
        """Whether the stored masked texts may hide more now than when `run` was computed
        (masked again since, or being masked again): its labels may then hold a value that is
        personal now, and are not shown."""
        if not self.copies_current:
            return True
        return self.last_remasked is not None and self.last_remasked > run.computed_at


def refresh_topics(job: Job, progress: ProgressReporter) -> None:
    """The work of a topics job."""
    update_topics(job.business, progress)


def update_topics(
    business: Business, progress: Callable[[int, int], None] = lambda done, total: None
) -> None:
    """The business's out-of-date bots get their topics computed; `progress(done, total)` is
    told after each bot."""
    if not masked_copies_current(business):
        progress(0, 0)
        return
    counts = bot_break_counts(business)
    bots = Freshness.of(business).out_of_date
    for done, bot in enumerate(bots):
        progress(done, len(bots))
        compute_topics(bot, counts.get(bot.pk, 0))
    if bots:
        refresh_statistics()
    progress(len(bots), len(bots))


def refresh_statistics() -> None:
    """Have PostgreSQL count the topic tables again, which a computation rewrites: until
    autovacuum gets to them, it would plan the pages with the counts of before (a topic's
    messages at 1M: 65 ms, joining all of a topic's thousands of members before taking its
    newest 50, against 0.8 ms)."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table) for model in (TopicRun, Topic, TopicMember)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def compute_topics(bot: Bot, bot_breaks: int) -> TopicRun | None:
    """Group the bot's latest bot-break messages into topics, replacing its earlier ones;
    None when it has none left."""
    business = bot.business
    # When the texts were read: masking that changes after this may not be in them.
    read_at = timezone.now()
    messages = list(
        Message.objects.filter(
            business=business, bot=bot, sender=Sender.USER, bot_break=True, private=False
        )
        .exclude(masked_text="")
        .order_by("-sent_at", "-id")
        .values_list("pk", "masked_text", "channel", "sent_at")[:MOST_MESSAGES]
    )
    result = cluster_topics([masked for _, masked, _, _ in messages])
    tz = business.tzinfo
    with transaction.atomic():
        TopicRun.objects.filter(bot=bot).delete()
        if not messages:
            return None
        run = TopicRun.objects.create(
            business=business,
            bot=bot,
            computed_at=read_at,
            bot_breaks=bot_breaks,
            grouped=len(messages),
        )
        topics = Topic.objects.bulk_create(
            Topic(run=run, number=number, label=list(topic.label), size=topic.size)
            for number, topic in enumerate(result.topics)
        )
        example_rank = {
            row: rank for topic in result.topics for rank, row in enumerate(topic.examples)
        }
        TopicMember.objects.bulk_create(
            (
                TopicMember(
                    run=run,
                    topic=None if number is None else topics[number],
                    message_id=pk,
                    business=business,
                    bot=bot,
                    channel=channel,
                    day=sent_at.astimezone(tz).date(),
                    example=example_rank.get(row),
                )
                for row, ((pk, _, channel, sent_at), number) in enumerate(
                    zip(messages, result.assignments, strict=True)
                )
            ),
            batch_size=MEMBER_BATCH,
        )
    return run
