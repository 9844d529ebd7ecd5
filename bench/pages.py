"""Server time of every page through Django's full stack, beside the time of its own SQL.

Each page is requested with the test client, signed in as the role that uses it (force_login),
under the production middleware and settings: a few warm-up requests, then timed ones. One
more request is made with its queries captured; the floor is the time of running those same
statements again, straight on a database cursor, fetching every row.
"""

import datetime
import math
import resource
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Func, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analytics.models import DailyMessageCount, DailyPhraseCount
from analytics.tables import PER_PAGE
from bench.db import BENCH
from conversations.models import Business, Conversation, EndUser
from demo.records import filled
from demo.world import BUSINESSES, MENU, RICH_ELEMENTS
from ingest.importer import import_records
from topics.jobs import update_topics
from topics.models import TopicMember

BUSINESS = BUSINESSES[0]  # Acme Bank, the biggest of the demo businesses
CHAT_SIZES = (20, 200, 2000)
WARM_UP = 2
RICH_CHAT_ID = "bench-rich-200"


@dataclass(frozen=True)
class Page:
    name: str
    username: str
    path: str
    note: str = ""  # what the page shows at this scale, where it varies


@dataclass(frozen=True)
class PageResult:
    page: Page
    median: float  # seconds
    p95: float
    queries: int
    floor: float  # seconds: the median time of the page's SQL on its own

    @property
    def ratio(self):
        return self.median / self.floor


@dataclass(frozen=True)
class TopicsRun:
    """The topics job of the benchmark's business, run once before its pages are timed."""

    grouped: int  # bot-break messages grouped, over all its bots
    seconds: float
    peak_rss_mb: float  # the process's peak resident memory after it (every earlier step too)


def compute_topics():
    """Run the topics job of the measured business in this process, timed: the topics page
    shows computed topics, and the job never runs inside a page's timing."""
    business = Business.objects.get(slug=BUSINESS.slug)
    started = time.perf_counter()
    update_topics(business)
    seconds = time.perf_counter() - started
    grouped = TopicMember.objects.filter(business=business).count()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return TopicsRun(grouped, seconds, peak_kb / 1024)


def percentile(samples, share):
    """The nearest-rank percentile: the smallest sample at or above `share` of them."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _closest_conversation(size):
    distance = Func(F("message_count") - size, function="ABS")
    return (
        # The rich chat below is measured on its own, beside the text chat this finds.
        Conversation.objects.exclude(external_id=RICH_CHAT_ID)
        .alias(distance=distance)
        .select_related("business")
        .order_by("distance", "pk")
        .first()
    )


def _chat_pages():
    pages = []
    prefixes = {business.slug: business.prefix for business in BUSINESSES}
    for size in CHAT_SIZES:
        conversation = _closest_conversation(size)
        prefix = prefixes[conversation.business.slug]
        path = reverse("chat-link", args=[conversation.token])
        note = f"{conversation.message_count:,} messages"
        for view, suffix in (("masked", "agent_masked"), ("full", "agent")):
            name = f"chat link {view}, {size:,} messages"
            pages.append(Page(name, f"{prefix}_{suffix}", path, note))
    return pages


def _rich_chat_pages():
    """A chat of 200 rich messages (every element type, pictures, files, forms, a private note
    every tenth), beside the 200-message text chat above: imported once, through the import
    path, for that chat's user; re-importing it changes nothing."""
    text_chat = _closest_conversation(200)
    business = text_chat.business
    prefix = {demo.slug: demo.prefix for demo in BUSINESSES}[business.slug]
    agent = f"{prefix}_agent"
    context = {
        "first_name": "Asha",
        "name": "Asha Rao",
        "phone": "+91 98200 12345",
        "card_last4": "4242",
    }
    start = text_chat.started_at
    messages = []
    for number in range(200):
        sender, text, element = RICH_ELEMENTS[number % len(RICH_ELEMENTS)]
        if number % 10 == 9:
            sender, text, element = "agent", "Checked the card ending 4242", {"private": True}
        elif number % 10 == 8:
            sender, text, element = "user", MENU[0], {"picked": MENU[0]}
        elif number % 10 == 7:
            text, element = "How can I help?", {"type": "quick_replies", "options": list(MENU)}
        messages.append(
            {
                "id": f"r{number}",
                "sender": sender,
                "text": text,
                "at": (start + datetime.timedelta(seconds=number)).isoformat(),
                **({"agent": agent} if sender == "agent" else {}),
                **filled(element, context),
            }
        )
    record = {
        "type": "conversation",
        "id": RICH_CHAT_ID,
        "business": business.slug,
        "bot": text_chat.bot.slug,
        "channel": text_chat.channel,
        "user": {"id": text_chat.end_user.external_id},
        "started_at": start.isoformat(),
        "status": "with_agent",
        "agent": agent,
        "messages": messages,
    }
    result = import_records([("bench", record)], BENCH)
    if not result.ok:
        raise RuntimeError(f"the rich chat was rejected: {result.errors}")
    path = reverse(
        "chat-link",
        args=[Conversation.objects.get(business=business, external_id=RICH_CHAT_ID).token],
    )
    return [
        Page(
            f"chat link {view}, 200 rich messages",
            f"{prefix}_{suffix}",
            path,
            "every element type",
        )
        for view, suffix in (("masked", "agent_masked"), ("full", "agent"))
    ]


def _last_page(total):
    return max(1, math.ceil(total / PER_PAGE))


def _deep_pages(name, username, path, last):
    """The last page (the "Last »" link) and the middle one, the deepest from either end."""
    middle = (last + 1) // 2
    return [
        Page(f"{name}, middle page", username, f"{path}page={middle}", f"page {middle:,}"),
        Page(f"{name}, last page", username, f"{path}page={last}", f"page {last:,}"),
    ]


def pages():
    """The pages to measure, on the data now in the database."""
    business = Business.objects.get(slug=BUSINESS.slug)
    slug, prefix = business.slug, BUSINESS.prefix
    agent, lead, analyst = f"{prefix}_agent", f"{prefix}_lead", f"{prefix}_analyst"
    messages = reverse("analytics-messages", args=[slug])
    message_pages = _last_page(DailyMessageCount.objects.filter(business=business).total())
    conversation_pages = _last_page(Conversation.objects.filter(business=business).count())
    phrase = (
        DailyPhraseCount.objects.filter(business=business, size=1, bot_break=True)
        .values("phrase")
        .annotate(messages=Sum("count"))
        .order_by("-messages", "phrase")
        .values_list("phrase", flat=True)
        .first()
    )
    return [
        *_chat_pages(),
        *_rich_chat_pages(),
        Page("My Chats", agent, reverse("my-chats", args=[slug])),
        Page("Teams", lead, reverse("team-chats", args=[slug])),
        Page("Business", lead, reverse("business-chats", args=[slug])),
        Page("Message Analysis, messages", analyst, messages),
        *_deep_pages("Message Analysis, messages", analyst, f"{messages}?", message_pages),
        Page("Message Analysis, conversations", analyst, f"{messages}?tab=conversations"),
        *_deep_pages(
            "Message Analysis, conversations",
            analyst,
            f"{messages}?tab=conversations&",
            conversation_pages,
        ),
        Page("Word Analysis", analyst, reverse("analytics-words", args=[slug])),
        Page(
            "Word Analysis, a phrase's messages",
            analyst,
            reverse("analytics-phrase", args=[slug]) + "?" + urlencode({"phrase": phrase}),
            f"“{phrase}”",
        ),
        Page("CSAT", analyst, reverse("analytics-csat", args=[slug])),
        Page("Agents and teams", analyst, reverse("analytics-agents", args=[slug])),
        *_topic_pages(business, analyst),
        *_search_pages(business, agent, f"{prefix}_agent_masked"),
    ]


def _topic_pages(business, analyst):
    """The topics page, and the messages of its largest topic (computed by `compute_topics`)."""
    path = reverse("analytics-topics", args=[business.slug])
    largest = (
        TopicMember.objects.filter(business=business, topic__isnull=False)
        .values("topic")
        .annotate(members=Count("id"))
        .order_by("-members", "topic")
        .first()
    )
    pages = [Page("Bot-break topics", analyst, path)]
    if largest:
        pages.append(
            Page(
                "Bot-break topics, a topic's messages",
                analyst,
                reverse("analytics-topic-messages", args=[business.slug])
                + f"?topic={largest['topic']}",
                f"{largest['members']:,} messages",
            )
        )
    return pages


def _search_pages(business, agent, masked_agent):
    """Search by a customer's name, email, a two-word phrase and a conversation id (each a
    value of the data), as an agent with full access; the phrase also as a masked one."""
    path = reverse("business-search", args=[business.slug])
    customer = (
        EndUser.objects.filter(business=business).exclude(name="").exclude(email="").order_by("pk")
    ).first()
    phrase = (
        DailyPhraseCount.objects.filter(business=business, size=2)
        .values("phrase")
        .annotate(messages=Sum("count"))
        .order_by("-messages", "phrase")
        .values_list("phrase", flat=True)
        .first()
    )
    conversation_id = (
        Conversation.objects.filter(business=business)
        .order_by("pk")
        .values_list("external_id", flat=True)
        .first()
    )
    searches = [
        ("a name", agent, customer.name),
        ("an email", agent, customer.email),
        ("a two-word phrase", agent, phrase),
        ("a two-word phrase, masked", masked_agent, phrase),
        ("a conversation id", agent, conversation_id),
    ]
    return [
        Page(f"Search, {what}", username, f"{path}?{urlencode({'q': query})}", f"“{query}”")
        for what, username, query in searches
    ]


class Clients:
    """One signed-in test client per username."""

    def __init__(self):
        self._clients = {}

    def __getitem__(self, username):
        if username not in self._clients:
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            self._clients[username] = client
        return self._clients[username]

    def session_cookie(self, username):
        return self[username].cookies[settings.SESSION_COOKIE_NAME].value


def _get(client, page):
    response = client.get(page.path)
    if response.status_code != 200:
        raise RuntimeError(f"{page.name}: HTTP {response.status_code} for {page.path}")
    return response


def sql_floor(statements, repetitions):
    """The median time of running `statements` one after the other, fetching every row."""
    samples = []
    with connection.cursor() as cursor:
        for _ in range(repetitions):
            started = time.perf_counter()
            for statement in statements:
                cursor.execute(statement)
                if cursor.description:
                    cursor.fetchall()
            samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def measure(page, clients, repetitions):
    client = clients[page.username]
    for _ in range(WARM_UP):
        _get(client, page)
    samples = []
    for _ in range(repetitions):
        started = time.perf_counter()
        _get(client, page)
        samples.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as captured:
        _get(client, page)
    statements = [query["sql"] for query in captured.captured_queries]
    return PageResult(
        page,
        median=statistics.median(samples),
        p95=percentile(samples, 0.95),
        queries=len(statements),
        floor=sql_floor(statements, repetitions),
    )
