"""No page that can show personal data is kept by a browser or a shared cache: every page and
action of a business (rules.access.business_page) answers Cache-Control: private, no-store,
as the chat pages and the CSV downloads do."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conversations.models import ApiKey, EndUser, Entity, Job, Membership
from tests.console_pages.conftest import business, business_pk  # noqa: F401 - the fixtures
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
ROUTE_PART = re.compile(r"<(?:\w+:)?(?P<name>\w+)>")


def patterns(resolver=None, prefix=""):
    """(route, pattern) of every URL pattern of the site."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def business_pages():
    """The routes of every page and action of a business."""
    return [route for route, p in patterns() if hasattr(p.callback, "business_section")]


def test_the_business_pages_are_found():
    routes = business_pages()
    assert "b/<slug:business>/my-chats/" in routes
    assert "b/<slug:business>/analytics/messages/<slug:tab>.csv" in routes
    assert "b/<slug:business>/console/staff/<int:member_id>/" in routes
    assert "b/<slug:business>/jobs/" in routes


def test_every_business_page_is_private_and_never_stored(client, business):  # noqa: F811
    viewer = MembershipFactory(
        business=business,
        agent=True,
        team_lead=True,
        analyst=True,
        admin=True,
        view_personal_details=True,
    )
    viewer.leads.set(business.teams.all())
    client.force_login(viewer.user)
    values = {
        "business": business.slug,
        "member_id": Membership.objects.exclude(pk=viewer.pk).filter(business=business)[0].pk,
        "entity_id": Entity.objects.filter(bot__business=business)[0].pk,
        "key_id": ApiKey.objects.filter(business=business)[0].pk,
        "end_user_id": EndUser.objects.filter(business=business)[0].pk,
        "tab": "conversations",
        "table": "reviews",
        "job_id": Job.objects.create(
            business=business, kind=Job.Kind.ROLLUPS, reason="t", state=Job.State.FAILED
        ).pk,
    }
    answers = {}
    for route in business_pages():
        url = "/" + ROUTE_PART.sub(lambda part: str(values[part["name"]]), route)
        response = client.get(url, {"phrase": "card blocked"})
        if response.status_code == 405:
            response = client.post(url)
        answers[route] = (response.status_code, response.get("Cache-Control", ""))

    # A refusal (403, 404) is the error page alone, which shows nothing of the business.
    shown = {route: answer for route, answer in answers.items() if answer[0] < 400}
    assert {
        route: answer
        for route, answer in shown.items()
        if not {"private", "no-store"} <= {d.strip() for d in answer[1].split(",")}
    } == {}
    assert len(shown) >= len(answers) - 3
    assert all(status in (403, 404) for status, _ in answers.values() if status >= 400)
