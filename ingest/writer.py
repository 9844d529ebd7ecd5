"""The one writer of businesses, bots, entities, teams, conversations and messages.

Every write path (the import command, the import API, the Django admin, the business's own
settings pages) goes through these functions, because each write keeps what is derived from
the data true in the same transaction: conversations' message counts and last message, the
bot and channel copied onto messages, a business's channel list, and the analytics rollups.
A change of what the derived data is computed with (a business's time zone, the entities
marked personal) schedules a background recount (ingest.tasks). A change of settings, bots,
entities or teams is written to the business's audit log with its actor (ingest.actors), in
the same transaction.

Conversations, the bulk of any import, are written in batches: a few queries per batch, never
one per message.
"""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from django.utils.timezone import localdate

from analytics.rollups import RollupUpdate
from audit.models import AuditEntry
from conversations import bulk
from conversations.models import (
    Bot,
    Business,
    Conversation,
    EndUser,
    Entity,
    ErasedId,
    Message,
    Team,
)
from ingest.actors import Actor
from ingest.copies import (
    MASKED_CONVERSATION_FIELDS,
    MASKED_MESSAGE_FIELDS,
    end_user_masker,
    last_user_message,
    mask_conversation,
    mask_end_user,
    mask_message,
    note_messages,
    remask,
)
from ingest.tasks import schedule_rollup_rebuild
from rules.masking import MASKER_VERSION, Masker, digits_of
from rules.redaction import (
    personal_entity_names,
    personal_entity_names_by_business,
    personal_values,
    remember_former_values,
)

SETTINGS = AuditEntry.Kind.SETTINGS
CONVERSATION_FIELDS = [
    "bot",
    "channel",
    "end_user",
    "started_at",
    "ended_at",
    "agent",
    "team",
    "csat_rating",
    "csat_review",
    "csat_at",
    "status",
    "close_reason",
]
CONVERSATION_UPDATE_FIELDS = [
    *CONVERSATION_FIELDS,
    "message_count",
    "public_message_count",
    "last_message_at",
    "last_user_message_text",
    *MASKED_CONVERSATION_FIELDS,
]
# bot and channel follow the conversation; see _move_messages_of.
MESSAGE_FIELDS = ["sent_at", "sender", "agent", "text", "bot_break", "kind", "data", "private"]
END_USER_FIELDS = [
    "name",
    "email",
    "phone",
    "attributes",
    "masked_external_id",
    "phone_digits",
    "former_personal",
]


# --- Settings: businesses, bots and their entities, teams ------------------------------------


class Keep(enum.Enum):
    """A setting left as it is (where None is a value: retention_days None keeps forever)."""

    KEEP = "keep"


KEEP = Keep.KEEP


def save_business(
    actor: Actor,
    slug: str,
    name: str | None = None,
    timezone: str | None = None,
    retention_days: int | None | Keep = KEEP,
    require_second_factor: bool | None = None,
    trust_idp_second_factor: bool | None = None,
    allow_single_sign_on: bool | None = None,
) -> Business:
    """Create the business `slug`, or change its name, time zone, second-factor requirement,
    trust in the identity provider's second factor and whether it allows single sign-on
    (None: keep them; a new business requires the factor, does not trust the provider's and
    does not allow single sign-on unless told otherwise) and its retention (KEEP: keep it;
    None: keep conversations forever)."""
    business: Business
    with transaction.atomic():
        business, created = Business.objects.select_for_update(no_key=True).get_or_create(
            slug=slug,
            defaults={
                "name": name or slug,
                "timezone": timezone or "UTC",
                "masker_version": MASKER_VERSION,
                "retention_days": None if retention_days is KEEP else retention_days,
                # Left out: the model's defaults.
                **{
                    field: value
                    for field, value in [
                        ("require_second_factor", require_second_factor),
                        ("trust_idp_second_factor", trust_idp_second_factor),
                        ("allow_single_sign_on", allow_single_sign_on),
                    ]
                    if value is not None
                },
            },
        )
        if created:
            actor.audit(business, SETTINGS, f"Created the business {business.slug}")
        else:
            update_business(
                actor,
                business,
                name=name,
                timezone=timezone,
                retention_days=retention_days,
                require_second_factor=require_second_factor,
                trust_idp_second_factor=trust_idp_second_factor,
                allow_single_sign_on=allow_single_sign_on,
            )
    return business


def retention_label(days: int | None) -> str:
    return "forever" if days is None else f"{days} days"


def update_business(
    actor: Actor,
    business: Business,
    *,
    name: str | None = None,
    timezone: str | None = None,
    retention_days: int | None | Keep = KEEP,
    require_second_factor: bool | None = None,
    trust_idp_second_factor: bool | None = None,
    allow_single_sign_on: bool | None = None,
) -> list[str]:
    """Change a business's name, time zone, second-factor requirement, trust in the identity
    provider's second factor or whether it allows single sign-on (None: keep it), or its
    retention (KEEP: keep it); the rollups' days follow a new time zone. No longer requiring a
    second factor, or accepting the identity provider's word for one, shows full viewers
    personal data without ours: a reveal. Returns the changes made, as the audit log words
    them."""
    with transaction.atomic():
        stored = Business.objects.locked(business.pk)
        business.name = name or stored.name
        business.timezone = timezone or stored.timezone
        business.retention_days = (
            stored.retention_days if retention_days is KEEP else retention_days
        )
        if require_second_factor is None:
            require_second_factor = stored.require_second_factor
        business.require_second_factor = require_second_factor
        if stored.require_second_factor and not require_second_factor:
            actor.check_may_reveal(business, "stop requiring a second factor")
        if trust_idp_second_factor is None:
            trust_idp_second_factor = stored.trust_idp_second_factor
        business.trust_idp_second_factor = trust_idp_second_factor
        if trust_idp_second_factor and not stored.trust_idp_second_factor:
            actor.check_may_reveal(business, "count the identity provider's second factor")
        if allow_single_sign_on is None:
            allow_single_sign_on = stored.allow_single_sign_on
        business.allow_single_sign_on = allow_single_sign_on
        if business.retention_days != stored.retention_days:
            # Removing conversations is erasing customers' data, in bulk: a privacy action.
            actor.check_may_reveal(business, "change how long conversations are kept")
        changes = [
            f"{label} {before} → {after}"
            for label, before, after in [
                ("name", stored.name, business.name),
                ("time zone", stored.timezone, business.timezone),
                (
                    "retention",
                    retention_label(stored.retention_days),
                    retention_label(business.retention_days),
                ),
                (
                    "second factor required",
                    yes_no(stored.require_second_factor),
                    yes_no(business.require_second_factor),
                ),
                (
                    "identity provider's second factor counted",
                    yes_no(stored.trust_idp_second_factor),
                    yes_no(business.trust_idp_second_factor),
                ),
                (
                    "single sign-on allowed",
                    yes_no(stored.allow_single_sign_on),
                    yes_no(business.allow_single_sign_on),
                ),
            ]
            if before != after
        ]
        if not changes:
            return changes
        business.save(
            update_fields=[
                "name",
                "timezone",
                "retention_days",
                "require_second_factor",
                "trust_idp_second_factor",
                "allow_single_sign_on",
            ]
        )
        actor.audit(business, SETTINGS, "; ".join(changes))
        if business.timezone != stored.timezone:
            _recount(business, f"time zone changed from {stored.timezone} to {business.timezone}")
    return changes


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def save_bot(
    actor: Actor,
    business: Business,
    slug: str,
    name: str | None = None,
    entities: Mapping[str, bool] | None = None,
) -> Bot:
    """Create or rename the bot `slug`; with `entities` ({name: personal}), those become its
    entities exactly (see `set_entities`)."""
    with transaction.atomic():
        bot = _save_named(actor, Bot, business, slug, name)
        if entities is not None:
            set_entities(actor, bot, entities)
    return bot


def set_entities(actor: Actor, bot: Bot, entities: Mapping[str, bool]) -> None:
    """Make `entities` ({name: personal}) the bot's entities, removing the others.

    When that changes which entities of the business are personal, what the masking hides
    changes: Word Analysis hides its phrases until they are recounted in the background.
    An entity that stops being personal shows its values to everyone: a reveal, refused
    (RevealRefused) unless the actor sees them in full already.
    """
    with transaction.atomic():
        business = Business.objects.locked(bot.business_id)
        personal_before = personal_entity_names(business.pk)
        stored = {entity.name: entity for entity in bot.entities.all()}
        changes = [
            f"Removed entity {name} of bot {bot.slug}" for name in stored if name not in entities
        ]
        bot.entities.exclude(name__in=list(entities)).delete()
        for name, personal in entities.items():
            entity = stored.get(name)
            if entity is None:
                Entity.objects.create(bot=bot, name=name, personal=personal)
                changes.append(f"Added entity {name} of bot {bot.slug}, {_personal(personal)}")
            elif entity.personal != personal:
                entity.personal = personal
                entity.save(update_fields=["personal"])
                changes.append(f"Marked entity {name} of bot {bot.slug} {_personal(personal)}")
        if changes:
            actor.audit(business, SETTINGS, "; ".join(changes))
        personal_after = personal_entity_names(business.pk)
        if revealed := personal_before - personal_after:
            actor.check_may_reveal(business, f"stop masking {', '.join(sorted(revealed))}")
        if personal_after != personal_before:
            changed = ", ".join(sorted(personal_after ^ personal_before))
            _recount(business, f"personal entities changed: {changed}", remasks=True)


def mark_entity(actor: Actor, entity: Entity, personal: bool) -> None:
    """Mark one entity of a bot personal or not, its bot's other entities as they are."""
    bot = entity.bot
    with transaction.atomic():
        entities = dict(bot.entities.values_list("name", "personal"))
        set_entities(actor, bot, {**entities, entity.name: personal})


def _personal(personal: bool) -> str:
    return "personal" if personal else "not personal"


def _recount(business: Business, reason: str, remasks: bool = False) -> None:
    # A business without conversations has no rollups to recount, nor texts to mask.
    if business.conversations.exists():
        schedule_rollup_rebuild(business, reason, remasks=remasks)


def save_team(actor: Actor, business: Business, slug: str, name: str | None = None) -> Team:
    with transaction.atomic():
        return _save_named(actor, Team, business, slug, name)


# A bot or a team: both are named things of a business, found by their slug.
Named = TypeVar("Named", Bot, Team)


def _save_named(
    actor: Actor, model: type[Named], business: Business, slug: str, name: str | None
) -> Named:
    """The bot or team `slug` of the business, created or renamed (name None: kept), audited."""
    what = model._meta.verbose_name
    obj, created = model._default_manager.get_or_create(
        business=business, slug=slug, defaults={"name": name or slug}
    )
    if created:
        actor.audit(business, SETTINGS, f"Added {what} {slug} ({obj.name})")
    elif name and obj.name != name:
        actor.audit(business, SETTINGS, f"Renamed {what} {slug}: {obj.name} → {name}")
        obj.name = name
        obj.save(update_fields=["name"])
    return obj


# --- Conversations ---------------------------------------------------------------------------


@dataclass
class ConversationWrite:
    """One conversation to write, references resolved to ids (see ingest.importer)."""

    locator: str
    business_id: int
    bot_id: int
    external_id: str
    channel: str
    user_id: str  # the end user's external id
    user_details: dict[str, Any]  # only what the record gives: name, email, phone, attributes
    values: dict[str, Any]  # the Conversation fields the record gives
    messages: dict[str, Message] = field(default_factory=dict)  # by external id, unsaved

    def merge(self, later: "ConversationWrite") -> "ConversationWrite":
        """The same conversation twice in one batch: the later one wins, field by field."""
        details = {**self.user_details, **later.user_details}
        if "attributes" in self.user_details and "attributes" in later.user_details:
            details["attributes"] = {
                **self.user_details["attributes"],
                **later.user_details["attributes"],
            }
        later.user_details = details
        later.values = {**self.values, **later.values}
        later.messages = {**self.messages, **later.messages}
        return later


CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class Refused:
    """A conversation the writer did not store: its end user was erased (ingest.lifecycle)."""

    field: str
    reason: str


class _ErasedInBatch(Exception):
    def __init__(self, refusals: dict[tuple[int, str], Refused]):
        super().__init__("conversations of erased end users")
        self.refusals = refusals


def write_conversations(
    writes: list[ConversationWrite], *, wait_for_disk: bool = True
) -> dict[tuple[int, str], str | Refused]:
    """Write a batch of conversations with their end users and messages, in one transaction
    with everything derived from them. Returns, by (business id, external id), whether each
    was created, updated (itself, a message or its end user) or left unchanged, or why it
    was refused: a conversation of an erased end user is never stored again.

    Without `wait_for_disk`, the commit does not wait for the transaction's log to reach the
    disk (PostgreSQL's asynchronous commit), which an import's batches otherwise spend most of
    their waiting on: the caller makes them durable together at its end (`make_durable`). A
    crash of the server before that loses at most the latest batches of an import that then
    fails, and running it again writes them; imports are idempotent. A batch written inside a
    caller's transaction always waits: the setting would change that transaction's commit."""
    refused: dict[tuple[int, str], Refused] = {}
    asynchronous = not wait_for_disk and not transaction.get_connection().in_atomic_block
    while writes:
        try:
            with transaction.atomic():
                if asynchronous:
                    _commit_asynchronously()
                return {**refused, **_ConversationBatch(writes).write()}
        except _ErasedInBatch as erased:
            # Rare (a platform re-sending what was erased): the batch is written again
            # without them, rather than checked before every batch and again under the lock.
            refused.update(erased.refusals)
            writes = [write for write in writes if write_key(write) not in refused]
    return dict(refused)


def _commit_asynchronously() -> None:
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def make_durable() -> None:
    """Wait until every transaction committed before is on disk: a commit that waits for the
    disk writes the log up to its own record, so all that came before it too. Its transaction
    is given an id, without which nothing would be written, nor waited for, at its commit."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()")


def write_key(write: ConversationWrite) -> tuple[int, str]:
    return (write.business_id, write.external_id)


def erased_refusals(writes: list[ConversationWrite]) -> dict[tuple[int, str], Refused]:
    """The writes that bring back an erased end user's data: a conversation erased with
    them, or any conversation of theirs that started before they were erased. One that
    started after is a new person's, who happens to get the same user id."""
    wanted: dict[int, dict[tuple[str, str], list[ConversationWrite]]] = {}
    for write in writes:
        ids = wanted.setdefault(write.business_id, {})
        for kind, external_id in [
            (ErasedId.Kind.CONVERSATION, write.external_id),
            (ErasedId.Kind.USER, write.user_id),
        ]:
            key = ErasedId.key_of(write.business_id, kind, external_id)
            ids.setdefault((kind, key), []).append(write)
    refusals: dict[tuple[int, str], Refused] = {}
    for business_id, ids in wanted.items():
        tombstones = list(
            ErasedId.objects.filter(
                business_id=business_id,
                kind__in=ErasedId.Kind.values,  # the whole unique index serves the lookup
                key__in=[key for _, key in ids],
            )
        )
        if not tombstones:
            continue
        tzinfo = Business.objects.get(pk=business_id).tzinfo
        for tombstone in tombstones:
            erased_on = f"end user erased on {localdate(tombstone.erased_at, tzinfo)}"
            for write in ids.get((tombstone.kind, tombstone.key), []):
                if tombstone.kind == ErasedId.Kind.CONVERSATION:
                    refusals[write_key(write)] = Refused("conversation.id", erased_on)
                elif write.values["started_at"] < tombstone.erased_at:
                    # The conversation's own tombstone, if any, says it more exactly.
                    refusals.setdefault(
                        write_key(write),
                        Refused(
                            "conversation.user.id",
                            f"{erased_on}; a conversation that started after that is kept, as a "
                            "new person's",
                        ),
                    )
    return refusals


class _ConversationBatch:
    def __init__(self, writes: list[ConversationWrite]):
        self.writes = writes
        self.changed_users: set[tuple[int, str]] = set()
        # One masker per end user, for all their texts in the batch.
        self.maskers: dict[tuple[int, str], Masker] = {}

    def write(self) -> dict[tuple[int, str], str]:
        """Conversations first, each with its own fields and copies as the batch leaves it,
        then their new messages: masked, counted and inserted one by one (on PostgreSQL
        streamed to the server, which stores and indexes them meanwhile)."""
        writes = self.writes
        outcomes: dict[tuple[int, str], str] = {}
        existing = self._existing_conversations()
        stored_messages = self._stored_messages(existing.values())
        # Taken before anything changes: the rollups subtract what they counted for it.
        rollups = RollupUpdate(writes, existing.values(), stored_messages)
        personal = personal_entity_names_by_business({write.business_id for write in writes})
        end_users = self._save_end_users(personal)

        new_conversations: list[Conversation] = []
        changed_conversations: list[Conversation] = []
        new_messages: list[tuple[Message, Conversation, Masker]] = []
        changed_messages: list[Message] = []
        moved_conversations: list[Conversation] = []
        for write in writes:
            key = (write.business_id, write.external_id)
            user_key = (write.business_id, write.user_id)
            edits_before = len(new_messages) + len(changed_messages)
            conversation = existing.get(key)
            if conversation is None:
                conversation = Conversation(
                    business_id=write.business_id, external_id=write.external_id
                )
                new_conversations.append(conversation)
                stored: dict[str, Message] = {}
            else:
                stored = stored_messages.get(conversation.pk, {})
                if (conversation.bot_id, conversation.channel) != (write.bot_id, write.channel):
                    moved_conversations.append(conversation)
            before = field_values(conversation, CONVERSATION_UPDATE_FIELDS)
            for name, value in write.values.items():
                setattr(conversation, name, value)
            conversation.end_user = end_users[user_key]
            masker = self.maskers[user_key]
            mask_conversation(conversation, masker)
            for message_id, message in write.messages.items():
                if message_id not in stored:
                    new_messages.append((message, conversation, masker))
                elif field_values(message, MESSAGE_FIELDS) != field_values(
                    stored[message_id], MESSAGE_FIELDS
                ):
                    # Re-sent messages are usually unchanged; only real edits are written.
                    message.pk = stored[message_id].pk
                    mask_message(message, masker)
                    changed_messages.append(message)
                else:
                    message.masked_text = stored[message_id].masked_text
                    message.masked_data = stored[message_id].masked_data
            messages = {**stored, **write.messages}.values()
            # The preview of what the customer last said is masked now, if it is new; the
            # other new messages once the conversation is stored.
            last = last_user_message(messages)
            if last is not None and last.external_id not in stored:
                mask_message(last, masker)
            note_messages(conversation, messages)
            changed = before != field_values(conversation, CONVERSATION_UPDATE_FIELDS)
            if conversation.pk and changed:
                changed_conversations.append(conversation)
            if not conversation.pk:
                outcomes[key] = CREATED
            elif (
                changed
                or len(new_messages) + len(changed_messages) > edits_before
                or user_key in self.changed_users
            ):
                outcomes[key] = UPDATED
            else:
                outcomes[key] = UNCHANGED

        bulk.insert(Conversation, new_conversations)
        bulk.update(Conversation, changed_conversations, CONVERSATION_UPDATE_FIELDS)
        with bulk.inserting(Message, len(new_messages)) as insert:
            for message, conversation, masker in new_messages:
                message.conversation_id = conversation.pk  # which it has now
                spans = mask_message(message, masker)
                rollups.count_new_message(conversation, message, spans)
                insert(message)
        bulk.update(Message, changed_messages, [*MESSAGE_FIELDS, *MASKED_MESSAGE_FIELDS])
        _move_messages_of(moved_conversations)
        self._note_channels()
        # Checked with the businesses locked, as an erasure locks its business: no erasure
        # commits between this check and the batch's commit.
        if refusals := erased_refusals(writes):
            raise _ErasedInBatch(refusals)
        rollups.save(new_conversations, changed_messages)
        # What masking knows of these users changed: their other texts hide it from now on.
        # The batch's new conversations were masked with it already; the others it touched
        # may keep stored messages masked without it.
        if rollups.users_with_changed_values:
            remask(
                Conversation.objects.filter(end_user__in=rollups.users_with_changed_values).exclude(
                    pk__in=[conversation.pk for conversation in new_conversations]
                )
            )
        return outcomes

    def _save_end_users(
        self, personal: dict[int, frozenset[str]]
    ) -> dict[tuple[int, str], EndUser]:
        by_business: dict[int, set[str]] = {}
        for write in self.writes:
            by_business.setdefault(write.business_id, set()).add(write.user_id)
        users: dict[tuple[int, str], EndUser] = {}
        for business_id, external_ids in by_business.items():
            for user in EndUser.objects.filter(
                business_id=business_id, external_id__in=external_ids
            ):
                users[(business_id, user.external_id)] = user
        stored = {key: field_values(user, END_USER_FIELDS) for key, user in users.items()}
        new: dict[tuple[int, str], EndUser] = {}
        for write in self.writes:
            key = (write.business_id, write.user_id)
            if key not in users:
                users[key] = new[key] = EndUser(
                    business_id=write.business_id, external_id=write.user_id
                )
            user = users[key]
            before = field_values(user, END_USER_FIELDS)
            known_before = personal_values(user, personal[write.business_id])
            for name, value in write.user_details.items():
                if name == "attributes":
                    user.attributes = {**user.attributes, **value}
                else:
                    setattr(user, name, value)
            remember_former_values(
                user, known_before, personal_values(user, personal[write.business_id])
            )
            if key in stored and before != field_values(user, END_USER_FIELDS):
                self.changed_users.add(key)
        for key, user in users.items():
            self.maskers[key] = end_user_masker(user, personal[key[0]])
            mask_end_user(user, self.maskers[key])
            user.phone_digits = digits_of(user.phone)
        bulk.insert(EndUser, list(new.values()))
        # Returning users are mostly unchanged: only the rows that differ are written.
        bulk.update(
            EndUser,
            [
                user
                for key, user in users.items()
                if key in stored and field_values(user, END_USER_FIELDS) != stored[key]
            ],
            END_USER_FIELDS,
        )
        return users

    def _existing_conversations(self) -> dict[tuple[int, str], Conversation]:
        by_business: dict[int, list[str]] = {}
        for write in self.writes:
            by_business.setdefault(write.business_id, []).append(write.external_id)
        existing = {}
        for business_id, external_ids in by_business.items():
            for conversation in Conversation.objects.filter(
                business_id=business_id, external_id__in=external_ids
            ):
                existing[(business_id, conversation.external_id)] = conversation
        return existing

    @staticmethod
    def _stored_messages(
        conversations: Iterable[Conversation],
    ) -> dict[int, dict[str, Message]]:
        stored: dict[int, dict[str, Message]] = {}
        ids = [conversation.pk for conversation in conversations]
        if ids:
            for message in Message.objects.filter(conversation_id__in=ids).only(
                "conversation_id", "external_id", *MASKED_MESSAGE_FIELDS, *MESSAGE_FIELDS
            ):
                stored.setdefault(message.conversation_id, {})[message.external_id] = message
        return stored

    def _note_channels(self) -> None:
        channels: dict[int, set[str]] = {}
        for write in self.writes:
            channels.setdefault(write.business_id, set()).add(write.channel)
        for business_id, seen in channels.items():
            business = Business.objects.locked(business_id)
            if not seen.issubset(business.channels):
                business.channels = sorted(seen.union(business.channels))
                business.save(update_fields=["channels"])


def _move_messages_of(conversations: Iterable[Conversation]) -> None:
    """Keep the copies of bot and channel on messages in step with their conversation."""
    for conversation in conversations:
        Message.objects.filter(conversation=conversation).update(
            bot_id=conversation.bot_id, channel=conversation.channel
        )


def field_values(instance: Any, fields: list[str]) -> list[Any]:
    return [getattr(instance, instance._meta.get_field(name).attname) for name in fields]
