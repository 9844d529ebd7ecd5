"""Builders of import records, the one way the tests put conversations in: the import path,
which keeps every derived count true, as it does for the bot platforms; and the check that
the rollups it kept equal a recount."""

import datetime as dt

from analytics.models import ROLLUPS
from analytics.rollups import rebuild
from conversations.models import Business
from ingest.actors import Actor
from ingest.importer import import_records

BUSINESS = "acme"
TIMEZONE = "Asia/Kolkata"
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
DAY = dt.date(2026, 10, 1)
# The tests' imports and settings changes, as `manage.py import_data` makes them.
IMPORT_DATA = Actor.management_command("import_data")
PERSONAL_ENTITIES = ("pan_number", "account_number")


def bot_record(business=BUSINESS, slug="support", name="Support", entities=None):
    """A bot; by default the support bot, collecting two personal entities and a city."""
    if entities is None:
        entities = {**{name: True for name in PERSONAL_ENTITIES}, "city": False}
    return {
        "type": "bot",
        "business": business,
        "slug": slug,
        "name": name,
        "entities": [{"name": name, "personal": personal} for name, personal in entities.items()],
    }


def setup_records(slug=BUSINESS):
    """A business with two bots (one with personal entities), a team and an agent."""
    return [
        {"type": "business", "slug": slug, "name": slug.title(), "timezone": TIMEZONE},
        bot_record(slug),
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


def import_ok(*records):
    result = import_records(
        ((f"record {index}", record) for index, record in enumerate(records)), IMPORT_DATA
    )
    assert result.ok, result.errors
    return result


def rollup_rows(business):
    """{model name: {key: its count, or the tuple of a conversation's facts}} of every rollup
    row of `business`."""
    rows = {}
    for model in ROLLUPS:
        values = [
            field.attname
            for field in model._meta.concrete_fields
            if not field.primary_key and field.name not in model.KEY
        ]
        width = len(model.KEY)
        rows[model.__name__] = {
            tuple(row[:width]): row[width] if len(values) == 1 else row[width:]
            for row in model.objects.filter(business=business).values_list(*model.KEY, *values)
        }
    return rows


def assert_rollups_match_a_recount(slug=BUSINESS):
    business = Business.objects.get(slug=slug)
    kept = rollup_rows(business)
    rebuild(business)
    assert kept == rollup_rows(business)
    return kept
