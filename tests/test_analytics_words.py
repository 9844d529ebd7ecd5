"""Word Analysis: phrase tabs, the bot-break switch, chart and table, phrase detail, CSV."""

import csv
import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversations.models import Business, Conversation
from tests.factories import MembershipFactory
from tests.records import BUSINESS, DAY, at, conversation, import_ok, message, setup_records
from tests.shared_db import shared_business

pytestmark = pytest.mark.django_db

URL = f"/b/{BUSINESS}/analytics/words/"
LATER = DAY + dt.timedelta(days=2)


def imported():
    import_ok(
        *setup_records(),
        conversation(
            "c-1",
            [
                message("a", "My card blocked", bot_break=True),
                message("b", "card blocked TODAY!", bot_break=True, when=at(minute=1)),
                message("c", "Sorry, once more?", sender="bot", when=at(minute=2)),
                message("d", "refund pending please", when=at(minute=3)),
            ],
        ),
        conversation(
            "c-2",
            [
                message("e", "card blocked hai", bot_break=True, when=at(LATER)),
                message("f", "refund status kya hai", bot_break=True, when=at(LATER, minute=1)),
            ],
            user="u-2",
            bot="sales",
            channel="whatsapp",
            started_at=at(LATER),
        ),
    )
    return Business.objects.get(slug=BUSINESS).pk


business_pk, business = shared_business(imported)


@pytest.fixture
def analyst(client, business):
    client.force_login(MembershipFactory(business=business, analyst=True).user)


def ranking(response):
    return {row[0].text: (row[1].text, row[2].text) for row in response.context["rows"]}


def test_one_word_phrases_of_bot_breaks_with_counts_and_share(client, analyst):
    response = client.get(URL)

    assert ranking(response) == {
        "card": ("3", "75.0%"),
        "blocked": ("3", "75.0%"),
        "today": ("1", "25.0%"),
        "refund": ("1", "25.0%"),
        "status": ("1", "25.0%"),
    }
    assert [row[0].text for row in response.context["rows"]][:2] == ["blocked", "card"]
    assert b"<strong>4</strong> messages" in response.content


def test_tabs_for_two_and_three_word_phrases(client, analyst):
    assert ranking(client.get(f"{URL}?size=2")) == {
        "card blocked": ("3", "75.0%"),
        "blocked today": ("1", "25.0%"),
        "refund status": ("1", "25.0%"),
    }
    assert ranking(client.get(f"{URL}?size=3")) == {"card blocked today": ("1", "25.0%")}


def test_the_switch_widens_to_all_user_messages(client, analyst):
    response = client.get(f"{URL}?scope=all")

    assert ranking(response)["refund"] == ("2", "40.0%")
    assert ranking(response)["pending"] == ("1", "20.0%")
    assert "once" not in ranking(response)  # bots' messages are never counted


@pytest.mark.parametrize(
    ("query", "cards"),
    [
        ("bot=sales", "1"),
        ("channel=web", "2"),
        (f"period=custom&start={LATER}", "1"),
        (f"period=custom&start={DAY}&end={DAY}", "2"),
    ],
)
def test_filters_apply_to_the_ranking(client, analyst, query, cards):
    assert ranking(client.get(f"{URL}?{query}"))["card"][0] == cards


def test_phrases_are_paginated(client, analyst):
    words = " ".join(f"word{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(60))
    import_ok(conversation("many", [message("w", words, bot_break=True)], user="u-3"))

    first = client.get(URL)
    second = client.get(f"{URL}?page=2")

    assert first.context["page"].paginator.count == 65
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 15


def test_the_page_reads_the_rollups_not_the_messages(client, analyst):
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{URL}?size=2&scope=all")

    assert not [q for q in queries if "conversations_message" in q["sql"]]


def test_the_chart_is_an_accessible_inline_svg(client, analyst):
    html = client.get(URL).content.decode()

    assert '<svg class="chart"' in html
    assert 'role="group"' in html
    assert '<title id="phrases-chart-title">Most frequent phrases</title>' in html
    assert "Top: blocked (3), card (3)" in html
    assert "<title>blocked: 3</title>" in html
    assert "<script" not in html.split("<main")[1]


def test_a_phrase_links_to_its_messages_with_the_filters(client, analyst):
    html = client.get(f"{URL}?size=2&bot=support").content.decode()

    assert f'<a href="{URL}phrase/?size=2&amp;bot=support&amp;phrase=card+blocked">' in html


def test_the_phrase_lists_the_user_messages_containing_it(client, analyst):
    url = f"{URL}phrase/?phrase=card+blocked"
    response = client.get(url)

    bodies = [row[0].text for row in response.context["rows"]]
    assert bodies == ["card blocked hai", "card blocked TODAY!", "My card blocked"]
    conversation = Conversation.objects.get(external_id="c-2")
    message = conversation.messages.get(text="card blocked hai")
    link = f'href="/c/{conversation.token}/?m={message.pk}&amp;from={quote(url, safe="")}"'
    assert link in response.content.decode()
    assert [c.title for c in response.context["columns"]] == [
        "Body",
        "Chat Link",
        "Conversation ID",
        "Created At",
        "Bot",
        "Channel",
    ]


def test_the_phrase_page_searches_the_messages_once(client, analyst):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}phrase/?phrase=card+blocked")

    # One pass over the messages in scope for their ids, no COUNT; then only the page's rows.
    searches = [q["sql"] for q in queries if "~*" in q["sql"] or "REGEXP" in q["sql"]]
    over_scope = [sql for sql in searches if '"id" IN (' not in sql]
    assert len(over_scope) == 1 and "COUNT(" not in over_scope[0]
    assert response.context["page"].paginator.count == 3


def test_the_phrase_page_filters_keep_the_phrase(client, analyst):
    html = client.get(f"{URL}phrase/?phrase=card+blocked&scope=all").content.decode()

    assert '<input type="hidden" name="phrase" value="card blocked">' in html
    assert '<input type="hidden" name="scope" value="all">' in html


@pytest.mark.parametrize(
    ("query", "bodies"),
    [
        ("phrase=refund", ["refund status kya hai"]),
        ("phrase=refund&scope=all", ["refund status kya hai", "refund pending please"]),
        ("phrase=card&channel=web", ["card blocked TODAY!", "My card blocked"]),
        ("phrase=blocked+today", ["card blocked TODAY!"]),
    ],
)
def test_the_phrase_detail_keeps_scope_and_filters(client, analyst, query, bodies):
    response = client.get(f"{URL}phrase/?{query}")

    assert [row[0].text for row in response.context["rows"]] == bodies
    assert response.context["page"].paginator.count == len(bodies)


@pytest.mark.parametrize("phrase", ["", "the", "a+b+c+d", "card%3Cscript%3E"])
def test_a_phrase_word_analysis_does_not_count_is_404(client, analyst, phrase):
    assert client.get(f"{URL}phrase/?phrase={phrase}").status_code == 404


def read_csv(response):
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_phrases_csv_has_every_phrase_with_the_filters(client, analyst):
    rows = read_csv(client.get(f"{URL}phrases.csv?size=2&scope=all"))

    assert rows == [
        ["Phrase", "Messages", "Share of messages"],
        ["card blocked", "3", "60.0%"],
        ["blocked today", "1", "20.0%"],
        ["refund pending", "1", "20.0%"],
        ["refund status", "1", "20.0%"],
    ]


def test_the_phrase_messages_csv(client, analyst):
    rows = read_csv(client.get(f"{URL}phrase.csv?phrase=refund&scope=all&bot=support"))

    conversation = Conversation.objects.get(external_id="c-1")
    message = conversation.messages.get(text="refund pending please")
    assert rows == [
        ["Body", "Chat Link", "Conversation ID", "Created At", "Bot", "Channel"],
        [
            "refund pending please",
            f"http://testserver/c/{conversation.token}/?m={message.pk}",
            "c-1",
            "2026-10-01 10:03",
            "Support",
            "web",
        ],
    ]


@pytest.mark.parametrize("query", ["", "size=2", "size=3&scope=all", "bot=support&scope=all"])
def test_every_phrase_bar_opens_the_messages_it_counts(client, analyst, query):
    chart = client.get(f"{URL}?{query}").context["chart"]

    assert chart
    for bar in chart:
        assert bar.url.startswith(f"{URL}phrase/?")
        paginator = client.get(bar.url).context["page"].paginator
        assert paginator.count == len(paginator.object_list) == bar.value
