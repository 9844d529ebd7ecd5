"""Production settings, headers, sign-in lockout, rate limits, escaping, and failing databases."""

import os
import secrets
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.utils.html import escape

from conversations.models import ApiKey
from tests.factories import (
    PASSWORD,
    BusinessFactory,
    ConversationFactory,
    MembershipFactory,
    MessageFactory,
)
from tests.test_settings import ROOT

pytestmark = pytest.mark.django_db


@pytest.mark.slow  # manage.py check --deploy, in a new Python process
def test_deploy_checks_pass_with_production_settings():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="chat.example.com",
        DJANGO_SETTINGS_MODULE="chatlinks.settings",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_send_a_strict_content_security_policy(client):
    client.force_login(MembershipFactory().user)

    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_sign_in_locks_out_after_repeated_failures(client):
    user = MembershipFactory().user

    statuses = [
        client.post(
            "/accounts/login/", {"username": user.username, "password": "wrong"}
        ).status_code
        for _ in range(5)
    ]
    locked = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks the account

    assert locked.status_code == 429
    assert b"Too many sign-in attempts" in locked.content
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_resets_the_count(client):
    user = MembershipFactory().user
    for _ in range(4):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302


def test_import_api_is_rate_limited_per_key(client, settings):
    settings.IMPORT_RATE_PER_MINUTE = 3
    _, key = ApiKey.issue(BusinessFactory())
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    statuses = [
        client.post("/api/v1/import", "[]", content_type="application/json", **headers).status_code
        for _ in range(5)
    ]

    assert statuses == [200, 200, 200, 429, 429]


HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '"><svg onload=alert(1)>',
]


def test_message_text_is_rendered_inert(client):
    conversation = ConversationFactory(csat_rating=1, csat_review=HOSTILE[0])
    for text in [*HOSTILE, "x" * 5000]:
        MessageFactory(conversation=conversation, text=text)
    client.force_login(
        MembershipFactory(
            business=conversation.business, agent=True, view_personal_details=True
        ).user
    )

    html = client.get(f"/c/{conversation.token}/").content.decode()

    for text in HOSTILE:
        assert text not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    for text in HOSTILE[1:]:
        assert escape(text) in html
    assert "x" * 5000 in html  # kept whole; the stylesheet wraps it (overflow-wrap: anywhere)


def test_a_database_outage_answers_503_not_a_traceback(client, monkeypatch):
    conversation = ConversationFactory()
    client.force_login(MembershipFactory(business=conversation.business, agent=True).user)
    client.raise_request_exception = False

    def database_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("chats.views.chat_page", database_down)
    response = client.get(f"/c/{conversation.token}/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"Temporarily unavailable" in response.content
    assert b"Traceback" not in response.content
