"""POST /api/v1/import: authenticated by a business API key, never a 500 on bad input."""

import json

import pytest

from conversations.models import ApiKey, Conversation
from tests.factories import BotFactory, BusinessFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/import"


@pytest.fixture
def acme():
    business = BusinessFactory(slug="acme")
    BotFactory(business=business, slug="support")
    return business


@pytest.fixture
def key(acme):
    return ApiKey.issue(acme)[1]


def conversation_record(business="acme", conversation_id="c-1"):
    return {
        "type": "conversation",
        "id": conversation_id,
        "business": business,
        "bot": "support",
        "channel": "web",
        "user": {"id": "u-1", "name": "Ravi Kumar"},
        "started_at": "2026-10-01T09:00:00+05:30",
        "messages": [
            {"id": "m1", "at": "2026-10-01T09:00:00+05:30", "sender": "user", "text": "Hi"}
        ],
    }


def post(client, body, key=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **headers, **extra)


def test_one_record(client, key):
    response = post(client, conversation_record(), key)

    assert response.status_code == 200
    assert response.json() == {
        "imported": {"conversation": 1, "message": 1},
        "results": [{"record": 0, "type": "conversation", "result": "created"}],
        "errors": [],
    }
    assert Conversation.objects.count() == 1


def test_array_of_records_is_idempotent(client, key):
    records = [conversation_record(conversation_id=f"c-{n}") for n in range(3)]

    post(client, records, key)
    response = post(client, records, key)

    assert response.status_code == 200
    assert [result["result"] for result in response.json()["results"]] == ["unchanged"] * 3
    assert Conversation.objects.count() == 3


def test_results_say_created_updated_or_unchanged(client, key):
    post(client, [conversation_record("acme", "c-1"), conversation_record("acme", "c-2")], key)
    edited = conversation_record("acme", "c-2")
    edited["messages"][0]["text"] = "Hello"

    response = post(client, [conversation_record("acme", "c-1"), edited, {"type": 1}], key)

    assert response.status_code == 400
    assert response.json()["results"] == [
        {"record": 0, "type": "conversation", "result": "unchanged"},
        {"record": 1, "type": "conversation", "result": "updated"},
        {"record": 2, "type": "record", "result": "rejected"},
    ]


def test_no_key(client, acme):
    response = post(client, conversation_record())

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Conversation.objects.count() == 0


def test_wrong_key(client, acme):
    response = post(client, conversation_record(), "cl_not-a-real-key")

    assert response.status_code == 401


def test_revoked_key(client, acme, key):
    ApiKey.objects.update(revoked_at="2026-01-01T00:00:00Z")

    assert post(client, conversation_record(), key).status_code == 401


def test_key_of_another_business_cannot_write_here(client, acme):
    other_key = ApiKey.issue(BusinessFactory(slug="other"))[1]

    response = post(client, [conversation_record()], other_key)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "record": 0,
            "field": "conversation.business",
            "message": "belongs to another business than the API key",
        }
    ]
    assert Conversation.objects.count() == 0


def test_staff_records_are_refused(client, key):
    staff = {
        "type": "staff",
        "username": "mallory",
        "password": "x",
        "business": "acme",
        "roles": ["admin"],
        "view_personal_details": True,
    }

    response = post(client, staff, key)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "record": 0,
            "field": "staff",
            "message": "staff records cannot be imported through the API",
        }
    ]


def test_partial_success_reports_errors_and_keeps_good_records(client, key):
    bad = conversation_record(conversation_id="c-2")
    bad["started_at"] = "2026-10-01T09:00:00"

    response = post(client, [conversation_record(), bad], key)

    assert response.status_code == 400
    assert response.json() == {
        "imported": {"conversation": 1, "message": 1},
        "results": [
            {"record": 0, "type": "conversation", "result": "created"},
            {"record": 1, "type": "conversation", "result": "rejected"},
        ],
        "errors": [
            {
                "record": 1,
                "field": "conversation.started_at",
                "message": "timestamp has no UTC offset",
            }
        ],
    }
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize("body", ["{not json", "", "\xff", '"a string"', "42"])
def test_malformed_body(client, key, body):
    response = post(client, body, key)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["record"] is None and error["field"] == "body" and error["message"]


def test_oversized_body(client, key, settings):
    settings.IMPORT_MAX_BODY_BYTES = 1000
    records = [conversation_record(conversation_id=f"c-{n}") for n in range(20)]

    response = post(client, records, key)

    assert response.status_code == 413
    assert Conversation.objects.count() == 0


def test_get_is_not_allowed(client, key):
    response = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 405


def test_the_schema_is_public_and_cacheable(client):
    response = client.get("/api/v1/schema.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    schema = response.json()
    assert schema["discriminator"]["propertyName"] == "type"
    assert set(schema["discriminator"]["mapping"]) == {
        "business",
        "bot",
        "team",
        "staff",
        "conversation",
    }


def test_the_schema_says_the_rules_the_import_applies(client):
    definitions = client.get("/api/v1/schema.json").json()["$defs"]
    message = definitions["MessageRecord"]

    assert set(message["required"]) == {"id", "at", "sender"}
    assert message["properties"]["sender"]["enum"] == ["user", "bot", "agent", "system"]
    assert message["properties"]["at"]["format"] == "date-time"
    assert definitions["ConversationRecord"]["properties"]["messages"]["maxItems"] == 10_000
    assert definitions["BusinessRecord"]["properties"]["slug"]["pattern"] == "^[-a-zA-Z0-9_]+$"
    rating = definitions["CsatRecord"]["properties"]["rating"]
    assert (rating["minimum"], rating["maximum"]) == (1, 5)
