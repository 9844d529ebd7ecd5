"""Who opens the business admin's console: its admins only, and only their own business's."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from conversations.models import ApiKey, Entity, Membership
from tests.console_pages import console_urls
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def untouched(business):
    """What any of the console's actions would change, to check that none did."""
    return (
        list(Membership.objects.filter(business=business).values()),
        list(Entity.objects.filter(bot__business=business).values()),
        list(ApiKey.objects.filter(business=business).values()),
        AuditEntry.objects.filter(business=business).exclude(kind="conversation").count(),
        business.name,
    )


def test_an_admin_of_another_business_gets_404_on_every_page_and_action(
    client, business, other_admin
):
    before = untouched(business)
    client.force_login(other_admin.user)

    answers = {
        (method, url): getattr(client, method)(url).status_code
        for method, url in console_urls(business)
    }

    assert set(answers.values()) == {404}, answers
    assert untouched(business) == before


def test_objects_of_another_business_are_404_from_the_admins_own_console(
    client, business, other_admin
):
    """An admin of B naming, in B's URLs, a member, entity or key of A: 404, nothing changes."""
    before = untouched(business)
    client.force_login(other_admin.user)
    own, theirs = other_admin.business.slug, business.slug

    answers = {
        (method, url): getattr(client, method)(
            url.replace(f"/b/{theirs}/", f"/b/{own}/")
        ).status_code
        for method, url in console_urls(business)
        if re.search(r"/\d+/", url)
    }

    assert answers and set(answers.values()) == {404}, answers
    assert untouched(business) == before


@pytest.mark.parametrize(
    "roles",
    [{"agent": True, "view_personal_details": True}, {"team_lead": True}, {"analyst": True}, {}],
    ids=["agent with the permission", "team lead", "analyst", "no roles"],
)
def test_staff_without_the_admin_role_get_403(client, business, roles):
    client.force_login(MembershipFactory(business=business, **roles).user)
    before = untouched(business)

    answers = {
        (method, url): getattr(client, method)(url).status_code
        for method, url in console_urls(business)
    }

    assert set(answers.values()) == {403}, answers
    assert untouched(business) == before


def test_visitors_are_sent_to_sign_in(client, business):
    for method, url in console_urls(business):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_admin_finds_every_console_page_from_home_and_the_menu(client, business, admin):
    client.force_login(admin.user)
    pages = [
        reverse(name, args=[business.slug])
        for name in (
            "console-staff",
            "console-bots",
            "console-api-keys",
            "console-audit-log",
            "console-settings",
            "business-jobs",
        )
    ]

    home = client.get("/").content.decode()
    menu = client.get(pages[0]).content.decode()

    assert [page for page in pages if f'href="{page}"' not in home] == []
    assert [page for page in pages if f'href="{page}"' not in menu] == []
    for page in pages:
        assert client.get(page).status_code == 200, page
