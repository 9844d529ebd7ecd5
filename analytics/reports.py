"""What the analytics pages show, with a filter form already bound to the request.

Counts and charts come from the daily rollups; the tables of messages and conversations are
indexed queries (one business, newest first) that the pages paginate. No function here reads
every message of a business.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Sum

from analytics.models import (
    NOT_RATED,
    DailyConversationCount,
    DailyMessageCount,
    DailyPhraseCount,
)
from analytics.phrases import phrase_pattern
from conversations.models import Conversation, Message

RATINGS = (5, 4, 3, 2, 1)
# The trend's longest run of days or weeks: data spread over decades (a stray 1971 and 2099)
# would otherwise draw tens of thousands of columns.
MAX_TREND_PERIODS = 400
SATISFIED = (4, 5)  # the ratings that count towards CSAT %


def messages(business, form):
    """(the messages, newest first; their total from the rollups, None if it needs a COUNT)."""
    queryset = (
        form.filter_messages(Message.objects.filter(business=business, private=False))
        .select_related("conversation__end_user", "conversation__agent", "bot")
        .order_by("-sent_at", "-id")
    )
    counts = form.filter_message_counts(DailyMessageCount.objects.filter(business=business))
    return queryset, None if counts is None else counts.total()


def conversations(business, form):
    """(the conversations, newest first; their total, from the rollups)."""
    queryset = (
        form.filter_conversations(Conversation.objects.filter(business=business))
        .select_related("end_user", "agent", "team", "bot")
        .order_by("-started_at", "-id")
    )
    return queryset, _conversation_counts(business, form).total()


def _conversation_counts(business, form):
    return form.filter_conversation_counts(DailyConversationCount.objects.filter(business=business))


def phrase_ranking(business, form):
    """{"phrase", "messages"} rows, most frequent first, and how many messages are in scope."""
    ranking = (
        form.filter_phrase_counts(DailyPhraseCount.objects.filter(business=business))
        .values("phrase")
        .annotate(messages=Sum("count"))
        .order_by("-messages", "phrase")
    )
    in_scope = form.filter_message_counts(DailyMessageCount.objects.filter(business=business))
    return ranking, in_scope.total()


def phrase_messages(business, form, words):
    """The user messages in scope that contain the phrase `words`, newest first.

    The phrases were counted in masked texts, so they are looked for in the masked copies: a
    phrase made of a hidden value (a surname, say) finds nothing.

    The only text search of Word Analysis, for one phrase someone clicked: bounded by the
    business (and the period, if any) through the messages' (business, sent_at) index. The
    cheap case-insensitive LIKE on the longest word narrows the rows the regular expression,
    which knows which words may stand between the phrase's, has to read.
    """
    return (
        form.filter_messages(Message.objects.filter(business=business, private=False))
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
    trend_cut: bool = False  # the trend shows only the latest MAX_TREND_PERIODS periods


def csat_summary(business, form):
    counts = (
        _conversation_counts(business, form)
        .values_list("day", "rating")
        .annotate(conversations=Sum("count"))
        .order_by()
    )
    weekly = form.value("trend") == "week"
    overall, periods = Ratings(), {}
    for day, rating, n in counts:
        start = day - dt.timedelta(days=day.weekday()) if weekly else day
        periods.setdefault(start, Ratings(start)).counts[rating] += n
        overall.counts[rating] += n
    step = dt.timedelta(weeks=1) if weekly else dt.timedelta(days=1)
    trend = _without_gaps(periods, step)
    return CsatSummary(overall, trend, trend_cut=bool(trend) and trend[0].start > min(periods))


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


def reviews(business, form):
    """(rated conversations, newest first; their total, from the rollups)."""
    queryset = (
        form.filter_rated(Conversation.objects.filter(business=business))
        .select_related("end_user", "agent", "bot")
        .order_by("-started_at", "-id")
    )
    counts = _conversation_counts(business, form)
    rating = form.value("rating")
    counts = counts.filter(rating=rating) if rating else counts.exclude(rating=NOT_RATED)
    return queryset, counts.total()
