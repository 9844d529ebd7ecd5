"""conversations.bulk stores what Django's bulk_create and bulk_update store: on PostgreSQL by
COPY and one UPDATE from JSON rows, elsewhere by Django's own. Run on both (CI runs the suite
on SQLite and on PostgreSQL)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models.signals import post_init

from conversations import bulk
from conversations.models import Conversation, EndUser, Message
from tests.factories import ConversationFactory, EndUserFactory

pytestmark = pytest.mark.django_db

SENT = dt.datetime(2026, 10, 1, 9, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=5.5)))
# Values that quoting, escaping or time zones could spoil on the way.
AWKWARD = "tab\there, new\nline, back\\slash, quote ' and \" , ünïcødé ✓ 𝄞, \\N, null"


def message(conversation, external_id, **values):
    return Message(
        conversation=conversation,
        business_id=conversation.business_id,
        bot_id=conversation.bot_id,
        channel=conversation.channel,
        external_id=external_id,
        sent_at=SENT,
        sender="user",
        text=AWKWARD,
        masked_text=f"masked {AWKWARD}",
        data={"options": [AWKWARD, 1, 2.5, True, None], "nested": {"k": [None]}},
        masked_data={},
        **values,
    )


def stored(messages):
    fields = [f.attname for f in Message._meta.concrete_fields if f.attname != "id"]
    rows = Message.objects.filter(pk__in=[m.pk for m in messages]).order_by("pk")
    return [
        {name: value for name, value in row.items() if name != "external_id"}
        for row in rows.values(*fields)
    ]


def test_insert_stores_what_bulk_create_stores():
    conversation = ConversationFactory()
    copied = [message(conversation, f"copy-{n}", bot_break=n % 2 == 0) for n in range(3)]
    created = [message(conversation, f"orm-{n}", bot_break=n % 2 == 0) for n in range(3)]

    bulk.insert(Message, copied)
    Message.objects.bulk_create(created)

    assert all(m.pk is not None and not m._state.adding for m in copied)
    assert stored(copied) == stored(created)
    assert stored(copied)[0]["sent_at"] == SENT
    assert Message.objects.get(pk=copied[0].pk).text == AWKWARD


def test_objects_inserted_one_by_one_get_their_keys_in_order():
    conversation = ConversationFactory()
    messages = [message(conversation, f"m-{n}") for n in range(4)]

    with bulk.inserting(Message, len(messages)) as insert:
        for each in messages:
            insert(each)

    assert [m.external_id for m in Message.objects.filter(pk__in=[m.pk for m in messages])] == [
        "m-0",
        "m-1",
        "m-2",
        "m-3",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the keys come first on PostgreSQL")
def test_more_objects_than_counted_are_refused():
    conversation = ConversationFactory()

    with pytest.raises(ValueError, match="more objects"), bulk.inserting(Message, 1) as insert:
        insert(message(conversation, "m-1"))
        insert(message(conversation, "m-2"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the keys come first on PostgreSQL")
def test_keys_that_are_not_contiguous_are_reserved_one_by_one():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('conversations_message', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 3")  # noqa: S608 - its name
        try:
            contiguous = bulk.reserve_ids(Message, 1)
            scattered = bulk.reserve_ids(Message, 4)
        finally:
            cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 1")  # noqa: S608

    assert list(scattered) == [contiguous[0] + 3 * step for step in range(1, 5)]


def made(obj):
    """An unsaved object as its attributes and state have it, in their order."""
    state = obj._state
    return [
        (name, (state.db, state.adding, state.fields_cache) if name == "_state" else value)
        for name, value in vars(obj).items()
    ]


def test_maker_makes_what_the_model_makes():
    conversation = ConversationFactory()
    values = {
        "conversation_id": conversation.pk,
        "external_id": "m-1",
        "sent_at": SENT,
        "sender": "user",
        "text": AWKWARD,
        "private": True,
    }
    make = bulk.maker(Message, list(values))

    first, second = make(*values.values()), make(*values.values())

    assert made(first) == made(Message(**values))
    # A default made by a callable is made for each object, as the model makes it.
    assert first.data == first.masked_data == {}
    assert first.data is not second.data and first.masked_data is not second.masked_data


def test_maker_sends_the_init_signals_once_they_have_receivers():
    made_ids = []

    def note(sender, instance, **kwargs):
        made_ids.append(instance.external_id)

    make = bulk.maker(Message, ["external_id", "text"])
    post_init.connect(note, sender=Message)
    try:
        make("m-1", "hello")
    finally:
        post_init.disconnect(note, sender=Message)

    assert made_ids == ["m-1"]


def test_update_writes_what_bulk_update_writes():
    users = EndUserFactory.create_batch(2, attributes={"city": "Pune"})
    conversations = [ConversationFactory(end_user=user, business=user.business) for user in users]
    changed_at = dt.datetime(2026, 11, 2, 8, 0, 0, 654321, tzinfo=dt.UTC)
    for user, write in zip(users, [bulk.update, None], strict=True):
        user.name = AWKWARD
        user.attributes = {"city": AWKWARD, "pincode": 411001, "none": None}
        user.former_personal = [{"name": "Old Name"}]
        if write:
            write(EndUser, [user], ["name", "attributes", "former_personal"])
        else:
            EndUser.objects.bulk_update([user], ["name", "attributes", "former_personal"])
    for conversation, write in zip(conversations, [bulk.update, None], strict=True):
        conversation.csat_at = changed_at
        conversation.csat_rating = None
        if write:
            write(Conversation, [conversation], ["csat_at", "csat_rating"])
        else:
            Conversation.objects.bulk_update([conversation], ["csat_at", "csat_rating"])

    rows = [
        EndUser.objects.values("name", "attributes", "former_personal").get(pk=user.pk)
        for user in users
    ]
    assert rows[0] == rows[1]
    assert rows[0]["attributes"] == {"city": AWKWARD, "pincode": 411001, "none": None}
    times = [
        Conversation.objects.values("csat_at", "csat_rating").get(pk=c.pk) for c in conversations
    ]
    assert times[0] == times[1] == {"csat_at": changed_at, "csat_rating": None}
