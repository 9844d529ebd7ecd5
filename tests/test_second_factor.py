"""A second factor before personal data: a full viewer of a business that requires it sees
every page masked, with a prompt, until they verify a code in their session."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from conversations.models import Business, Conversation
from signin import factor
from tests.factories import BusinessFactory, MembershipFactory
from tests.pii import NAME, leaked, planted_conversation, planted_rich_conversation_record
from tests.records import bot_record, import_ok

pytestmark = [pytest.mark.django_db, pytest.mark.second_factor]

SECOND_FACTOR_URL = "/accounts/second-factor/"


@pytest.fixture
def business():
    return BusinessFactory()


@pytest.fixture
def conversation(business):
    return planted_conversation(business)


@pytest.fixture
def full_member(client, business):
    membership = MembershipFactory(
        business=business, agent=True, team_lead=True, admin=True, view_personal_details=True
    )
    client.force_login(membership.user)
    return membership


def current_code(device):
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def enrol(client, user):
    """Set up an authenticator app through the pages; returns the recovery codes shown."""
    client.get(SECOND_FACTOR_URL)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SECOND_FACTOR_URL, {"code": current_code(device)})
    assert response.status_code == 200
    return response.context["codes"]


def test_new_businesses_require_a_second_factor():
    assert Business(slug="new", name="New").require_second_factor


def test_an_unverified_full_viewer_sees_the_chat_masked_with_a_prompt(
    client, full_member, conversation
):
    response = client.get(f"/c/{conversation.token}/")

    assert response.status_code == 200
    assert leaked(response.content) == []
    assert response.context["viewer"].awaits_second_factor
    assert f'href="{SECOND_FACTOR_URL}?next=/c/{conversation.token}/"' in response.text


def test_enrolment_shows_the_key_as_text_beside_a_qr_code_and_one_field(client, full_member):
    response = client.get(SECOND_FACTOR_URL)

    device = TOTPDevice.objects.get(user=full_member.user, confirmed=False)
    assert device.config_url.startswith("otpauth://totp/")
    assert f'value="{device.config_url.replace("&", "&amp;")}"' in response.text
    assert "<svg" in response.text and "<path" in response.text
    assert list(response.context["form"].fields) == ["code"]
    assert "no-store" in response["Cache-Control"]


def test_enrolling_verifies_the_session_and_shows_ten_recovery_codes(
    client, full_member, conversation
):
    codes = enrol(client, full_member.user)

    assert len(set(codes)) == 10
    response = client.get(f"/c/{conversation.token}/")
    assert NAME in response.text
    assert not response.context["viewer"].awaits_second_factor
    assert SECOND_FACTOR_URL not in response.text


def test_a_new_session_sees_masked_until_verified_with_the_app(client, full_member, conversation):
    enrol(client, full_member.user)
    client.logout()
    client.force_login(full_member.user)
    assert leaked(client.get(f"/c/{conversation.token}/").content) == []

    device = TOTPDevice.objects.get(user=full_member.user)
    device.last_t = -1  # the enrolment's code may still be the current one
    device.save()
    response = client.post(
        SECOND_FACTOR_URL, {"code": current_code(device), "next": f"/c/{conversation.token}/"}
    )

    assert response.status_code == 302 and response["Location"] == f"/c/{conversation.token}/"
    assert NAME in client.get(f"/c/{conversation.token}/").text


def test_a_recovery_code_works_once(client, full_member, conversation):
    code = enrol(client, full_member.user)[0]
    client.logout()
    client.force_login(full_member.user)

    assert client.post(SECOND_FACTOR_URL, {"code": code}).status_code == 302
    assert NAME in client.get(f"/c/{conversation.token}/").text

    client.logout()
    client.force_login(full_member.user)
    response = client.post(SECOND_FACTOR_URL, {"code": code})
    assert response.status_code == 200
    assert "not right, or was used already" in response.text
    assert leaked(client.get(f"/c/{conversation.token}/").content) == []


def test_wrong_codes_are_limited_even_when_the_next_one_is_right(client, full_member, settings):
    enrol(client, full_member.user)
    client.logout()
    client.force_login(full_member.user)
    for _ in range(settings.SECOND_FACTOR_FAILURE_LIMIT):
        client.post(SECOND_FACTOR_URL, {"code": "000000"})

    device = TOTPDevice.objects.get(user=full_member.user)
    device.last_t, device.throttling_failure_count = -1, 0  # django-otp's own wait aside
    device.save()
    response = client.post(SECOND_FACTOR_URL, {"code": current_code(device)})

    assert response.status_code == 200
    assert "Too many wrong codes" in response.text
    assert not client.get("/").wsgi_request.user.is_verified()


def test_a_business_that_does_not_require_it_shows_full_viewers_in_full(
    client, full_member, business, conversation
):
    Business.objects.filter(pk=business.pk).update(require_second_factor=False)

    response = client.get(f"/c/{conversation.token}/")

    assert NAME in response.text
    assert SECOND_FACTOR_URL not in response.text


def test_a_masked_viewer_is_not_prompted(client, business, conversation):
    client.force_login(MembershipFactory(business=business, agent=True).user)

    response = client.get(f"/c/{conversation.token}/")

    assert SECOND_FACTOR_URL not in response.text
    assert not response.context["viewer"].awaits_second_factor


@pytest.mark.parametrize(
    "path",
    [
        "my-chats/",
        "business/",
        "business/?q=Ravindra",
        "search/?q=Ravindra",
        "teams/",
        "analytics/messages/messages.csv",
    ],
)
def test_every_business_page_is_masked_until_verified(
    client, full_member, business, conversation, path
):
    response = client.get(f"/b/{business.slug}/{path}")

    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    # The search box and the banner's way back hold what the viewer typed; nothing else may.
    typed = re.compile(rb'value="Ravindra"|%3DRavindra"')
    assert leaked(typed.sub(b"", body)) == []


def test_chat_updates_are_masked_until_verified(client, full_member, conversation):
    response = client.get(f"/c/{conversation.token}/updates/?after=0")

    assert response.status_code == 200
    assert leaked(response.content) == []


def test_attachments_open_only_once_verified(client, full_member, business):
    import_ok(
        bot_record(business.slug),
        planted_rich_conversation_record(
            business=business.slug, agent=full_member.user.get_username()
        ),
    )
    rich = Conversation.objects.get(business=business, external_id="planted-rich")
    message = rich.messages.get(external_id="r5")
    attachment = f"/c/{rich.token}/media/{message.pk}/a0/"

    assert client.get(attachment).status_code == 404
    enrol(client, full_member.user)
    assert client.get(attachment).status_code == 302


def test_an_admin_resets_a_members_factor_and_it_is_audited(client, business, conversation):
    member = MembershipFactory(business=business, agent=True, view_personal_details=True)
    admin = MembershipFactory(business=business, admin=True, view_personal_details=True)
    client.force_login(member.user)
    enrol(client, member.user)
    member_client = client
    admin_client = Client()
    admin_client.force_login(admin.user)
    enrol(admin_client, admin.user)

    response = admin_client.post(
        reverse("console-reset-second-factor", args=[business.slug, member.pk])
    )

    assert response.status_code == 302
    assert factor.authenticator(member.user) is None
    signed_out = member_client.get(f"/c/{conversation.token}/")
    assert signed_out.status_code == 302 and signed_out["Location"].startswith("/accounts/login/")
    entry = AuditEntry.objects.get(business=business, kind=AuditEntry.Kind.STAFF)
    assert entry.what == f"Reset the second factor of {member.user.get_username()}"
    assert entry.actor_name == admin.user.get_username()


def test_an_unverified_admin_may_not_reset_a_factor(client, business):
    member = MembershipFactory(business=business, agent=True)
    factor.enrolling_authenticator(member.user)
    TOTPDevice.objects.filter(user=member.user).update(confirmed=True)
    admin = MembershipFactory(business=business, admin=True, view_personal_details=True)
    client.force_login(admin.user)

    response = client.post(reverse("console-reset-second-factor", args=[business.slug, member.pk]))

    assert response.status_code == 403
    assert factor.authenticator(member.user) is not None


def test_only_a_verified_admin_stops_requiring_the_factor(client, business):
    admin = MembershipFactory(business=business, admin=True, view_personal_details=True)
    client.force_login(admin.user)
    data = {"name": business.name, "timezone": business.timezone}
    settings_url = reverse("console-settings", args=[business.slug])

    refused = client.post(settings_url, data)
    assert refused.status_code == 200
    assert "verified in this session" in refused.text
    business.refresh_from_db()
    assert business.require_second_factor

    enrol(client, admin.user)
    assert client.post(settings_url, data).status_code == 302
    business.refresh_from_db()
    assert not business.require_second_factor
    assert re.search(
        "second factor required yes → no",
        AuditEntry.objects.get(business=business, kind=AuditEntry.Kind.SETTINGS).what,
    )


def test_only_a_verified_admin_counts_the_identity_providers_second_factor(client, business):
    admin = MembershipFactory(business=business, admin=True, view_personal_details=True)
    client.force_login(admin.user)
    data = {
        "name": business.name,
        "timezone": business.timezone,
        "require_second_factor": "on",
        "trust_idp_second_factor": "on",
    }
    settings_url = reverse("console-settings", args=[business.slug])

    refused = client.post(settings_url, data)
    assert refused.status_code == 200
    assert refused.context["form"].errors["trust_idp_second_factor"] == [
        "Only an admin who sees personal data in full, verified in this session, can count the "
        "identity provider's second factor."
    ]
    business.refresh_from_db()
    assert not business.trust_idp_second_factor

    enrol(client, admin.user)
    assert client.post(settings_url, data).status_code == 302
    business.refresh_from_db()
    assert business.trust_idp_second_factor
    assert (
        "identity provider's second factor counted no → yes"
        in AuditEntry.objects.get(business=business, kind=AuditEntry.Kind.SETTINGS).what
    )
