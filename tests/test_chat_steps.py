"""Previous / Next say where the conversation stands among the user's ("2 of 3"), and the
user panel lists their conversations as the viewer may see them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sharelinks.models import ShareLink
from tests.factories import (
    BotFactory,
    BusinessFactory,
    ConversationFactory,
    EndUserFactory,
    MembershipFactory,
)

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


# --- The panel of the user's conversations ---------------------------------------------------


def their_conversations(count, bot_name="Support Bot"):
    business = BusinessFactory()
    bot = BotFactory(business=business, name=bot_name)
    user = EndUserFactory(business=business)
    start = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
    return [
        ConversationFactory(
            business=business, bot=bot, end_user=user, started_at=start + dt.timedelta(days=day)
        )
        for day in range(count)
    ]


def panel(html):
    return html.split('<ol class="their-conversations"', 1)[1].split("</ol>", 1)[0]


def test_the_panel_lists_the_users_conversations_the_open_one_marked(client):
    first, second, third = their_conversations(3)
    first.status, third.status = "closed", "with_agent"
    for conversation in (first, third):
        conversation.save()
    someone_else = ConversationFactory(business=first.business)
    other_business = ConversationFactory()
    client.force_login(MembershipFactory(business=first.business, agent=True).user)

    response = client.get(f"/c/{second.token}/?from=/my-chats/")

    listed = panel(response.content.decode())
    assert [row.token for row in response.context["theirs"].rows] == [
        first.token,
        second.token,
        third.token,
    ]
    assert f'href="/c/{first.token}/?from=/my-chats/"' in listed
    assert f"/c/{second.token}/" not in listed and 'aria-current="page"' in listed
    assert "Closed" in listed and "With an agent" in listed and "Support Bot" in listed
    assert "1 Oct 2026" in listed
    assert someone_else.token not in listed and other_business.token not in listed
    assert "earlier" not in listed  # all three listed: nothing more to say


def test_a_long_history_lists_ten_around_the_open_one_and_counts_the_rest(client):
    conversations = their_conversations(25)
    client.force_login(MembershipFactory(business=conversations[0].business, agent=True).user)

    response = client.get(f"/c/{conversations[19].token}/")

    theirs = response.context["theirs"]
    assert [row.token for row in theirs.rows] == [c.token for c in conversations[14:24]]
    assert (theirs.first_number, theirs.earlier, theirs.later) == (15, 14, 1)
    html = response.content.decode()
    assert '<ol class="their-conversations" start="15"' in html
    assert "And 14 earlier and 1 later" in html
    assert "20 of 25 conversations of this user" in html
    # Previous / Next come from the same rows
    assert response.context["previous"].token == conversations[18].token
    assert response.context["next"].token == conversations[20].token


def test_the_first_and_last_conversations_have_no_previous_or_next(client):
    conversations = their_conversations(12)
    client.force_login(MembershipFactory(business=conversations[0].business, agent=True).user)

    first = client.get(f"/c/{conversations[0].token}/").context
    last = client.get(f"/c/{conversations[-1].token}/").context

    assert first["previous"] is None and first["next"].token == conversations[1].token
    assert last["next"] is None and last["previous"].token == conversations[-2].token
    assert (first["theirs"].earlier, first["theirs"].later) == (0, 2)
    assert (last["theirs"].earlier, last["theirs"].later) == (2, 0)


@pytest.mark.parametrize("full", [True, False])
def test_the_panel_names_bots_as_the_viewer_sees_names(client, full):
    # Anything may be typed into a bot's name: masked viewers get it through the masking.
    conversations = their_conversations(2, bot_name="Desk ravi@example.com")
    client.force_login(
        MembershipFactory(
            business=conversations[0].business, agent=True, view_personal_details=full
        ).user
    )

    listed = panel(client.get(f"/c/{conversations[0].token}/").content.decode())

    assert ("ravi@example.com" in listed) is full
    assert ("Desk [email]" in listed) is not full


def test_the_panel_costs_the_same_queries_for_a_long_history(client, django_assert_max_num_queries):
    short, long = their_conversations(2), their_conversations(40)
    client.force_login(MembershipFactory(business=short[0].business, agent=True).user)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/c/{short[0].token}/")
    client.force_login(MembershipFactory(business=long[0].business, agent=True).user)

    with django_assert_max_num_queries(len(few)):
        client.get(f"/c/{long[20].token}/")


def test_a_share_link_lists_none_of_the_users_conversations(client):
    conversations = their_conversations(3)
    link = ShareLink.create_for(conversations[1], user=None)

    response = client.get(f"/s/{link.token}/")

    assert "their-conversations" not in response.content.decode()
    assert "theirs" not in response.context
    assert conversations[0].token not in response.content.decode()
