"""One numbering (issue 24, point 3): a message's number and anchor are the same in every view
of its conversation, and every View Chat lands on a message that is there."""

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from conversations.models import Sender
from sharelinks.models import ShareLink
from tests.factories import (
    BusinessFactory,
    ConversationFactory,
    MembershipFactory,
    MessageFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

START = timezone.now() - dt.timedelta(days=1)
VIEW_CHAT = re.compile(r'<a class="row-link" href="([^"]+)">View Chat</a>')
ANCHOR = re.compile(r'<li id="(m[0-9]+)"')


@pytest.fixture
def business():
    return BusinessFactory(slug="acme")


@pytest.fixture
def conversation(business):
    """A rated conversation: the customer, the bot, an agent's private note, an agent, and a
    second note last of all; the bot fails to understand the customer's last message."""
    agent = MembershipFactory(business=business, agent=True).user
    conversation = ConversationFactory(
        business=business,
        started_at=START,
        agent=agent,
        team=TeamFactory(business=business),
        csat_rating=4,
        csat_at=START + dt.timedelta(minutes=10),
    )
    texts = [
        (Sender.USER, "my card is blocked", False),
        (Sender.BOT, "Which card?", False),
        (Sender.AGENT, "Checked the last three transactions", True),
        (Sender.AGENT, "Unblocked it for you", False),
        (Sender.USER, "my card is blocked again", False),
        (Sender.AGENT, "Customer was polite", True),
    ]
    for minute, (sender, text, private) in enumerate(texts):
        MessageFactory(
            conversation=conversation,
            sent_at=START + dt.timedelta(minutes=minute),
            sender=sender,
            text=text,
            private=private,
            agent=agent if sender == Sender.AGENT else None,
            bot_break=text.endswith("again"),
        )
    conversation.refresh_from_db()
    return conversation


def numbers(client, path):
    """{message text: its number} of a chat page."""
    body = client.get(path).content.decode()
    found = re.findall(r'<li id="m([0-9]+)".*?<p class="text">(.*?)</p>', body, re.DOTALL)
    return {unescape(text): int(number) for number, text in found}


def sign_in(client, business, **roles):
    client.force_login(MembershipFactory(business=business, **roles).user)


def test_a_message_has_the_same_number_for_staff_analysts_and_share_links(
    client, business, conversation
):
    chat = f"/c/{conversation.token}/"
    sign_in(client, business, team_lead=True)
    for_staff = numbers(client, chat)
    sign_in(client, business, analyst=True)
    for_analysts = numbers(client, chat)
    link = ShareLink.objects.create(
        conversation=conversation,
        created_by=None,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    client.logout()
    through_a_link = numbers(client, f"/s/{link.token}/")

    assert for_staff["Unblocked it for you"] == 4
    assert for_staff["Checked the last three transactions"] == 3
    # The notes hidden from them leave a gap: #3 and #6 are not there, #4 stays #4.
    assert for_analysts == {
        "my card is blocked": 1,
        "Which card?": 2,
        "Unblocked it for you": 4,
        "my card is blocked again": 5,
    }
    assert through_a_link == for_analysts


@pytest.mark.parametrize("role", ["analyst", "team_lead", "admin"])
def test_every_view_chat_of_the_analytics_pages_lands_on_a_message_on_the_page(
    client, business, conversation, role
):
    sign_in(client, business, **{role: True})
    pages = [
        "/b/acme/analytics/messages/",
        "/b/acme/analytics/messages/?tab=conversations",
        "/b/acme/analytics/words/phrase/?phrase=blocked",
        "/b/acme/analytics/csat/",
    ]
    landed, missing = [], []

    for page in pages:
        links = [unescape(href) for href in VIEW_CHAT.findall(client.get(page).content.decode())]
        assert links, f"no View Chat on {page}"
        for link in links:
            response = client.get(link)
            if response.status_code == 302:
                location = response["Location"]
                path, _, anchor = location.partition("#")
                on_the_page = ANCHOR.findall(client.get(path).content.decode())
                landed.append(anchor)
                if anchor not in on_the_page:
                    missing.append((page, location, on_the_page))

    assert missing == []
    assert "m5" in landed  # the message the bot did not understand, and CSAT's last one


def test_going_to_a_hidden_notes_number_lands_on_the_message_before_it(
    client, business, conversation
):
    sign_in(client, business, analyst=True)

    response = client.get(f"/c/{conversation.token}/", {"message": "3"})

    assert response["Location"].endswith("#m2")
