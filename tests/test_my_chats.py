import pytest

from tests.chat_lists import conversations_of, listed, staff
from tests.factories import BotFactory, BusinessFactory, MembershipFactory
from tests.pii import SECRETS, leaked, planted_conversation

pytestmark = pytest.mark.django_db


def url(business):
    return f"/b/{business.slug}/my-chats/"


@pytest.fixture
def agent():
    return staff(BusinessFactory(), agent=True)


def test_lists_only_the_agents_own_chats_newest_first(client, agent):
    business = agent.business
    mine = conversations_of(business, 3, agent=agent.user)
    conversations_of(business, 2, agent=staff(business, agent=True).user)
    conversations_of(business, 1)  # bot only
    client.force_login(agent.user)

    response = client.get(url(business))

    assert response.status_code == 200
    assert listed(response) == mine[::-1]
    assert response.context["page"].paginator.count == 3


def test_each_row_has_the_user_info_link(client, agent):
    (conversation,) = conversations_of(agent.business, 1, agent=agent.user)
    client.force_login(agent.user)

    html = client.get(url(agent.business)).content.decode()

    chat_path = f"/c/{conversation.token}/"
    assert f'href="{chat_path}?from=/b/{agent.business.slug}/my-chats/"' in html.replace("%2F", "/")
    assert f'data-copy-link="http://testserver{chat_path}"' in html
    assert f'value="http://testserver{chat_path}"' in html  # shown when there is no JavaScript


def test_is_paginated(client, agent):
    conversations_of(agent.business, 30, agent=agent.user)
    client.force_login(agent.user)

    first = client.get(url(agent.business))
    second = client.get(url(agent.business), {"page": 2})

    assert len(listed(first)) == 25
    assert len(listed(second)) == 5
    assert first.context["page"].paginator.count == 30


def test_filters_by_bot_and_channel(client, agent):
    bot = BotFactory(business=agent.business, slug="sales")
    wanted = conversations_of(agent.business, 2, agent=agent.user, bot=bot, channel="whatsapp")
    conversations_of(agent.business, 2, agent=agent.user, channel="whatsapp")
    conversations_of(agent.business, 2, agent=agent.user, bot=bot, channel="web")
    client.force_login(agent.user)

    response = client.get(url(agent.business), {"bot": "sales", "channel": "whatsapp"})

    assert listed(response) == wanted[::-1]
    assert response.context["page"].paginator.count == 2


def test_masks_user_and_preview_without_the_permission(client):
    membership = staff(BusinessFactory(), agent=True)
    conversation = planted_conversation(membership.business, agent=membership.user)
    client.force_login(membership.user)

    response = client.get(url(conversation.business))

    assert listed(response) == [conversation]
    assert response.context["rows"][0].preview.startswith("PAN [PAN number]")
    assert leaked(response.content) == []


def test_shows_user_name_with_the_permission(client):
    membership = staff(BusinessFactory(), agent=True, view_personal_details=True)
    conversation = planted_conversation(membership.business, agent=membership.user)
    client.force_login(membership.user)

    html = client.get(url(conversation.business)).content.decode()

    assert SECRETS[0] in html and "4111 1111 1111 1111" in html


def test_other_business_is_not_found(client, agent):
    client.force_login(MembershipFactory(agent=True).user)

    assert client.get(url(agent.business)).status_code == 404


def test_analyst_of_the_business_is_refused_with_a_reason(client, agent):
    client.force_login(staff(agent.business, analyst=True).user)

    response = client.get(url(agent.business))

    assert response.status_code == 403
    assert b"do not include My Chats" in response.content


def test_anonymous_is_sent_to_sign_in(client, agent):
    response = client.get(url(agent.business))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("count", [3, 60])
def test_constant_number_of_queries(client, agent, django_assert_max_num_queries, count):
    conversations_of(agent.business, count, agent=agent.user)
    client.force_login(agent.user)

    with django_assert_max_num_queries(14):
        assert client.get(url(agent.business)).status_code == 200
