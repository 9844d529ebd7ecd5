"""External share links: made by staff with full access, open to anyone, always masked."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from sharelinks.models import ShareLink
from tests.factories import ConversationFactory, MembershipFactory
from tests.pii import leaked, planted_conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation():
    return planted_conversation()


@pytest.fixture
def full_agent(conversation):
    return MembershipFactory(
        business=conversation.business, agent=True, view_personal_details=True
    ).user


def create(client, conversation, days=None):
    data = {} if days is None else {"days": days}
    return client.post(f"/c/{conversation.token}/share/", data)


def test_full_viewer_creates_a_link_that_expires_in_7_days(client, conversation, full_agent):
    client.force_login(full_agent)

    response = create(client, conversation, 7)

    assert response.status_code == 302
    link = ShareLink.objects.get()
    assert link.created_by == full_agent
    assert abs(link.expires_at - timezone.now() - dt.timedelta(days=7)) < dt.timedelta(minutes=1)
    page = client.get(f"/c/{conversation.token}/").content.decode()
    assert f"/s/{link.token}/" in page and full_agent.username in page


def test_a_new_link_is_shown_whole_with_a_copy_control(client, conversation, full_agent):
    client.force_login(full_agent)

    response = create(client, conversation, 7)

    link = ShareLink.objects.get()
    assert response["Location"].endswith(f"#share-link-{link.pk}")  # the new one, in view
    page = client.get(f"/c/{conversation.token}/").content.decode()
    url = f"http://testserver/s/{link.token}/"
    assert f'<code class="share-link-url">{url}</code>' in page  # selectable without JavaScript
    assert f'data-copy-link="{url}"' in page


@pytest.mark.parametrize("days", [0, 91, "x"])
def test_lifetime_is_1_to_90_days(client, conversation, full_agent, days):
    client.force_login(full_agent)

    create(client, conversation, days)

    assert not ShareLink.objects.exists()


@pytest.mark.parametrize("role", ["agent", "analyst"])
def test_viewers_without_full_access_cannot_create(client, conversation, role):
    client.force_login(MembershipFactory(business=conversation.business, **{role: True}).user)

    assert create(client, conversation, 7).status_code == 404
    assert not ShareLink.objects.exists()
    assert b"External share links" not in client.get(f"/c/{conversation.token}/").content


def test_creating_needs_post_and_csrf(conversation, full_agent):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(full_agent)

    assert client.get(f"/c/{conversation.token}/share/").status_code == 405
    assert create(client, conversation, 7).status_code == 403


def test_anyone_opens_it_masked_and_each_open_is_audited(client, conversation, full_agent):
    link = ShareLink.create_for(conversation, full_agent)

    response = client.get(f"/s/{link.token}/")

    assert response.status_code == 200
    assert leaked(response.content) == []
    assert "[card number]" in response.content.decode()
    assert "previous" not in response.context and "next" not in response.context
    assert response["Cache-Control"] == "private, no-store"
    view = AuditEntry.objects.get(kind=AuditEntry.Kind.CONVERSATION)
    assert (view.viewer, view.share_link, view.level) == (None, link, "external")


def test_external_page_never_leads_to_other_conversations(client, conversation, full_agent):
    later = ConversationFactory(
        business=conversation.business,
        end_user=conversation.end_user,
        started_at=conversation.started_at + dt.timedelta(days=1),
    )
    link = ShareLink.create_for(conversation, full_agent)

    html = client.get(f"/s/{link.token}/").content.decode()

    assert later.token not in html and conversation.token not in html


def test_revoked_and_expired_links_are_not_found(client, conversation, full_agent):
    revoked = ShareLink.create_for(conversation, full_agent)
    expired = ShareLink.create_for(conversation, full_agent, days=1)
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    client.force_login(full_agent)

    client.post(f"/c/{conversation.token}/share/{revoked.pk}/revoke/")
    client.logout()

    assert client.get(f"/s/{revoked.token}/").status_code == 404
    assert client.get(f"/s/{expired.token}/").status_code == 404
    assert client.get("/s/not-a-token/").status_code == 404
