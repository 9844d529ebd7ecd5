"""What the analytics pages show, under the filters their forms chose: one report a page or tab.

Counts and charts come from the daily rollups; the tables of messages and conversations are
indexed queries (one business, newest first) that the pages paginate. No function here reads
every message of a business.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum

from analytics.models import (
    NOT_RATED,
    ConversationFacts,
    DailyConversationCount,
    DailyMessageCount,
    DailyPhraseCount,
)
from analytics.percentiles import Percentile
from analytics.phrases import PHRASE_SIZES, phrase_pattern
from conversations.models import Conversation, Message, Sender, Team
from conversations.staff import staff_name
from web.filters import ConversationFilters

RATINGS = (5, 4, 3, 2, 1)
# The trend's longest run of days or weeks: data spread over decades (a stray 1971 and 2099)
# would otherwise draw tens of thousands of columns.
MAX_TREND_PERIODS = 400
SATISFIED = (4, 5)  # the ratings that count towards CSAT %
# Fewer ratings a day than this, on average over the period, and the trend is by week: a
# day of one or two ratings jumps between 1 and 5 and tells nothing.
FEWEST_DAILY_RATINGS = 5
YES_NO = {"yes": True, "no": False}


class Report(ConversationFilters):
    """A report of one business, under the filters its page's form chose (`chosen()`)."""

    def conversation_counts(self):
        """The daily conversation rollup under the shared filters."""
        return self.on_days(DailyConversationCount.objects.filter(business=self.business))

    def message_counts(self):
        """The daily message rollup under the shared filters."""
        return self.on_days(DailyMessageCount.objects.filter(business=self.business))

    def messages(self):
        """The business's public messages under the shared filters (Intelligent Analytics
        shows no private notes)."""
        return self.on_times(
            Message.objects.filter(business=self.business, private=False), "sent_at"
        )


class HandledReport(Report):
    """A report with the Agent filter: handled by an agent, or by the bot alone."""

    @property
    def handled(self):
        return YES_NO.get(self.value("handled"))


class MessageReport(HandledReport):
    """Message Analysis, View Messages."""

    def listing(self):
        """(the messages, newest first; their total from the rollups, None if it needs a
        COUNT)."""
        queryset = self.messages()
        if text := self.value("text"):
            # The texts as they are shown, masked: a search of the raw texts would tell
            # whether a hidden value is there, one guessed character at a time.
            queryset = queryset.filter(masked_text__icontains=text)
        if self.handled is not None:
            queryset = queryset.filter(conversation__agent__isnull=not self.handled)
        queryset = (
            queryset.filter(self._message_fields())
            .select_related("conversation__end_user", "conversation__agent", "bot")
            .order_by("-sent_at", "-id")
        )
        return queryset, self._total()

    def _total(self):
        """The same filters on DailyMessageCount, or None when they need the texts."""
        if self.value("text"):
            return None
        counts = self.message_counts()
        if self.handled is not None:
            counts = counts.filter(handled=self.handled)
        return counts.filter(self._message_fields()).total()

    def _message_fields(self):
        # The same names on Message and on DailyMessageCount.
        condition = Q()
        if sender := self.value("sender"):
            condition &= Q(sender=sender)
        if (bot_break := YES_NO.get(self.value("bot_break"))) is not None:
            condition &= Q(bot_break=bot_break)
        return condition


class ConversationReport(HandledReport):
    """Message Analysis, View Conversations."""

    def listing(self):
        """(the conversations, newest first; their total, from the rollups)."""
        queryset = self.on_times(Conversation.objects.filter(business=self.business), "started_at")
        counts = self.conversation_counts()
        if self.handled is not None:
            queryset = queryset.filter(agent__isnull=not self.handled)
            counts = counts.exclude(agent_id=0) if self.handled else counts.filter(agent_id=0)
        queryset = queryset.select_related("end_user", "agent", "team", "bot").order_by(
            "-started_at", "-id"
        )
        return queryset, counts.total()


class PhraseReport(Report):
    """Word Analysis: the phrases of the user messages in scope, and the messages of one."""

    @property
    def size(self):
        return self.value("size") or PHRASE_SIZES[0]

    @property
    def bot_breaks_only(self):
        return self.value("scope") != "all"

    def _in_scope(self, queryset):
        return queryset.filter(bot_break=True) if self.bot_breaks_only else queryset

    def ranking(self):
        """{"phrase", "messages"} rows, most frequent first, and how many messages are in
        scope: what a phrase's share is a share of."""
        ranking = (
            self._in_scope(
                self.on_days(DailyPhraseCount.objects.filter(business=self.business)).filter(
                    size=self.size
                )
            )
            .values("phrase")
            .annotate(messages=Sum("count"))
            .order_by("-messages", "phrase")
        )
        in_scope = self._in_scope(self.message_counts().filter(sender=Sender.USER))
        return ranking, in_scope.total()

    def phrase_messages(self, words):
        """The user messages in scope that contain the phrase `words`, newest first.

        The phrases were counted in masked texts, so they are looked for in the masked copies:
        a phrase made of a hidden value (a surname, say) finds nothing.

        The only text search of Word Analysis, for one phrase someone clicked: bounded by the
        business (and the period, if any) through the messages' (business, sent_at) index. The
        cheap case-insensitive LIKE on the longest word narrows the rows the regular
        expression, which knows which words may stand between the phrase's, has to read.
        """
        return (
            self._in_scope(self.messages().filter(sender=Sender.USER))
            .filter(masked_text__icontains=max(words, key=len))
            .filter(masked_text__iregex=phrase_pattern(words))
            .select_related("conversation__end_user", "bot")
            .order_by("-sent_at", "-id")
        )


@dataclass
class Ratings:
    """How many conversations got each rating (NOT_RATED for none), and what follows."""

    start: dt.date | None = None
    counts: Counter = field(default_factory=Counter)

    @property
    def conversations(self):
        return sum(self.counts.values())

    @property
    def rated(self):
        return self.conversations - self.counts[NOT_RATED]

    @property
    def average(self):
        if not self.rated:
            return None
        return sum(rating * n for rating, n in self.counts.items()) / self.rated

    @property
    def satisfied(self):
        return sum(self.counts[rating] for rating in SATISFIED)

    @property
    def satisfied_share(self):
        return self.satisfied / self.rated if self.rated else None

    @property
    def response_rate(self):
        return self.rated / self.conversations if self.conversations else None

    def distribution(self):
        """(rating, conversations, rated) for each rating, 5 to 1."""
        return [(rating, self.counts[rating], self.rated) for rating in RATINGS]


@dataclass
class CsatSummary:
    overall: Ratings
    trend: list  # of Ratings, one per day or week, oldest first, without gaps
    weekly: bool  # the trend is by week (chosen, or because days hold few ratings)
    trend_cut: bool = False  # the trend shows only the latest MAX_TREND_PERIODS periods


def _without_gaps(periods, step):
    """The periods from the first to the last, with the empty ones between them: the latest
    MAX_TREND_PERIODS of them."""
    if not periods:
        return []
    last = max(periods)
    start = max(min(periods), last - step * (MAX_TREND_PERIODS - 1))
    filled = []
    while start <= last:
        filled.append(periods.get(start) or Ratings(start))
        start += step
    return filled


class CsatReport(Report):
    """CSAT / User Reviews: the ratings of the period and the reviews."""

    def _weekly(self, rated, days):
        """By week when chosen, by day when chosen; else by week when the days of the period
        (of the data, for an open period) hold fewer than FEWEST_DAILY_RATINGS on average."""
        if chosen := self.value("trend"):
            return chosen == "week"
        first, last = self.days()
        first, last = first or min(days, default=None), last or max(days, default=None)
        if first is None or last is None or last < first:
            return False
        return rated < FEWEST_DAILY_RATINGS * ((last - first).days + 1)

    def _rated_counts(self):
        """The rollup for the charts: every rating of the period, whatever `rating` says."""
        counts = self.conversation_counts()
        if agent_id := self.value("agent"):
            counts = counts.filter(agent_id=agent_id)
        return counts

    def summary(self):
        counts = (
            self._rated_counts()
            .values_list("day", "rating")
            .annotate(conversations=Sum("count"))
            .order_by()
        )
        counts = list(counts)
        overall, periods = Ratings(), dict[dt.date, Ratings]()
        for _day, rating, n in counts:
            overall.counts[rating] += n
        weekly = self._weekly(overall.rated, {day for day, _rating, _n in counts})
        for day, rating, n in counts:
            start = day - dt.timedelta(days=day.weekday()) if weekly else day
            periods.setdefault(start, Ratings(start)).counts[rating] += n
        step = dt.timedelta(weeks=1) if weekly else dt.timedelta(days=1)
        trend = _without_gaps(periods, step)
        cut = bool(trend) and trend[0].start > min(periods)
        return CsatSummary(overall, trend, weekly, trend_cut=cut)

    def period_days(self, period, weekly):
        """(first, last) day of a trend period, within the report's own period."""
        first, last = period.start, period.start + dt.timedelta(days=6 if weekly else 0)
        since, until = self.days()
        return max(first, since) if since else first, min(last, until) if until else last

    def reviews(self):
        """(rated conversations, newest first; their total, from the rollups); a rating
        counts on the conversation's day."""
        queryset = self.on_times(
            Conversation.objects.filter(business=self.business), "started_at"
        ).filter(csat_rating__isnull=False)
        counts = self._rated_counts()
        if agent_id := self.value("agent"):
            queryset = queryset.filter(agent_id=agent_id)
        if rating := self.value("rating"):
            queryset = queryset.filter(csat_rating=rating)
            counts = counts.filter(rating=rating)
        else:
            counts = counts.exclude(rating=NOT_RATED)
        queryset = queryset.select_related("end_user", "agent", "bot").order_by(
            "-started_at", "-id"
        )
        return queryset, counts.total()


@dataclass
class Handling:
    """How the conversations of one agent or team went (`key` is its id; `name` its name as
    stored, for the presenter)."""

    key: int
    name: str
    conversations: int
    rated: int
    rating_sum: int
    satisfied: int
    first_response_median: float | None
    first_response_p90: float | None
    resolution_median: float | None
    resolution_p90: float | None

    @property
    def average(self):
        return self.rating_sum / self.rated if self.rated else None


@dataclass
class Containment:
    """How many conversations of one bot or channel were handed over, or closed without an
    agent (contained). `key` is the bot's id or the channel."""

    key: int | str
    name: str
    conversations: int = 0
    handovers: int = 0
    contained: int = 0


FORMER_STAFF = "Former staff member"
FORMER_TEAM = "Former team"


class AgentReport(Report):
    """Agents and teams: CSAT and times by agent and team, containment by bot and channel,
    from each conversation's facts (ConversationFacts), grouped and measured by the database."""

    def facts(self):
        facts = self.on_days(ConversationFacts.objects.filter(business=self.business))
        if agent_id := self.value("agent"):
            facts = facts.filter(agent_id=agent_id)
        return facts

    def _grouped(self, facts, field, names):
        rows = (
            facts.values(field)
            .annotate(
                conversations=Count("pk"),
                rated=Count("pk", filter=~Q(rating=NOT_RATED)),
                rating_sum=Sum("rating"),  # NOT_RATED is 0: it adds nothing
                satisfied=Count("pk", filter=Q(rating__in=SATISFIED)),
                first_response_median=Percentile("first_response", 0.5),
                first_response_p90=Percentile("first_response", 0.9),
                resolution_median=Percentile("resolution", 0.5),
                resolution_p90=Percentile("resolution", 0.9),
            )
            .order_by(field)
        )
        rows = list(rows)
        named = names([row[field] for row in rows])
        found = [Handling(key=row.pop(field), name="", **row) for row in rows]
        for row in found:
            row.name = named(row.key)
        return sorted(found, key=lambda row: (row.name.casefold(), str(row.key)))

    def by_agent(self):
        def names(ids):
            users = get_user_model().objects.filter(pk__in=ids)
            known = {user.pk: staff_name(user) for user in users}
            return lambda pk: known.get(pk, FORMER_STAFF)

        return self._grouped(self.facts().exclude(agent_id=0), "agent_id", names)

    def by_team(self):
        def names(ids):
            known = dict(
                Team.objects.filter(business=self.business, pk__in=ids).values_list("pk", "name")
            )
            return lambda pk: known.get(pk, FORMER_TEAM)

        return self._grouped(self.facts().exclude(team_id=0), "team_id", names)

    def containment(self):
        """(rows by bot, rows by channel): one query, grouped by both, summed each way."""
        pairs = (
            self.facts()
            .values("bot_id", "bot__name", "channel")
            .annotate(
                conversations=Count("pk"),
                handovers=Count("pk", filter=Q(handed_over=True)),
                contained=Count("pk", filter=Q(closed=True, handed_over=False)),
            )
            .order_by()
        )
        by_bot: dict[int, Containment] = {}
        by_channel: dict[str, Containment] = {}
        for pair in pairs:
            for rows, key, name in (
                (by_bot, pair["bot_id"], pair["bot__name"]),
                (by_channel, pair["channel"], pair["channel"]),
            ):
                row = rows.setdefault(key, Containment(key, name))
                row.conversations += pair["conversations"]
                row.handovers += pair["handovers"]
                row.contained += pair["contained"]

        def ordered(rows):
            return sorted(rows.values(), key=lambda row: (row.name.casefold(), str(row.key)))

        return ordered(by_bot), ordered(by_channel)
