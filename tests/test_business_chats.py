import pytest

from tests.chat_lists import conversations_of, listed, staff
from tests.factories import BusinessFactory, EndUserFactory, MembershipFactory
from tests.pii import leaked, planted_conversation

pytestmark = pytest.mark.django_db


def url(business):
    return f"/b/{business.slug}/business/"


@pytest.fixture
def business():
    return BusinessFactory()


@pytest.mark.parametrize("role", ["team_lead", "admin"])
def test_lists_every_conversation_of_the_business(client, business, role):
    every = conversations_of(business, 4)
    conversations_of(BusinessFactory(), 2)
    client.force_login(staff(business, **{role: True}).user)

    response = client.get(url(business))

    assert listed(response) == every[::-1]


@pytest.mark.parametrize("role", ["agent", "analyst"])
def test_other_roles_are_refused(client, business, role):
    client.force_login(staff(business, **{role: True}).user)

    assert client.get(url(business)).status_code == 403


def test_search_by_conversation_or_user_id(client, business):
    user = EndUserFactory(business=business, external_id="u-42")
    by_user = conversations_of(business, 2, end_user=user)
    (by_id,) = conversations_of(business, 1, external_id="c-777")
    conversations_of(business, 3)
    client.force_login(staff(business, admin=True).user)

    assert listed(client.get(url(business), {"q": "u-42"})) == by_user[::-1]
    assert listed(client.get(url(business), {"q": "c-777"})) == [by_id]
    assert listed(client.get(url(business), {"q": "nothing"})) == []


def test_masked_for_an_admin_without_the_permission(client, business):
    planted_conversation(business=business)
    client.force_login(staff(business, admin=True).user)

    assert leaked(client.get(url(business)).content) == []


def test_home_links_each_role_to_its_sections(client, business):
    lead = staff(business, team_lead=True, agent=True)
    MembershipFactory(user=lead.user, analyst=True)
    client.force_login(lead.user)

    html = client.get("/").content.decode()

    for path in ("my-chats", "teams", "business"):
        assert f'href="/b/{business.slug}/{path}/"' in html


def test_header_switches_between_businesses(client, business):
    lead = staff(business, team_lead=True)
    other = MembershipFactory(user=lead.user, admin=True)
    client.force_login(lead.user)

    html = client.get(url(business)).content.decode()

    assert f'href="/b/{other.business.slug}/business/"' in html
