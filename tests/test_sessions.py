"""Sessions that end: a staff member's sessions are listed and ended; taking access away,
a new password and a factor reset end them at once; an idle session ends by itself."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from conversations.models import Role
from ingest.actors import Actor
from ingest.staff import change_staff, deactivate_staff, set_personal_details_permission
from signin.models import UserSession
from signin.sessions import LAST_SEEN_KEY
from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

OPERATOR = Actor.management_command("test")


@pytest.fixture
def member():
    return MembershipFactory(agent=True, admin=True, view_personal_details=True)


def signed_in(user, browser="Firefox"):
    client = Client(headers={"User-Agent": browser})
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert client.get("/").status_code == 200
    return client


def is_signed_in(client):
    return client.get("/").status_code == 200


def test_a_member_sees_their_sessions_and_ends_another(member):
    laptop, phone = signed_in(member.user, "Laptop"), signed_in(member.user, "Phone")

    page = laptop.get(reverse("active-sessions"))

    assert [s.device for s in page.context["sessions"]] == ["Phone", "Laptop"]
    assert "127.0.0.1" in page.text
    phone_session = UserSession.objects.get(device="Phone")
    laptop.post(reverse("end-session", args=[phone_session.pk]))
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_a_member_ends_every_other_session(member):
    laptop, phone, tablet = (signed_in(member.user, name) for name in ("L", "P", "T"))

    laptop.post(reverse("end-other-sessions"))

    assert (is_signed_in(laptop), is_signed_in(phone), is_signed_in(tablet)) == (True, False, False)


def test_nobody_ends_another_users_session(member):
    other = signed_in(MembershipFactory(agent=True).user)
    theirs = UserSession.objects.get(user__username=other.get("/").wsgi_request.user.username)

    response = signed_in(member.user).post(reverse("end-session", args=[theirs.pk]))

    assert response.status_code == 404
    assert is_signed_in(other)


@pytest.mark.parametrize(
    "take_away",
    [
        lambda m: deactivate_staff(OPERATOR, m),
        lambda m: set_personal_details_permission(OPERATOR, m.user, m.business, False),
        lambda m: change_staff(
            OPERATOR, m, display_name=None, roles=[Role.AGENT.value], teams=[], leads=[]
        ),
    ],
    ids=["deactivation", "permission revoked", "role removed"],
)
def test_taking_access_away_ends_the_members_sessions(member, take_away):
    client = signed_in(member.user)

    take_away(member)

    assert not is_signed_in(client)
    assert not UserSession.objects.filter(user=member.user).exists()


def test_giving_a_role_ends_no_session(member):
    client = signed_in(member.user)

    change_staff(
        OPERATOR,
        member,
        display_name=None,
        roles=[Role.AGENT.value, Role.ADMIN.value, Role.TEAM_LEAD.value],
        teams=[],
        leads=[],
    )

    assert is_signed_in(client)


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(member):
    here, elsewhere = signed_in(member.user), signed_in(member.user)

    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-password-3",
            "new_password2": "a-brand-new-password-3",
        },
    )

    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    # The session goes on under its new key, still listed and still ended by others.
    assert [s.session_key for s in UserSession.objects.filter(user=member.user)] == [
        here.session.session_key
    ]


def last_used(client, minutes_ago):
    """Make the client's session last used that long ago."""
    session = client.session
    session[LAST_SEEN_KEY] = (timezone.now() - dt.timedelta(minutes=minutes_ago)).timestamp()
    session.save()


def test_an_idle_session_ends(member, settings):
    client = signed_in(member.user)
    last_used(client, settings.SESSION_IDLE_MINUTES + 1)

    response = client.get("/")

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not UserSession.objects.filter(user=member.user).exists()


def test_a_session_in_use_stays_and_its_last_use_is_listed(member, settings):
    client = signed_in(member.user)
    last_used(client, settings.SESSION_IDLE_MINUTES - 1)
    signed_in_at = UserSession.objects.get(user=member.user).last_seen_at

    assert is_signed_in(client)
    assert is_signed_in(client)  # still, as the last use was written
    assert UserSession.objects.get(user=member.user).last_seen_at > signed_in_at


def test_signing_out_forgets_the_session(member):
    client = signed_in(member.user)

    client.post(reverse("logout"))

    assert not UserSession.objects.filter(user=member.user).exists()


def test_a_password_chosen_by_an_emailed_link_ends_every_session(member, client):
    session = signed_in(member.user)
    client.post(reverse("password_reset"), {"email": member.user.email})
    link = re.search(r"https?://\S+", mail.outbox[0].body)[0]
    form_page = client.get(link, follow=True)

    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-password-3", "new_password2": "a-brand-new-password-3"},
    )

    assert not is_signed_in(session)
    assert not UserSession.objects.filter(user=member.user).exists()


def test_an_admin_signs_a_member_out_everywhere_and_it_is_audited(member):
    agent = MembershipFactory(business=member.business, agent=True)
    agent_client = signed_in(agent.user)

    response = signed_in(member.user).post(
        reverse("console-end-member-sessions", args=[member.business.slug, agent.pk])
    )

    assert response.status_code == 302
    assert not is_signed_in(agent_client)
    entry = AuditEntry.objects.get(business=member.business, kind=AuditEntry.Kind.STAFF)
    assert (entry.actor_name, entry.what) == (
        member.user.username,
        f"Ended every session of {agent.user.username}",
    )
