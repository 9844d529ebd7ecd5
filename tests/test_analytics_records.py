"""Import records shared by the analytics tests, and a check that they import cleanly.

The analytics tests import their data through `import_records`, as the bot platforms do, so
the rollups are built by the importer itself.
"""

import datetime as dt

import pytest

from conversations.models import Business
from ingest.importer import import_records
from tests.pii import (
    AADHAAR,
    AADHAAR_GROUPED,
    ACCOUNT,
    CARD,
    EMAIL,
    NAME,
    PAN_ENTITY,
    PHONE,
    TYPED_PAN,
)

BUSINESS = "acme"
TIMEZONE = "Asia/Kolkata"
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
DAY = dt.date(2026, 10, 1)


def setup_records(slug=BUSINESS):
    """A business with two bots (one with personal entities), a team and an agent."""
    return [
        {"type": "business", "slug": slug, "name": slug.title(), "timezone": TIMEZONE},
        {
            "type": "bot",
            "business": slug,
            "slug": "support",
            "name": "Support",
            "entities": [
                {"name": "pan_number", "personal": True},
                {"name": "account_number", "personal": True},
                {"name": "city", "personal": False},
            ],
        },
        {"type": "bot", "business": slug, "slug": "sales", "name": "Sales"},
        {"type": "team", "business": slug, "slug": "cards", "name": "Cards"},
        {
            "type": "staff",
            "business": slug,
            "username": f"{slug}-asha",
            "password": "asha-pass-1",
            "roles": ["agent"],
            "teams": ["cards"],
        },
    ]


def at(day=DAY, hour=10, minute=0):
    """An ISO timestamp in the business's time zone."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=IST).isoformat()


def message(message_id, text, *, sender="user", when=None, bot_break=False, agent=None):
    record = {"id": message_id, "at": when or at(), "sender": sender, "text": text}
    if bot_break:
        record["bot_break"] = True
    if agent:
        record["agent"] = agent
    return record


def conversation(conversation_id, messages=(), *, business=BUSINESS, user="u-1", **fields):
    """A conversation record; `user` is an id or a whole user object, `fields` override the
    defaults (bot, channel, started_at, ...)."""
    record = {
        "type": "conversation",
        "id": conversation_id,
        "business": business,
        "bot": "support",
        "channel": "web",
        "user": user if isinstance(user, dict) else {"id": user},
        "started_at": at(),
        "messages": list(messages),
    }
    record.update(fields)
    return record


def planted_conversation_record(conversation_id="planted", business=BUSINESS):
    """A rated, agent-handled conversation carrying the PII of tests/pii.py in every field that
    analytics shows: user details, bot-break messages, the review, even the user id."""
    agent = f"{business}-asha"
    return conversation(
        conversation_id,
        [
            message("p1", f"Hi, I am {NAME}, mail me at {EMAIL}, call 98200 12345", bot_break=True),
            message(
                "p2",
                "Sure Ravindra, what is your PAN? Is your card 4111111111111111?",
                sender="bot",
            ),
            message("p3", f"PAN {PAN_ENTITY}, account {ACCOUNT}, my card {CARD}", bot_break=True),
            message(
                "p4", f"Also {TYPED_PAN} and Aadhaar {AADHAAR_GROUPED} ({AADHAAR})", bot_break=True
            ),
            message("p5", f"{NAME.split()[1]} card blocked", bot_break=True),
            message("p6", "Conversation transferred to an agent", sender="system"),
            message("p7", f"Noted {NAME}, card blocked", sender="agent", agent=agent),
        ],
        business=business,
        user={
            "id": "919820012345",
            "name": NAME,
            "email": EMAIL,
            "phone": PHONE,
            "attributes": {"pan_number": PAN_ENTITY, "account_number": ACCOUNT, "city": "Pune"},
        },
        agent=agent,
        team="cards",
        csat={
            "rating": 2,
            "review": f"{NAME.split()[1]} here, call me on 98200-12345",
            "at": at(hour=11),
        },
    )


def import_ok(*records):
    result = import_records((f"record {index}", record) for index, record in enumerate(records))
    assert result.ok, result.errors
    return result


@pytest.mark.django_db
def test_the_shared_records_import_cleanly():
    import_ok(*setup_records(), planted_conversation_record())

    assert Business.objects.get(slug=BUSINESS).conversations.get().message_count == 7
