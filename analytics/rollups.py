"""Keeping the daily rollups of analytics.models in step with conversations and messages.

What one conversation adds to the rollups is a function of its state: its bot, channel, agent,
start day and rating, what is known about its end user (the values masking hides), and its
messages. A `Tally` collects such additions and subtractions and saves their sum as upserts,
a few queries whatever its size.

The writer keeps the rollups up to date in the transaction of each batch: `RollupUpdate`
notes the state the rollups counted before the batch changes anything, then subtracts what that
state added and adds what the new state adds. Only what can have changed is recounted: the new
and changed messages, or every message of a conversation whose bot, channel, agent or known
user values changed (the masking, and so the phrases, depend on them), and the user messages of
the other conversations of an end user whose known values changed. Other user details, such as
a non-personal entity that a bot collects anew in every conversation, change no count.

What the counting depends on besides the data (the entities marked personal, the business's
time zone, the stop words of analytics.phrases) is recounted from scratch by `rebuild`, which
the writer (ingest.writer) runs as a background job whenever one of them changes; and so is
every business once after an upgrade that changed how they are counted (ROLLUPS_VERSION).

Besides the daily counts, each conversation has its ConversationFacts: who handled it and how
fast. They depend on all its messages, so the facts of every conversation a batch touches are
worked out again from its stored and new messages and written over the old ones.

A conversation was handed over when it has an agent, an agent wrote in it, or the platform
says it waits for or is with one. The hand-over is the first system message ("Conversation
transferred to …") before the agent's first message; the first response time runs from it to
the agent's first public message, and the resolution time from it (or from the start, for a
conversation the bot kept) to the end of a closed conversation.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Model, Q

from analytics.models import (
    NOT_RATED,
    ROLLUPS,
    ConversationFacts,
    DailyConversationCount,
    DailyMessageCount,
    DailyPhraseCount,
)
from analytics.phrases import phrases_around
from conversations import bulk
from conversations.models import (
    Business,
    Conversation,
    ConversationStatus,
    EndUser,
    Message,
    Sender,
)
from rules.masking import PersonalValues
from rules.redaction import masker_for, personal_entity_names_by_business, personal_values

# The message fields the rollups count; a message whose fields are all unchanged is skipped.
COUNTED_MESSAGE_FIELDS = ("sent_at", "sender", "bot_break", "text", "private")
REBUILD_BATCH = 500
# Raised whenever what the rollups count changes (phrases as typed, 2; the facts of each
# conversation, 3): every business is then recounted once after migrate (ingest.apps).
ROLLUPS_VERSION = 3
# The states in which the platform says a conversation is with, or waits for, an agent.
WITH_AN_AGENT = {
    ConversationStatus.QUEUED,
    ConversationStatus.WITH_AGENT,
    ConversationStatus.WAITING_FOR_USER,
}
FACT_FIELDS = [
    field.name
    for field in ConversationFacts._meta.concrete_fields
    if not field.primary_key and field.name not in ConversationFacts.KEY
]


@dataclass(frozen=True)
class MessageContext:
    """What a conversation's messages are counted under, besides their own fields."""

    business_id: int
    tzinfo: ZoneInfo
    bot_id: int
    channel: str
    handled: bool
    known: PersonalValues

    def day(self, moment: datetime) -> date:
        return moment.astimezone(self.tzinfo).date()


@dataclass(frozen=True)
class ConversationState:
    context: MessageContext
    day: date
    agent_id: int
    rating: int


@dataclass(frozen=True)
class ConversationFields:
    """A copy of the fields of a conversation that the rollups depend on."""

    business_id: int
    bot_id: int
    channel: str
    agent_id: int | None
    started_at: datetime
    csat_rating: int | None
    end_user_id: int

    @classmethod
    def of(cls, conversation):
        return cls(**{name: getattr(conversation, name) for name in cls.__dataclass_fields__})


def business_timezones(business_ids):
    return {
        pk: ZoneInfo(name)
        for pk, name in Business.objects.filter(pk__in=business_ids).values_list("pk", "timezone")
    }


def conversation_state(conversation, end_user, timezones, personal_names):
    """`conversation` may be a Conversation or its ConversationFields."""
    context = MessageContext(
        business_id=conversation.business_id,
        tzinfo=timezones[conversation.business_id],
        bot_id=conversation.bot_id,
        channel=conversation.channel,
        handled=conversation.agent_id is not None,
        known=personal_values(end_user, personal_names[conversation.business_id]),
    )
    return ConversationState(
        context=context,
        day=context.day(conversation.started_at),
        agent_id=conversation.agent_id or 0,
        rating=conversation.csat_rating or NOT_RATED,
    )


def _seconds(since, until):
    return max(0, round((until - since).total_seconds()))


def conversation_facts(conversation, messages, tzinfo):
    """The ConversationFacts of a stored or new `conversation` with all its `messages`."""
    public = sorted((m for m in messages if not m.private), key=lambda m: m.sent_at)
    first_answer = next((m.sent_at for m in public if m.sender == Sender.AGENT), None)
    handover = next(
        (
            m.sent_at
            for m in public
            if m.sender == Sender.SYSTEM and (first_answer is None or m.sent_at <= first_answer)
        ),
        None,
    )
    handed_over = (
        conversation.agent_id is not None
        or first_answer is not None
        or conversation.status in WITH_AN_AGENT
    )
    closed = conversation.is_closed
    since = handover if handed_over and handover else conversation.started_at
    return ConversationFacts(
        business_id=conversation.business_id,
        conversation_id=conversation.pk,
        day=conversation.started_at.astimezone(tzinfo).date(),
        bot_id=conversation.bot_id,
        channel=conversation.channel,
        agent_id=conversation.agent_id or 0,
        team_id=conversation.team_id or 0,
        rating=conversation.csat_rating or NOT_RATED,
        handed_over=handed_over,
        closed=closed,
        first_response=_seconds(handover, first_answer) if handover and first_answer else None,
        resolution=_seconds(since, conversation.ended_at)
        if closed and conversation.ended_at
        else None,
    )


class Tally:
    """Differences to the rollups, keyed like each rollup's unique key (its KEY fields), and
    the conversations whose facts are written anew (a ConversationFacts) or taken out (None)."""

    def __init__(self):
        self.deltas: dict[type[Model], Counter[tuple[Any, ...]]] = {
            model: Counter() for model in ROLLUPS
        }
        self.facts: dict[tuple[int, int], ConversationFacts | None] = {}

    def note_facts(self, conversation, messages, tzinfo):
        self.facts[(conversation.business_id, conversation.pk)] = conversation_facts(
            conversation, messages, tzinfo
        )

    def drop_facts(self, conversation):
        self.facts[(conversation.business_id, conversation.pk)] = None

    def count_conversation(self, state, sign=1):
        context = state.context
        key = (context.business_id, state.day, context.bot_id, context.channel)
        self.deltas[DailyConversationCount][(*key, state.agent_id, state.rating)] += sign

    def count_message(self, context, message, sign=1, spans=None):
        """`spans`: where the masking finds personal values in the message's text, if the
        caller knows already (`Masker.find` with `context.known`)."""
        if message.private:
            return  # an agent's internal note is no part of what analysts count or read
        day = context.day(message.sent_at)
        key = (context.business_id, day, context.bot_id, context.channel, message.sender)
        self.deltas[DailyMessageCount][(*key, message.bot_break, context.handled)] += sign
        if message.sender != Sender.USER:
            return
        phrases = self.deltas[DailyPhraseCount]
        if spans is None:
            spans = masker_for(context.known).find(message.text)
        for size, phrase in phrases_around(message.text, spans):
            key = (context.business_id, size, message.bot_break, day, context.bot_id)
            phrases[(*key, context.channel, phrase)] += sign

    def save(self, models=ROLLUPS):
        for model in models:
            if model is ConversationFacts:
                self._save_facts()
                continue
            deltas = self.deltas[model]
            changes = {key: delta for key, delta in deltas.items() if delta}
            if changes:
                _add_counts(model, changes)
            if any(delta < 0 for delta in changes.values()):
                _delete_emptied(model, [key for key, delta in changes.items() if delta < 0])

    def _save_facts(self):
        dropped = [key for key, facts in self.facts.items() if facts is None]
        by_business = defaultdict(list)
        for business_id, conversation_id in dropped:
            by_business[business_id].append(conversation_id)
        for business_id, conversation_ids in by_business.items():
            ConversationFacts.objects.filter(
                business_id=business_id, conversation_id__in=conversation_ids
            ).delete()
        ConversationFacts.objects.bulk_create(
            [facts for facts in self.facts.values() if facts is not None],
            batch_size=1000,
            update_conflicts=True,
            unique_fields=ConversationFacts.KEY,
            update_fields=FACT_FIELDS,
        )


def _add_counts(model, changes):
    """Add each delta to its row, creating the missing rows: one multi-row upsert (a few on
    SQLite)."""
    fields = [model._meta.get_field(name) for name in [*model.KEY, "count"]]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [quote(field.column) for field in fields]
    count = columns[-1]
    # ON CONFLICT ... DO UPDATE is understood alike by PostgreSQL and SQLite; the ORM's
    # bulk_create(update_conflicts=True) can only overwrite a count, not add to it.
    upsert = (
        f"ON CONFLICT ({', '.join(columns[:-1])}) DO UPDATE "
        f"SET {count} = {table}.{count} + EXCLUDED.{count}"
    )
    rows = [(*key, delta) for key, delta in changes.items()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows as one JSON parameter, read by the server: the driver need not parse a
            # statement of a hundred thousand placeholders (a fifth of an import), nor quote
            # arrays of values one by one in Python (a tenth of what is left).
            typed = ", ".join(
                f"(row->>{index})::{field.db_type(connection)}"
                for index, field in enumerate(fields)
            )
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - quoted names
                f"SELECT {typed} FROM json_array_elements(%s::json) AS row {upsert}",
                [bulk.as_json(rows)],
            )
            return
        values = [
            [
                field.get_db_prep_value(value, connection)
                for field, value in zip(fields, row, strict=True)
            ]
            for row in rows
        ]
        placeholder = f"({', '.join(['%s'] * len(columns))})"
        batch_size = connection.ops.bulk_batch_size(fields, values)
        for start in range(0, len(values), batch_size):
            batch = values[start : start + batch_size]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - quoted names
                f"VALUES {', '.join([placeholder] * len(batch))} {upsert}",
                [value for row in batch for value in row],
            )


def _delete_emptied(model, keys):
    """Rows that fell to zero are deleted, so the rollups hold only what exists."""
    business_at, day_at = model.KEY.index("business"), model.KEY.index("day")
    model.objects.filter(
        business_id__in={key[business_at] for key in keys},
        day__in={key[day_at] for key in keys},
        count__lte=0,
    ).delete()


def _counted(message):
    return tuple(getattr(message, name) for name in COUNTED_MESSAGE_FIELDS)


class RollupUpdate:
    """The rollups' share of one importer batch; see the module docstring.

    Create it before the batch changes anything, with the batch's records (for their end
    users), the existing conversations it touches (the instances the importer then updates)
    and their stored messages (as loaded, by conversation id and message external id); then
    `count_new_message` for each message it adds, and `save` once everything is written.
    """

    def __init__(
        self,
        records: Iterable[Any],
        existing_conversations: Iterable[Conversation],
        stored_messages: Any,
    ) -> None:
        self.existing_conversations = list(existing_conversations)
        self.conversations_before = {
            conversation.pk: ConversationFields.of(conversation)
            for conversation in self.existing_conversations
        }
        self.stored_messages = stored_messages
        users = Q(pk__in=[fields.end_user_id for fields in self.conversations_before.values()])
        user_ids: defaultdict[int, set[str]] = defaultdict(set)
        for record in records:
            user_ids[record.business_id].add(record.user_id)
        for business_id, external_ids in user_ids.items():
            users |= Q(business_id=business_id, external_id__in=external_ids)
        self.users_before = {user.pk: user for user in EndUser.objects.filter(users)}
        # {pk: end user} whose values known to the masking the batch changed; set by `save`.
        self.users_with_changed_values: dict[int, EndUser] = {}
        # The batch's conversations are all of the businesses of its records.
        business_ids = set(user_ids)
        self.timezones = business_timezones(business_ids)
        self.personal = personal_entity_names_by_business(business_ids)
        self.tally = Tally()
        self.new_message_contexts: dict[int, MessageContext] = {}  # by conversation id
        # The batch's new messages by conversation id, for the conversations' facts.
        self.new_messages: defaultdict[int, list[Message]] = defaultdict(list)

    def state(self, conversation, end_user):
        return conversation_state(conversation, end_user, self.timezones, self.personal)

    def count_new_message(
        self,
        conversation: Conversation,
        message: Message,
        spans: list[tuple[int, int, str]] | None = None,
    ) -> None:
        """Count a message that the batch adds to `conversation` (saved, as the batch leaves
        it); `spans` as `Tally.count_message` takes them."""
        context = self.new_message_contexts.get(conversation.pk)
        if context is None:
            context = self.state(conversation, conversation.end_user).context
            self.new_message_contexts[conversation.pk] = context
        self.tally.count_message(context, message, spans=spans)
        self.new_messages[conversation.pk].append(message)

    def save(
        self,
        new_conversations: Iterable[Conversation],
        changed_messages: Iterable[Message],
    ) -> None:
        """Count the batch's conversations, now saved with their end users, and the messages
        it changed (with the same primary keys as the stored ones), beside the new ones
        counted already."""
        conversations = [*new_conversations, *self.existing_conversations]
        changed = {message.pk: message for message in changed_messages}
        changed_users = self._users_with_changed_values(conversations, self.personal)
        self.users_with_changed_values = changed_users
        others, other_messages = _user_messages_elsewhere(changed_users, conversations)
        state, tally = self.state, self.tally
        for conversation in conversations:
            after = state(conversation, conversation.end_user)
            tally.count_conversation(after)
            kept = self.stored_messages.get(conversation.pk, {}).values()
            tally.note_facts(
                conversation,
                [*(changed.get(m.pk, m) for m in kept), *self.new_messages[conversation.pk]],
                after.context.tzinfo,
            )
            fields = self.conversations_before.get(conversation.pk)
            if fields is None:
                continue
            before = state(fields, self.users_before[fields.end_user_id])
            tally.count_conversation(before, -1)
            for stored in self.stored_messages.get(conversation.pk, {}).values():
                current = changed.get(stored.pk, stored)
                if before.context != after.context or _counted(current) != _counted(stored):
                    tally.count_message(before.context, stored, -1)
                    tally.count_message(after.context, current)

        for conversation in others:
            before = state(conversation, self.users_before[conversation.end_user_id])
            after = state(conversation, changed_users[conversation.end_user_id])
            for message in other_messages[conversation.pk]:
                tally.count_message(before.context, message, -1)
                tally.count_message(after.context, message)
        tally.save()

    def _users_with_changed_values(self, conversations, personal_names):
        """{pk: end user} of the batch's existing end users whose values known to the masking
        (`personal_values`) it changed."""

        def known(end_user):
            return personal_values(end_user, personal_names[end_user.business_id])

        return {
            conversation.end_user.pk: conversation.end_user
            for conversation in conversations
            if conversation.end_user.pk in self.users_before
            and known(conversation.end_user) != known(self.users_before[conversation.end_user.pk])
        }


def _user_messages_elsewhere(end_users, conversations):
    """The other conversations of `end_users` than `conversations`, and their user messages:
    masked with the users' new details, their texts may hold other phrases."""
    if not end_users:
        return [], {}
    others = list(
        Conversation.objects.filter(end_user_id__in=end_users).exclude(
            pk__in=[conversation.pk for conversation in conversations]
        )
    )
    messages = defaultdict(list)
    for message in Message.objects.filter(conversation__in=others, sender=Sender.USER).only(
        "conversation_id", *COUNTED_MESSAGE_FIELDS
    ):
        messages[message.conversation_id].append(message)
    return others, messages


def rebuild(
    business: Business,
    batch_size: int = REBUILD_BATCH,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Recount every rollup of `business` from its conversations and messages.

    One transaction: readers see the old counts until the new ones are complete, and the
    business row stays locked, so an import of the same business waits instead of adding
    differences to half-rebuilt rows. `progress(done, total)`, if given, is called after each
    batch of conversations.
    """
    with transaction.atomic():
        locked = Business.objects.locked(business.pk)
        for model in ROLLUPS:
            model._default_manager.filter(business=locked).delete()
        timezones = {locked.pk: locked.tzinfo}
        personal = personal_entity_names_by_business([locked.pk])
        conversations = Conversation.objects.filter(business=locked).select_related("end_user")
        total = conversations.count() if progress else 0
        done, last_pk = 0, 0
        while batch := list(conversations.filter(pk__gt=last_pk).order_by("pk")[:batch_size]):
            _count_stored(batch, timezones, personal).save()
            last_pk = batch[-1].pk
            done += len(batch)
            if progress:
                progress(done, max(total, done))


def _count_stored(conversations, timezones, personal, sign=1):
    """A Tally of what stored `conversations` (their end users loaded) and their messages add
    to the rollups (sign 1), or of taking it away (-1)."""
    messages = defaultdict(list)
    for message in Message.objects.filter(conversation__in=conversations).only(
        "conversation_id", *COUNTED_MESSAGE_FIELDS
    ):
        messages[message.conversation_id].append(message)
    tally = Tally()
    for conversation in conversations:
        state = conversation_state(conversation, conversation.end_user, timezones, personal)
        tally.count_conversation(state, sign)
        for message in messages[conversation.pk]:
            tally.count_message(state.context, message, sign)
        if sign > 0:
            tally.note_facts(conversation, messages[conversation.pk], state.context.tzinfo)
        else:
            tally.drop_facts(conversation)
    return tally


def uncount(conversations: list[Conversation], models: Iterable[type[Model]] = ROLLUPS) -> None:
    """Take what stored `conversations` (their end users loaded) counted out of the rollups
    of `models`, before they are deleted (ingest.lifecycle), in the deletion's transaction.
    The same counting as `rebuild`'s, so the rollups end as a rebuild without them would
    leave them; should what they were counted with have changed meanwhile, the recount that
    such a change queues counts them afresh."""
    conversations = list(conversations)
    if not conversations:
        return
    business_ids = {conversation.business_id for conversation in conversations}
    tally = _count_stored(
        conversations,
        business_timezones(business_ids),
        personal_entity_names_by_business(business_ids),
        sign=-1,
    )
    tally.save(models)
