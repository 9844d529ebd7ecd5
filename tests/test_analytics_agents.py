"""Agents and teams: CSAT and times by agent and team, containment by bot and channel.

The figures come from each conversation's facts, kept by the writer; here they are recounted
from the raw messages of demo-like data, and again after re-import, erasure and retention.
"""

import csv
import datetime as dt
import io
import math
import statistics
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.models import ConversationFacts
from analytics.percentiles import interpolated
from conversations.models import Business, Conversation, ConversationStatus, Sender, Team
from conversations.staff import staff_name
from demo.records import demo_records
from ingest.actors import Actor
from ingest.lifecycle import do_apply_retention, do_erase_end_user
from tests.factories import MembershipFactory
from tests.pii import EMAIL, PHONE, leaked, planted_conversation_record
from tests.records import (
    BUSINESS,
    assert_rollups_match_a_recount,
    at,
    conversation,
    import_ok,
    message,
    setup_records,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)
DEMO = "acme-bank"
URL = f"/b/{DEMO}/analytics/agents/"
WITH_AN_AGENT = {
    ConversationStatus.QUEUED,
    ConversationStatus.WITH_AGENT,
    ConversationStatus.WAITING_FOR_USER,
}


@pytest.fixture(scope="module")
def records():
    return list(demo_records(seed=11, today=TODAY, conversations=90))


def imported(records):
    import_ok(*records)
    return Business.objects.get(slug=DEMO).pk


@pytest.fixture(scope="module")
def demo_pk(shared_db, records):
    with shared_db(imported, records) as made:
        yield made


@pytest.fixture
def demo(demo_pk):
    return Business.objects.get(pk=demo_pk)


@pytest.fixture
def analyst(client, demo):
    client.force_login(MembershipFactory(business=demo, analyst=True).user)


def recount(business):
    """{agent name: figures} and {team name: figures}, from the raw conversations and messages,
    by the page's definitions (analytics.rollups), without the facts."""
    by_agent, by_team = defaultdict(list), defaultdict(list)
    conversations = Conversation.objects.filter(business=business).select_related("agent", "team")
    for chat in conversations.prefetch_related("messages"):
        public = sorted((m for m in chat.messages.all() if not m.private), key=lambda m: m.sent_at)
        answers = [m.sent_at for m in public if m.sender == Sender.AGENT]
        first_answer = answers[0] if answers else None
        handovers = [
            m.sent_at
            for m in public
            if m.sender == Sender.SYSTEM and (first_answer is None or m.sent_at <= first_answer)
        ]
        handover = handovers[0] if handovers else None
        handed_over = bool(chat.agent_id or answers or chat.status in WITH_AN_AGENT)
        since = handover if handed_over and handover else chat.started_at
        row = {
            "rating": chat.csat_rating,
            "first_response": (first_answer - handover).total_seconds()
            if handover and first_answer
            else None,
            "resolution": (chat.ended_at - since).total_seconds()
            if chat.is_closed and chat.ended_at
            else None,
        }
        if chat.agent:
            by_agent[staff_name(chat.agent)].append(row)
        if chat.team:
            by_team[chat.team.name].append(row)
    return summarised(by_agent), summarised(by_team)


def summarised(groups):
    def times(rows, name):
        values = sorted(row[name] for row in rows if row[name] is not None)
        if not values:
            return None, None
        return statistics.median(values), interpolated(values, 0.9)

    figures = {}
    for name, rows in groups.items():
        ratings = [row["rating"] for row in rows if row["rating"]]
        figures[name] = {
            "conversations": len(rows),
            "rated": len(ratings),
            "average": sum(ratings) / len(ratings) if ratings else None,
            "satisfied": sum(1 for rating in ratings if rating >= 4),
            "first_response": times(rows, "first_response"),
            "resolution": times(rows, "resolution"),
        }
    return figures


def shown(rows):
    return {
        row.name: {
            "conversations": row.conversations,
            "rated": row.rated,
            "average": row.average,
            "satisfied": row.satisfied,
            "first_response": (row.first_response_median, row.first_response_p90),
            "resolution": (row.resolution_median, row.resolution_p90),
        }
        for row in rows
    }


def assert_close(found, expected):
    assert found.keys() == expected.keys()
    for name, figures in expected.items():
        for key, value in figures.items():
            got = found[name][key]
            if isinstance(value, tuple):
                for one, other in zip(got, value, strict=True):
                    assert (one is None) == (other is None), (name, key)
                    assert one is None or math.isclose(one, other, abs_tol=1), (name, key)
            elif isinstance(value, float):
                assert math.isclose(got, value), (name, key)
            else:
                assert got == value, (name, key)


def assert_page_equals_a_recount(client, business):
    response = client.get(URL)
    assert response.status_code == 200
    tables = response.context["figures"]
    by_agent, by_team = recount(business)
    assert len(by_agent) >= 3 and len(by_team) >= 2  # several agents and teams to tell apart
    assert_close(shown(tables["agents"]), by_agent)
    assert_close(shown(tables["teams"]), by_team)


def test_per_agent_and_team_figures_equal_a_recount_of_the_messages(client, demo, analyst):
    assert_page_equals_a_recount(client, demo)
    assert_rollups_match_a_recount(DEMO)


def test_the_figures_stay_right_after_a_reimport_with_edits(client, demo, analyst, records):
    kept = assert_rollups_match_a_recount(DEMO)
    import_ok(*records)
    assert assert_rollups_match_a_recount(DEMO) == kept

    handled = Conversation.objects.filter(business=demo, agent__isnull=False).first()
    record = next(r for r in records if r.get("id") == handled.external_id and "messages" in r)
    edited = {**record, "csat": {"rating": 1}, "agent": None, "team": None}
    edited["messages"] = [m for m in record["messages"] if m["sender"] != "agent"]
    edited.pop("agent")
    edited.pop("team")
    import_ok(edited)
    assert_page_equals_a_recount(client, demo)
    assert assert_rollups_match_a_recount(DEMO) != kept


def test_an_erasure_takes_the_users_conversations_out(client, demo, analyst):
    handled = Conversation.objects.filter(business=demo, agent__isnull=False).first()
    do_erase_end_user(Actor.management_command("erase_end_user"), handled.end_user)

    assert not ConversationFacts.objects.filter(conversation_id=handled.pk).exists()
    assert_page_equals_a_recount(client, demo)
    assert_rollups_match_a_recount(DEMO)


def test_retention_keeps_the_figures_of_past_days_as_it_keeps_their_counts(client, demo):
    before = {
        key: list(ConversationFacts.objects.filter(business=demo).values_list(key, flat=True))
        for key in ("conversation_id", "first_response", "resolution")
    }
    demo.retention_days = 10
    demo.save()
    now = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
    run = do_apply_retention(Actor.management_command("apply_retention"), demo, now=now)

    assert run is not None and run.conversations > 0
    after = {
        key: list(ConversationFacts.objects.filter(business=demo).values_list(key, flat=True))
        for key in before
    }
    assert after == before


def test_the_csvs_have_the_tables_rows(client, demo, analyst):
    response = client.get(URL)
    for table, _heading, cells, _url in response.context["tables"]:
        download = client.get(f"{URL}{table.name}.csv")
        assert download["Content-Type"] == "text/csv; charset=utf-8"
        lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
        assert lines[0] == [column.title for column in table.columns]
        assert [line[0] for line in lines[1:]] == [row[0].text for row in cells]
    assert client.get(f"{URL}nope.csv").status_code == 404


def test_containment_and_hand_over_rate_by_bot_and_channel(client, demo, analyst):
    tables = client.get(URL).context["figures"]
    conversations = Conversation.objects.filter(business=demo)
    answered = set(
        conversations.filter(messages__sender=Sender.AGENT, messages__private=False).values_list(
            "pk", flat=True
        )
    )
    for table, field in (("channels", "channel"), ("bots", "bot__name")):
        expected = defaultdict(lambda: [0, 0, 0])
        for chat in conversations.select_related("bot"):
            handed = bool(chat.agent_id or chat.pk in answered or chat.status in WITH_AN_AGENT)
            counts = expected[chat.channel if field == "channel" else chat.bot.name]
            counts[0] += 1
            counts[1] += handed
            counts[2] += chat.is_closed and not handed
        found = {
            row.name: [row.conversations, row.handovers, row.contained] for row in tables[table]
        }
        assert found == expected
        assert all(0 < handed < total for total, handed, _ in found.values())


def test_each_agent_bar_opens_the_reviews_it_counts(client, demo, analyst):
    chart = client.get(URL).context["chart"]
    assert len(chart) >= 3
    for bar in chart:
        assert bar.url.startswith(f"/b/{DEMO}/analytics/csat/?")
        rated = int(bar.value_text.split(" of ")[1].split()[0].replace(",", ""))
        listed = client.get(bar.url).context["page"].paginator
        assert listed.count == rated == len(listed.object_list)


def test_the_agent_filter_and_period(client, demo, analyst):
    agent = Conversation.objects.filter(business=demo, agent__isnull=False).first().agent
    tables = client.get(URL, {"agent": agent.pk}).context["figures"]
    assert [row.name for row in tables["agents"]] == [staff_name(agent)]
    empty = client.get(URL, {"period": "custom", "start": "1 Jan 2020", "end": "2 Jan 2020"})
    assert not any(empty.context["figures"].values())


def test_queries_do_not_grow_with_agents_or_conversations(client, demo, analyst):
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"period": "custom", "start": "1 Jan 2020", "end": "2 Jan 2020"})
    assert len(many) <= len(one) + 3 and len(many) <= 20


# Masking: a team's name goes through the presenter; no personal value anywhere.


TEAM_NAME = f"Escalations {EMAIL} {PHONE}"


@pytest.fixture
def planted():
    import_ok(
        *setup_records(),
        {"type": "team", "business": BUSINESS, "slug": "cards", "name": TEAM_NAME},
        planted_conversation_record(team="cards"),
        conversation(
            "bot-only",
            [message("b1", "card blocked"), message("b2", "Done.", sender="bot")],
            ended_at=at(hour=11),
            status="closed",
        ),
    )
    return Business.objects.get(slug=BUSINESS)


@pytest.mark.parametrize(
    "roles",
    [{"analyst": True}, {"team_lead": True}, {"admin": True}, {"analyst": True, "admin": True}],
)
def test_no_personal_value_and_team_names_masked_for_everyone(client, planted, roles):
    client.force_login(MembershipFactory(business=planted, **roles).user)
    base = f"/b/{BUSINESS}/analytics/agents/"
    page = client.get(base).content.decode()
    exports = [
        b"".join(client.get(f"{base}{name}.csv").streaming_content).decode()
        for name in ("agents", "teams", "bots", "channels")
    ]
    assert "Escalations [email]" in page and "Escalations [email]" in exports[1]
    assert leaked(page) == [] and all(leaked(export) == [] for export in exports)
    assert Team.objects.get(business=planted).name == TEAM_NAME  # stored as typed


def test_a_bot_only_conversation_is_contained(client, planted):
    client.force_login(MembershipFactory(business=planted, analyst=True).user)
    tables = client.get(f"/b/{BUSINESS}/analytics/agents/").context["figures"]
    (web,) = tables["channels"]
    assert (web.conversations, web.handovers, web.contained) == (2, 1, 1)
    (agent,) = tables["agents"]
    assert agent.name == f"{BUSINESS}-asha" and agent.first_response_median == 60
