"""Message Analysis: View Messages and View Conversations, filters, columns, CSV."""

import csv
import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from analytics.models import ColumnChoice
from conversations.models import Business, Conversation, Message
from tests.factories import MembershipFactory
from tests.records import BUSINESS, DAY, at, conversation, import_ok, message, setup_records
from tests.shared_db import shared_business

pytestmark = pytest.mark.django_db

URL = f"/b/{BUSINESS}/analytics/messages/"
LATER = DAY + dt.timedelta(days=2)
MESSAGE_COLUMNS = ["Body", "Chat Link", "Conversation ID", "Created At", "Sender", "Bot", "Channel"]


def imported():
    import_ok(
        *setup_records(),
        conversation(
            "c-1",
            [
                message("a", "my card is blocked", bot_break=True),
                message("b", "Sorry, I did not get that", sender="bot", when=at(minute=1)),
                message("c", "Let me check", sender="agent", when=at(minute=2)),
            ],
            user={"id": "u-1", "name": "Meera Iyer"},
            agent=f"{BUSINESS}-asha",
            team="cards",
            csat={"rating": 5, "review": "great"},
        ),
        conversation(
            "c-2",
            [
                message("d", "refund please", when=at(LATER)),
                message("e", "where is my refund", when=at(LATER, minute=5), bot_break=True),
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
    membership = MembershipFactory(business=business, analyst=True)
    client.force_login(membership.user)
    return membership.user


def cells(response):
    return [[cell.text for cell in row] for row in response.context["rows"]]


def column(response, title):
    index = [c.title for c in response.context["columns"]].index(title)
    return [row[index] for row in cells(response)]


def test_view_messages_lists_messages_newest_first_with_their_total(client, analyst):
    response = client.get(URL)

    assert response.context["page"].paginator.count == 5
    assert [c.title for c in response.context["columns"]] == MESSAGE_COLUMNS
    assert column(response, "Body")[:2] == ["where is my refund", "refund please"]
    assert cells(response)[0][2:] == ["c-2", "2026-10-03 10:05", "User", "Sales", "whatsapp"]
    assert b"<strong>5</strong> messages" in response.content


@pytest.mark.parametrize(
    ("query", "bodies"),
    [
        ("text=REFUND", {"refund please", "where is my refund"}),
        ("sender=bot", {"Sorry, I did not get that"}),
        ("bot_break=yes", {"my card is blocked", "where is my refund"}),
        ("bot_break=no&sender=user", {"refund please"}),
        ("handled=yes", {"my card is blocked", "Sorry, I did not get that", "Let me check"}),
        ("handled=no&bot_break=yes", {"where is my refund"}),
        ("bot=sales", {"refund please", "where is my refund"}),
        ("channel=web&sender=agent", {"Let me check"}),
        (f"period=custom&start={LATER}&end={LATER}", {"refund please", "where is my refund"}),
        (
            f"period=custom&end={DAY}",
            {"my card is blocked", "Sorry, I did not get that", "Let me check"},
        ),
    ],
)
def test_filters_narrow_the_messages_and_their_count(client, analyst, query, bodies):
    response = client.get(f"{URL}?{query}")

    assert set(column(response, "Body")) == bodies
    assert response.context["page"].paginator.count == len(bodies)


def test_the_count_comes_from_the_rollups_unless_text_is_searched(client, analyst):
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{URL}?bot_break=yes&handled=no")
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    assert counts == []

    with CaptureQueriesContext(connection) as queries:
        client.get(f"{URL}?text=refund")
    assert [q for q in queries if "COUNT(" in q["sql"] and "conversations_message" in q["sql"]]


def test_messages_are_paginated(client, analyst, business):
    import_ok(
        conversation(
            "long",
            [message(f"m{n}", f"line {n}", when=at(DAY, 12, n)) for n in range(56)],
        )
    )

    first = client.get(URL)
    second = client.get(f"{URL}?page=2")
    beyond = client.get(f"{URL}?page=99")

    assert first.context["page"].paginator.count == 61
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 11
    assert beyond.context["page"].number == 2
    assert b'href="?page=2"' in first.content


def test_pages_of_the_second_half_are_read_backwards_from_the_end(client, analyst, business):
    import_ok(
        conversation(
            "long",
            [message(f"m{n}", f"line {n}", when=at(DAY, 12, n)) for n in range(56)],
        )
    )
    newest_first = Message.objects.order_by("-sent_at", "-id").values_list("text", flat=True)

    with CaptureQueriesContext(connection) as queries:
        last = client.get(f"{URL}?page=2")

    assert [cells[0].text for cells in last.context["rows"]] == list(newest_first)[50:]
    # The oldest 11 are read from the other end, with no OFFSET, and on ids alone.
    [page_query] = [q["sql"] for q in queries if "ORDER BY" in q["sql"] and "LIMIT 11" in q["sql"]]
    assert page_query.startswith('SELECT "conversations_message"."id" AS "pk" FROM')
    assert '"sent_at" ASC' in page_query and "OFFSET" not in page_query


def test_view_chat_opens_the_chat_at_the_message_and_leads_back_to_the_list(client, analyst):
    url = f"{URL}?bot=sales&page=1"
    response = client.get(url)
    conversation = Conversation.objects.get(external_id="c-2")
    first, second = conversation.messages.order_by("sent_at")
    token, back = conversation.token, quote(url, safe="")

    body = response.content.decode()
    assert f'href="/c/{token}/?m={second.pk}&amp;from={back}"' in body
    assert f'href="/c/{token}/?m={first.pk}&amp;from={back}"' in body

    at_message = client.get(f"/c/{token}/?m={second.pk}&from={back}")
    assert at_message["Location"] == f"/c/{token}/?page=1&from={back}#m2"
    chat = client.get(at_message["Location"])
    assert chat.status_code == 200
    assert f'href="{url.replace("&", "&amp;")}"' in chat.content.decode()


def test_view_conversations_lists_conversations_with_the_user_id(client, analyst):
    response = client.get(f"{URL}?tab=conversations")

    assert response.context["page"].paginator.count == 2
    assert [c.title for c in response.context["columns"]] == [
        "Conversation ID",
        "Chat Link",
        "User",
        "Started",
        "Messages",
        "Agent",
        "Team",
        "CSAT",
    ]
    assert cells(response)[1][2:] == ["u-1", "2026-10-01 10:00", "3", "acme-asha", "Cards", "5"]
    assert b"Meera" not in response.content


def test_private_notes_are_not_counted_where_they_are_not_shown(client, business, analyst):
    """The transcript an analyst opens leaves an agent's private note out: so does the count."""
    note = {**message("n", "Internal: refund approved", sender="agent"), "private": True}
    note["agent"] = f"{BUSINESS}-asha"
    record = conversation(
        "c-1",
        [note],
        user={"id": "u-1"},
        agent=f"{BUSINESS}-asha",
        team="cards",
        csat={"rating": 5, "review": "great"},
    )
    import_ok(record)
    rated = Conversation.objects.get(business=business, external_id="c-1")
    assert rated.message_count == 4

    page = client.get(f"{URL}?tab=conversations")
    exported = client.get(f"{URL.rstrip('/')}/conversations.csv")
    reviews = client.get(f"/b/{BUSINESS}/analytics/csat/")

    assert cells(page)[1][4] == "3"
    rows = list(csv.reader(io.StringIO(b"".join(exported).decode())))
    assert rows[2][4] == "3"
    chat_link = reviews.content.decode().split(f"/c/{rated.token}/?", 1)[1]
    assert chat_link.startswith("message=last&")  # no count of messages, notes or not


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("handled=yes", ["c-1"]),
        ("handled=no", ["c-2"]),
        ("bot=support", ["c-1"]),
        ("channel=whatsapp", ["c-2"]),
        (f"period=custom&start={LATER}", ["c-2"]),
        ("", ["c-2", "c-1"]),
    ],
)
def test_view_conversations_filters(client, analyst, query, ids):
    response = client.get(f"{URL}?tab=conversations&{query}")

    assert column(response, "Conversation ID") == ids
    assert response.context["page"].paginator.count == len(ids)


def test_an_unknown_tab_is_404(client, analyst):
    assert client.get(f"{URL}?tab=nope").status_code == 404
    assert client.get(f"{URL}nope.csv").status_code == 404


# Columns


def choose(client, tab, columns, next_url=URL):
    return client.post(f"{URL}columns/", {"tab": tab, "columns": columns, "next": next_url})


def test_chosen_columns_are_remembered_per_user_and_table(client, analyst, business):
    response = choose(client, "messages", ["sent_at", "body", "bot_break", "bogus"], f"{URL}?x=1")

    assert response.status_code == 302
    assert response["Location"] == f"{URL}?x=1"
    shown = client.get(URL).context["columns"]
    assert [c.key for c in shown] == ["body", "sent_at", "bot_break"]
    assert [c.key for c in client.get(f"{URL}?tab=conversations").context["columns"]][0] == (
        "conversation"
    )

    other = Client()
    other.force_login(MembershipFactory(business=business, analyst=True).user)
    assert len(other.get(URL).context["columns"]) == 7


def test_choosing_no_column_brings_back_the_defaults(client, analyst):
    choose(client, "conversations", ["user"])
    choose(client, "conversations", [])

    assert not ColumnChoice.objects.exists()
    assert len(client.get(f"{URL}?tab=conversations").context["columns"]) == 8


def test_choosing_columns_needs_a_post_with_a_csrf_token(business):
    user = MembershipFactory(business=business, analyst=True).user
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)

    assert strict.get(f"{URL}columns/").status_code == 405
    assert (
        strict.post(f"{URL}columns/", {"tab": "messages", "columns": ["body"]}).status_code == 403
    )
    assert not ColumnChoice.objects.exists()


def test_choosing_columns_never_redirects_off_site(client, analyst):
    response = choose(client, "messages", ["body"], "https://evil.example/")

    assert response["Location"] == f"{URL}?tab=messages"


# CSV


def read_csv(response):
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_messages_csv_has_the_filtered_rows_and_absolute_chat_links(client, analyst):
    response = client.get(f"{URL}messages.csv?bot=sales")

    rows = read_csv(response)
    token = Conversation.objects.get(external_id="c-2").token
    refund, where = Message.objects.filter(conversation__external_id="c-2").order_by("sent_at")
    assert 'filename="acme-messages.csv"' in response["Content-Disposition"]
    assert rows[0] == MESSAGE_COLUMNS
    assert rows[1:] == [
        [
            "where is my refund",
            f"http://testserver/c/{token}/?m={where.pk}",
            "c-2",
            "2026-10-03 10:05",
            "User",
            "Sales",
            "whatsapp",
        ],
        [
            "refund please",
            f"http://testserver/c/{token}/?m={refund.pk}",
            "c-2",
            "2026-10-03 10:00",
            "User",
            "Sales",
            "whatsapp",
        ],
    ]


def test_the_csv_has_the_chosen_columns(client, analyst):
    choose(client, "conversations", ["conversation", "csat"])

    rows = read_csv(client.get(f"{URL}conversations.csv"))

    assert rows == [["Conversation ID", "CSAT"], ["c-2", ""], ["c-1", "5"]]


def test_csv_cells_never_start_a_spreadsheet_formula(client, analyst):
    import_ok(conversation("f", [message("f1", '=HYPERLINK("http://x")', when=at(LATER, 20))]))

    rows = read_csv(client.get(f"{URL}messages.csv"))

    assert rows[1][0] == '\'=HYPERLINK("http://x")'
