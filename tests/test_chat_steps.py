"""Previous / Next say where the conversation stands among the user's: "2 of 3"."""

import datetime as dt

import pytest

from sharelinks.models import ShareLink
from tests.factories import BusinessFactory, ConversationFactory, EndUserFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_chat_page_says_which_of_the_users_conversations_it_is(client):
    business = BusinessFactory()
    user = EndUserFactory(business=business)
    start = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
    first, second, third = [
        ConversationFactory(business=business, end_user=user, started_at=start)
        for _ in range(3)  # at the same time: the order is their ids'
    ]
    ConversationFactory(business=business, started_at=start)  # another user's
    client.force_login(MembershipFactory(business=business, agent=True).user)

    places = [
        client.get(f"/c/{conversation.token}/").context["place"]
        for conversation in (first, second, third)
    ]

    assert places == [(1, 3), (2, 3), (3, 3)]
    body = client.get(f"/c/{second.token}/").content.decode()
    assert "2 of 3 conversations of this user" in body


def test_a_share_link_tells_nothing_of_the_users_other_conversations(client):
    conversation = ConversationFactory()
    link = ShareLink.create_for(conversation, user=None)

    body = client.get(f"/s/{link.token}/").content.decode()

    assert "of this user" not in body
