"""What the Smart Agent Chat lists say of each conversation: its state, its team and agent by
their display names, and what the customer last said (issue 24, point 2)."""

import datetime as dt
import importlib

import pytest
from django.apps import apps

from conversations.models import Conversation, ConversationStatus, Sender
from tests.chat_lists import START, conversations_of, listed, staff
from tests.factories import (
    BusinessFactory,
    ConversationFactory,
    MembershipFactory,
    MessageFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def business():
    return BusinessFactory(slug="acme")


def lead_of_every_team(client, business):
    membership = staff(business, team_lead=True)
    membership.leads.set(business.teams.all())
    client.force_login(membership.user)
    return membership


def test_the_status_filter_offers_each_state_of_the_import_format(client, business):
    lead_of_every_team(client, business)

    form = client.get("/b/acme/business/").context["form"]

    assert [value for value, _ in form.fields["status"].choices] == [
        "",
        "bot",
        "queued",
        "with_agent",
        "waiting_for_user",
        "closed",
    ]


@pytest.mark.parametrize("path", ["business", "teams"])
def test_the_status_filter_finds_open_conversations(client, business, path):
    team = TeamFactory(business=business)
    (queued,) = conversations_of(business, 1, team=team, status=ConversationStatus.QUEUED)
    (closed,) = conversations_of(business, 1, team=team, status=ConversationStatus.CLOSED)
    # A record of format v1 never says its state: it counts as closed once it has ended.
    (ended,) = conversations_of(business, 1, team=team, ended_at=START + dt.timedelta(days=1))
    conversations_of(business, 1, team=team)  # neither said nor ended
    lead_of_every_team(client, business)

    def with_status(status):
        return listed(client.get(f"/b/acme/{path}/", {"status": status}))

    assert with_status("queued") == [queued]
    assert with_status("closed") == [ended, closed]
    assert with_status("with_agent") == []


def test_each_row_shows_its_state(client, business):
    conversations_of(business, 1, status=ConversationStatus.WAITING_FOR_USER)
    conversations_of(business, 1, ended_at=START + dt.timedelta(days=1))
    lead_of_every_team(client, business)

    rows = client.get("/b/acme/business/").context["rows"]

    assert [row.status for row in rows] == ["Closed", "Waiting for the user"]


def test_team_and_agent_columns_name_people_by_their_display_names(client, business):
    team = TeamFactory(business=business, name="Cards & Payments")
    agent = staff(business, agent=True, user__username="acme_agent", user__first_name="Krish")
    conversations_of(business, 1, team=team, agent=agent.user)
    lead_of_every_team(client, business)

    for path in ("business", "teams"):
        body = client.get(f"/b/acme/{path}/").content.decode()
        assert '<th scope="col">Team</th>' in body
        assert '<td data-label="Team">Cards &amp; Payments</td>' in body
        assert '<td data-label="Agent">Krish</td>' in body
        assert "acme_agent</option>" not in body and ">acme_agent<" not in body

    client.force_login(agent.user)
    body = client.get("/b/acme/my-chats/").content.decode()
    # Their own list: every row is theirs and there is no team filter, so neither column.
    assert '<th scope="col">Team</th>' not in body and '<th scope="col">Agent</th>' not in body


def customer_then_closed(business):
    conversation = ConversationFactory(business=business, started_at=START)
    MessageFactory(conversation=conversation, sent_at=START, text="My card is blocked")
    MessageFactory(
        conversation=conversation,
        sent_at=START + dt.timedelta(minutes=1),
        sender=Sender.AGENT,
        text="Unblocked it for you.",
    )
    MessageFactory(
        conversation=conversation,
        sent_at=START + dt.timedelta(minutes=2),
        sender=Sender.SYSTEM,
        text="Conversation closed by Krish",
    )
    return Conversation.objects.get(pk=conversation.pk)


def test_the_preview_is_what_the_customer_last_said(client, business):
    conversation = customer_then_closed(business)
    lead_of_every_team(client, business)

    (row,) = client.get("/b/acme/business/").context["rows"]

    assert row.preview == "My card is blocked"
    assert conversation.masked_last_user_message_text == "My card is blocked"
    assert conversation.last_message_at == START + dt.timedelta(minutes=2)


def test_the_migration_fills_the_preview_of_stored_conversations(business):
    conversation = customer_then_closed(business)
    Conversation.objects.update(
        last_user_message_text="Conversation closed by Krish",
        masked_last_user_message_text="Conversation closed by Krish",
    )
    migration = importlib.import_module("conversations.migrations.0014_last_user_message")

    migration.fill_last_user_messages(apps, None)

    conversation.refresh_from_db()
    assert conversation.last_user_message_text == "My card is blocked"
    assert conversation.masked_last_user_message_text == "My card is blocked"


@pytest.mark.parametrize(
    ("count", "wording"),
    [(1, "1</strong> conversation matches the filters."), (2, "2</strong> conversations match")],
)
def test_the_count_of_a_filtered_list_agrees_with_its_number(client, count, wording):
    business = BusinessFactory(slug="acme")
    for _ in range(count):
        MessageFactory(conversation=ConversationFactory(business=business, channel="web"))
    client.force_login(MembershipFactory(business=business, team_lead=True).user)

    for path, params in [
        ("/b/acme/business/", {}),
        ("/b/acme/analytics/messages/", {"tab": "conversations"}),
    ]:
        body = client.get(path, {**params, "channel": "web"}).content.decode()
        assert wording in body
