"""Every analytics URL: who may open it, no PII on any of them (constant queries per page:
test_analytics_queries.py)."""

import pytest

from conversations.models import Business
from tests.factories import MembershipFactory, UserFactory
from tests.pii import leaked, planted_conversation_record
from tests.records import BUSINESS, conversation, import_ok, message, setup_records
from tests.shared_db import shared_business

pytestmark = pytest.mark.django_db

BASE = f"/b/{BUSINESS}/analytics"
# Every page and export, each tab and switch, and the phrase detail of every phrase kind.
PAGES = [
    f"{BASE}/messages/",
    f"{BASE}/messages/?tab=conversations",
    f"{BASE}/messages/?text=card&sender=user&bot_break=yes&handled=yes",
    f"{BASE}/words/",
    f"{BASE}/words/?size=2",
    f"{BASE}/words/?size=3&scope=all",
    f"{BASE}/words/phrase/?phrase=card",
    f"{BASE}/words/phrase/?phrase=card+blocked&scope=all",
    f"{BASE}/csat/",
    f"{BASE}/csat/?trend=week&rating=2",
    f"{BASE}/agents/",
    f"{BASE}/agents/?bot=1&period=30d",
]
EXPORTS = [
    f"{BASE}/messages/messages.csv",
    f"{BASE}/messages/conversations.csv",
    f"{BASE}/words/phrases.csv?scope=all",
    f"{BASE}/words/phrase.csv?phrase=card&scope=all",
    f"{BASE}/csat/reviews.csv",
    f"{BASE}/csat/ratings.csv",
    f"{BASE}/csat/csat-trend.csv",
    *(f"{BASE}/agents/{table}.csv" for table in ("agents", "teams", "bots", "channels")),
]


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def imported():
    import_ok(*setup_records(), planted_conversation_record())
    return Business.objects.get(slug=BUSINESS).pk


business_pk, business = shared_business(imported)


@pytest.mark.parametrize("role", ["analyst", "team_lead", "admin"])
@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_analytics_staff_open_every_page(client, business, role, url):
    client.force_login(MembershipFactory(business=business, **{role: True}).user)

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_an_agent_only_is_refused_with_a_reason(client, business, url):
    client.force_login(MembershipFactory(business=business, agent=True).user)

    response = client.get(url)

    assert response.status_code == 403
    assert b"do not include" in response.content


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_staff_of_another_business_get_404(client, business, url):
    client.force_login(MembershipFactory(analyst=True, admin=True).user)

    assert client.get(url).status_code == 404


def test_an_unknown_business_is_404_like_a_foreign_one(client, business):
    client.force_login(UserFactory(is_superuser=True))

    assert client.get("/b/nope/analytics/messages/").status_code == 404


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_anonymous_visitors_are_sent_to_sign_in(client, business, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_home_page_leads_analysts_to_the_three_pages(client, business):
    client.force_login(MembershipFactory(business=business, analyst=True).user)

    html = client.get("/").content.decode()

    assert "Intelligent Analytics" in html
    for url in (f"{BASE}/messages/", f"{BASE}/words/", f"{BASE}/csat/"):
        assert f'href="{url}"' in html


@pytest.mark.parametrize("role", ["analyst", "team_lead", "admin"])
def test_no_page_chart_or_csv_shows_pii_whoever_looks(client, business, role):
    """Even staff who may see personal details elsewhere see none here."""
    membership = MembershipFactory(business=business, view_personal_details=True, **{role: True})
    client.force_login(membership.user)

    for url in PAGES + EXPORTS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaked(content(response)) == [], url


HOSTILE = ["<script>alert('x')</script>", '<img src=x onerror="alert(1)">', '"><b>bold</b>']


def test_texts_are_escaped_on_every_page(client):
    import_ok(
        *setup_records(),
        conversation(
            "hostile",
            [message(f"h{n}", f"card {text}", bot_break=True) for n, text in enumerate(HOSTILE)],
            user='u"><i>',
            csat={"rating": 1, "review": HOSTILE[0]},
        ),
    )
    business = Business.objects.get(slug=BUSINESS)
    client.force_login(MembershipFactory(business=business, analyst=True).user)

    for url in PAGES:
        html = client.get(url).content.decode()
        assert not [text for text in [*HOSTILE, 'u"><i>'] if text in html], url
