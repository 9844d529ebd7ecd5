"""Date filters refuse a bad range with no results (issue 24, point 5): an end before the start,
or a custom range without a date, is an error and lists nothing, not everything."""

import pytest

from tests.chat_lists import START, conversations_of
from tests.factories import BusinessFactory, MembershipFactory, MessageFactory

pytestmark = pytest.mark.django_db

BACKWARDS = {"period": "custom", "start": "2026-09-30", "end": "2026-09-01"}
NO_DATES = {"period": "custom"}


@pytest.fixture
def business(client):
    business = BusinessFactory(slug="acme")
    for conversation in conversations_of(business, 3, csat_rating=4, csat_at=START):
        MessageFactory(conversation=conversation, sent_at=conversation.started_at)
    client.force_login(MembershipFactory(business=business, team_lead=True).user)
    return business


@pytest.mark.parametrize(
    ("params", "error"),
    [
        (BACKWARDS, "The end date is before the start date."),
        (NO_DATES, "Custom range: choose a start date, an end date or both."),
    ],
)
@pytest.mark.parametrize("path", ["business/", "analytics/messages/", "analytics/csat/"])
def test_a_refused_range_shows_its_error_and_no_results(client, business, path, params, error):
    everything = client.get(f"/b/acme/{path}")

    response = client.get(f"/b/acme/{path}", params)

    assert error in response.content.decode()
    if "page" in everything.context:
        assert everything.context["page"].paginator.count == 3
        assert response.context["page"].paginator.count == 0


def test_a_custom_range_with_one_date_is_open_at_the_other_end(client, business):
    response = client.get("/b/acme/business/", {"period": "custom", "start": "2026-10-01"})

    assert response.context["page"].paginator.count == 3
    assert not response.context["form"].errors
