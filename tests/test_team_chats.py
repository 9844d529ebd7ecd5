import pytest

from tests.chat_lists import conversations_of, listed, staff
from tests.factories import BusinessFactory, MembershipFactory, TeamFactory
from tests.pii import leaked, planted_conversation

pytestmark = pytest.mark.django_db


def url(business):
    return f"/b/{business.slug}/teams/"


@pytest.fixture
def lead():
    business = BusinessFactory()
    membership = staff(business, team_lead=True)
    membership.leads.set([TeamFactory(business=business, slug="cards")])
    return membership


def test_lists_only_the_teams_the_lead_leads(client, lead):
    business = lead.business
    cards = lead.leads.get()
    led = conversations_of(business, 3, team=cards)
    conversations_of(business, 2, team=TeamFactory(business=business, slug="loans"))
    conversations_of(business, 2)  # no team
    client.force_login(lead.user)

    response = client.get(url(business))

    assert listed(response) == led[::-1]
    assert [choice[0] for choice in response.context["form"].fields["team"].choices] == [
        "",
        "cards",
    ]


def test_filters_by_agent_team_rating_and_dates(client, lead):
    business = lead.business
    cards = lead.leads.get()
    loans = TeamFactory(business=business, slug="loans")
    lead.leads.add(loans)
    priya = staff(business, agent=True, user__username="priya")
    wanted = conversations_of(business, 2, team=cards, agent=priya.user, csat_rating=5)
    conversations_of(business, 1, team=cards, agent=priya.user, csat_rating=2)
    conversations_of(business, 1, team=cards, agent=priya.user)
    conversations_of(business, 1, team=loans, agent=priya.user, csat_rating=5)
    conversations_of(business, 1, team=cards, csat_rating=5)
    client.force_login(lead.user)

    response = client.get(
        url(business),
        {
            "team": "cards",
            "agent": "priya",
            "rated": "yes",
            "csat": "5",
            "period": "custom",
            "start": "2026-10-01",
            "end": "2026-10-02",
        },
    )

    assert listed(response) == wanted[::-1]
    assert response.context["page"].paginator.count == 2
    unrated = client.get(url(business), {"agent": "priya", "rated": "no"})
    assert response.context["form"].is_filtered
    assert unrated.context["page"].paginator.count == 1


def test_dates_are_days_in_the_business_time_zone(client, lead):
    business = lead.business  # Asia/Kolkata: 12:00 UTC on 1 Oct is 17:30 there
    conversations_of(business, 8, team=lead.leads.get())  # 12:00 .. 19:00 UTC
    client.force_login(lead.user)

    response = client.get(
        url(business), {"period": "custom", "start": "2026-10-01", "end": "2026-10-01"}
    )

    # 18:30 UTC is already 2 October in India.
    assert response.context["page"].paginator.count == 7


def test_invalid_filter_values_are_reported_not_crashing(client, lead):
    client.force_login(lead.user)

    response = client.get(
        url(lead.business), {"team": "nope", "start": "yesterday", "period": "custom", "csat": "9"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors


def test_masked_rows_for_a_lead_without_the_permission(client, lead):
    conversation = planted_conversation(business=lead.business, team=lead.leads.get())
    client.force_login(lead.user)

    response = client.get(url(lead.business))

    assert listed(response) == [conversation]
    assert leaked(response.content) == []


def test_agent_without_lead_role_is_refused(client, lead):
    client.force_login(staff(lead.business, agent=True).user)

    assert client.get(url(lead.business)).status_code == 403


def test_other_business_is_not_found(client, lead):
    client.force_login(MembershipFactory(team_lead=True).user)

    assert client.get(url(lead.business)).status_code == 404


def test_chat_page_offers_the_way_back_with_filters(client, lead):
    (conversation,) = conversations_of(lead.business, 1, team=lead.leads.get())
    client.force_login(lead.user)
    list_url = url(lead.business) + "?team=cards&page=1"

    chat = client.get(f"/c/{conversation.token}/", {"from": list_url})

    assert chat.context["return_path"] == list_url
    assert f'href="{list_url.replace("&", "&amp;")}"' in chat.content.decode()


@pytest.mark.parametrize("count", [3, 60])
def test_constant_number_of_queries(client, lead, django_assert_max_num_queries, count):
    conversations_of(lead.business, count, team=lead.leads.get())
    client.force_login(lead.user)

    with django_assert_max_num_queries(15):
        assert client.get(url(lead.business)).status_code == 200
