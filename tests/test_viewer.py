"""One Viewer a request: the page guards resolve the viewer's access once, and what the viewer
may do is asked of it by name."""

import pytest

import rules.access
import rules.viewer
from rules.access import Access
from rules.viewer import Viewer
from tests.factories import ConversationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation():
    return ConversationFactory()


@pytest.fixture
def full_member(client, conversation):
    membership = MembershipFactory(
        business=conversation.business,
        agent=True,
        team_lead=True,
        admin=True,
        view_personal_details=True,
    )
    client.force_login(membership.user)
    return membership


@pytest.fixture
def access_resolutions(monkeypatch):
    """How many times a request works out a viewer's access."""
    calls = []

    def counted(user, membership):
        calls.append(user)
        return access_for(user, membership)

    access_for = rules.access.access_for
    monkeypatch.setattr(rules.access, "access_for", counted)
    monkeypatch.setattr(rules.viewer, "access_for", counted)
    return calls


@pytest.mark.parametrize(
    "path",
    [
        "my-chats/",
        "teams/",
        "business/?q=hello",
        "search/",
        "analytics/messages/",
        "analytics/messages/?tab=conversations",
        "analytics/csat/",
    ],
)
def test_a_business_page_resolves_access_once(client, full_member, access_resolutions, path):
    response = client.get(f"/b/{full_member.business.slug}/{path}")

    assert response.status_code == 200
    assert len(access_resolutions) == 1


@pytest.mark.parametrize("path", ["", "updates/?after=0"])
def test_a_chat_page_resolves_access_once(
    client, full_member, conversation, access_resolutions, path
):
    response = client.get(f"/c/{conversation.token}/{path}")

    assert response.status_code == 200
    assert len(access_resolutions) == 1


def test_a_share_link_viewer_sees_no_private_note_and_shares_nothing(conversation):
    viewer = Viewer.through_link(None, conversation.business)

    assert viewer.access is Access.MASKED and viewer.shows_personal_fields
    assert not viewer.sees_private_notes
    assert not viewer.sees_other_conversations
    assert not viewer.may_share_by_link
    assert not viewer.sees_personal_data


def test_analytics_shows_a_full_viewer_no_personal_data(full_member):
    viewer = Viewer.of_membership(full_member, second_factor_verified=False)

    analytics = viewer.for_analytics()

    assert viewer.sees_personal_data and viewer.may_share_by_link
    assert viewer.may_reveal_personal_data and not analytics.may_reveal_personal_data
    assert not analytics.sees_personal_data and not analytics.shows_personal_fields
    assert analytics.presenter.label("ann@example.com") == "[email]"
    assert analytics.membership == full_member
