"""Every demo conversation, opened by every demo role, shows exactly what the spec's table says."""

import base64
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conversations.models import Business, Conversation
from demo.records import DEMO_AUTHENTICATOR_KEY
from rules.access import Access
from rules.redaction import personal_entity_names

ROLES = {
    "acme_agent": Access.FULL,
    "acme_agent_masked": Access.MASKED,
    "acme_lead": Access.FULL,
    "acme_lead_masked": Access.MASKED,
    "acme_admin": Access.FULL,
    "acme_admin_masked": Access.MASKED,
    "acme_analyst": Access.ANALYTICS,
    "acme_analyst_perm": Access.ANALYTICS,
    "shopkart_admin": Access.NONE,
}


def personal_strings(conversation, personal_entities):
    """The end user's values that a masked page must not show, in the forms they are typed."""
    user = conversation.end_user
    values = [part for part in re.split(r"[\s.,\-]+", user.name) if len(part) >= 3]
    values.append(user.email)
    digits = re.sub(r"\D", "", user.phone)[-10:]
    if digits:
        values += [digits, f"{digits[:5]} {digits[5:]}", user.phone]
    values += [
        str(value)
        for name, value in user.attributes.items()
        if name in personal_entities and len(str(value)) >= 3
    ]
    return [value for value in values if value]


@pytest.mark.slow
@pytest.mark.django_db
def test_every_demo_conversation_for_every_role(client):
    # One test for all roles: loading the demo once keeps the suite fast.
    printed = io.StringIO()
    call_command("seed_demo", conversations=40, stdout=printed, stderr=io.StringIO())
    business = Business.objects.get(slug="acme-bank")
    assert business.require_second_factor
    assert not Business.objects.get(slug="shopkart").require_second_factor
    key = base64.b32encode(bytes.fromhex(DEMO_AUTHENTICATOR_KEY)).decode()
    assert f"add the key {key}" in printed.getvalue()
    personal_entities = personal_entity_names(business.pk)
    conversations = Conversation.objects.filter(business=business).select_related(
        "end_user", "agent"
    )
    assert conversations.count() > 10

    for username, expected in ROLES.items():
        client.force_login(get_user_model().objects.get(username=username))
        if username.startswith("acme_"):
            verify_with_the_demo_key(client)
        check_role_sees(client, username, expected, conversations, personal_entities)


def verify_with_the_demo_key(client):
    """Enter the code an authenticator app given the printed demo key shows now."""
    code = TOTP(TOTPDevice(key=DEMO_AUTHENTICATOR_KEY).bin_key).token()
    response = client.post("/accounts/second-factor/", {"code": f"{code:06d}"})
    assert response.status_code == 302


def check_role_sees(client, username, expected, conversations, personal_entities):
    for conversation in conversations:
        response = client.get(f"/c/{conversation.token}/")
        if expected is Access.NONE:
            assert response.status_code == 404
            continue
        assert response.context["viewer"].access is expected
        html = response.content.decode().lower()
        if conversation.agent:  # a staff member is shown by name, never by username
            assert conversation.agent.get_username() not in html
        shown = [v for v in personal_strings(conversation, personal_entities) if v.lower() in html]
        if expected is Access.FULL:
            assert conversation.end_user.name.lower() in html
        else:
            assert shown == [], f"{username} sees {shown} in {conversation.external_id}"
