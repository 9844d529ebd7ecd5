"""Team names are text a business typed: they go through the presenter like any other, so a
name holding an email address or a phone number is masked wherever a masked viewer meets it."""

import pytest
from django.urls import reverse

from conversations.models import Business, Team
from tests.factories import MembershipFactory
from tests.pii import EMAIL, PHONE, leaked, planted_conversation_record
from tests.records import BUSINESS, import_ok, setup_records

pytestmark = pytest.mark.django_db

TEAM_NAME = f"Escalations {EMAIL} {PHONE}"


@pytest.fixture
def business():
    import_ok(
        *setup_records(),
        {"type": "team", "business": BUSINESS, "slug": "cards", "name": TEAM_NAME},
        planted_conversation_record(team="cards"),
    )
    business = Business.objects.get(slug=BUSINESS)
    for member in business.memberships.all():
        member.leads.add(Team.objects.get(business=business, slug="cards"))
    return business


def body_of(response):
    assert response.status_code == 200
    return (b"".join(response) if response.streaming else response.content).decode()


@pytest.mark.parametrize(
    "roles",
    [{"analyst": True}, {"team_lead": True}, {"admin": True}, {"analyst": True, "admin": True}],
)
def test_message_analysis_masks_team_names_for_everyone(client, business, roles):
    client.force_login(MembershipFactory(business=business, **roles).user)
    analytics = f"/b/{BUSINESS}/analytics/messages/"

    page = body_of(client.get(analytics, {"tab": "conversations"}))
    csv = body_of(client.get(f"{analytics.rstrip('/')}/conversations.csv"))

    assert "Escalations [email]" in page and "Escalations [email]" in csv
    assert leaked(page) == leaked(csv) == []


@pytest.mark.parametrize("page", ["console-staff", "console-add-member", "console-member"])
def test_the_console_masks_team_names_for_an_admin_without_the_permission(client, business, page):
    admin = MembershipFactory(business=business, admin=True)
    admin.teams.add(Team.objects.get(business=business, slug="cards"))
    client.force_login(admin.user)
    args = [business.slug, admin.pk] if page == "console-member" else [business.slug]

    body = body_of(client.get(reverse(page, args=args)))

    assert "Escalations [email]" in body
    assert leaked(body) == []


def test_an_admin_who_sees_in_full_reads_team_names_as_typed(client, business):
    admin = MembershipFactory(business=business, admin=True, view_personal_details=True)
    client.force_login(admin.user)

    body = body_of(client.get(reverse("console-staff", args=[business.slug])))

    assert EMAIL in body
