"""The import path shared by `manage.py import_data`, the import API and the demo data.

Records (see shared/spec/import-format.md) are validated one by one; a bad record is rejected
with a message naming its locator ("line 7", "record 3") and field, and the good ones are kept.
Conversations, the bulk of any import, are written in batches: a few queries per batch,
never one per message.
"""

import json
import time
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from guardian.shortcuts import assign_perm, remove_perm

from analytics.rollups import RollupUpdate
from analytics.rollups import rebuild as rebuild_rollups
from chatlinks.transcript import personal_entity_names
from conversations.models import (
    Bot,
    Business,
    Conversation,
    EndUser,
    Entity,
    Membership,
    Message,
    Role,
    Sender,
    Team,
)

MAX_TEXT_BYTES = 64 * 1024
BATCH_MESSAGES = 5000
BATCH_CONVERSATIONS = 500
PERSONAL_DETAILS_PERM = "conversations.view_personal_details"
SENDERS = frozenset(Sender.values)  # Sender.values builds a new list each time


class RecordError(Exception):
    def __init__(self, field_path, reason):
        super().__init__(f"{field_path}: {reason}")


class InvalidJSON:
    """Stands in for a line that could not be parsed, so it is reported in order."""

    def __init__(self, reason):
        self.reason = reason


@dataclass
class ImportResult:
    counts: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def summary(self):
        counts = ", ".join(
            f"{self.counts[kind]} {kind if self.counts[kind] == 1 else plural}"
            for kind, plural in PLURALS.items()
        )
        return f"imported {counts}; {len(self.errors)} rejected"


PLURALS = {
    "business": "businesses",
    "bot": "bots",
    "team": "teams",
    "staff": "staff",
    "conversation": "conversations",
    "message": "messages",
}


class Fields:
    """Typed access to one JSON object's fields; errors name the field's full path."""

    def __init__(self, data, path):
        if not isinstance(data, dict):
            raise RecordError(path, "must be a JSON object")
        self.data = data
        self.path = path

    def has(self, name):
        return self.data.get(name) is not None

    def _get(self, name, types, type_name, required):
        value = self.data.get(name)
        if value is None:
            if required:
                raise RecordError(f"{self.path}.{name}", "is required")
            return None
        # bool is an int subclass in Python, but not a number in JSON.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise RecordError(f"{self.path}.{name}", f"must be {type_name}")
        return value

    def str(self, name, required=False, max_length=200):
        value = self._get(name, (str,), "a string", required)
        if value is None:
            return None
        if required and not value.strip():
            raise RecordError(f"{self.path}.{name}", "must not be empty")
        if len(value.encode()) > max_length:
            raise RecordError(f"{self.path}.{name}", f"is longer than {max_length} bytes")
        return value

    def text(self, name, required=False):
        value = self._get(name, (str,), "a string", required)
        if value is not None and len(value.encode()) > MAX_TEXT_BYTES:
            raise RecordError(f"{self.path}.{name}", "text is over 64 KiB")
        return value

    def bool(self, name, default=False):
        value = self._get(name, (bool,), "true or false", False)
        return default if value is None else value

    def int(self, name, required=False):
        return self._get(name, (int,), "an integer", required)

    def list(self, name, required=False):
        return self._get(name, (list,), "a list", required)

    def object(self, name, required=False):
        value = self._get(name, (dict,), "an object", required)
        return None if value is None else Fields(value, f"{self.path}.{name}")

    def timestamp(self, name, required=False):
        value = self._get(name, (str,), "an ISO 8601 timestamp string", required)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise RecordError(f"{self.path}.{name}", "is not an ISO 8601 timestamp") from None
        if parsed.tzinfo is None:
            raise RecordError(f"{self.path}.{name}", "timestamp has no UTC offset")
        return parsed

    def str_list(self, name):
        values = self.list(name) or []
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise RecordError(f"{self.path}.{name}[{index}]", "must be a string")
        return values


@dataclass
class ConversationRecord:
    """A validated conversation record, references resolved to ids."""

    locator: str
    business_id: int
    bot_id: int
    external_id: str
    channel: str
    user_id: str
    user_details: dict
    values: dict
    messages: dict  # external id -> Message (unsaved)


class Importer:
    """Feeds records through validation into the database; see `import_records`."""

    def __init__(self, *, business=None, progress=None):
        # With `business` (the API), records may only touch that business and never staff.
        self.only_business = business
        self.progress = progress
        self.result = ImportResult()
        self.batch = {}
        self.batch_messages = 0
        self.started = time.monotonic()
        self._businesses = {}
        self._bots = {}
        self._teams = {}
        self._members = {}

    # Reference lookups: cached, since a big import names the same few objects over and over.

    def business(self, fields):
        slug = fields.str("business", required=True, max_length=64)
        path = f"{fields.path}.business"
        if self.only_business and slug != self.only_business.slug:
            raise RecordError(path, "belongs to another business than the API key")
        if slug not in self._businesses:
            business = Business.objects.filter(slug=slug).first()
            if business is None:
                raise RecordError(path, f"unknown business {slug!r}")
            self._businesses[slug] = business
        return self._businesses[slug]

    def _lookup(self, cache, model, business, slug, path, kind):
        key = (business.pk, slug)
        if key not in cache:
            obj = model.objects.filter(business=business, slug=slug).first()
            if obj is None:
                raise RecordError(path, f"unknown {kind} {slug!r}")
            cache[key] = obj
        return cache[key]

    def bot(self, business, fields):
        slug = fields.str("bot", required=True, max_length=64)
        return self._lookup(self._bots, Bot, business, slug, f"{fields.path}.bot", "bot")

    def team(self, business, slug, path):
        return self._lookup(self._teams, Team, business, slug, path, "team")

    def teams(self, business, fields, name):
        return [
            self.team(business, slug, f"{fields.path}.{name}[{index}]")
            for index, slug in enumerate(fields.str_list(name))
        ]

    def member_id(self, business, username, path):
        """The user id of staff `username` of `business`."""
        key = (business.pk, username)
        if key not in self._members:
            user_id = (
                Membership.objects.filter(business=business, user__username=username)
                .values_list("user_id", flat=True)
                .first()
            )
            if user_id is None:
                raise RecordError(path, f"unknown staff member {username!r} of this business")
            self._members[key] = user_id
        return self._members[key]

    # Records

    def add(self, locator, data):
        try:
            if isinstance(data, InvalidJSON):
                raise RecordError("record", f"not valid JSON ({data.reason})")
            if not isinstance(data, dict):
                raise RecordError("record", "must be a JSON object")
            kind = data.get("type")
            handler = {
                "business": self.add_business,
                "bot": self.add_bot,
                "team": self.add_team,
                "staff": self.add_staff,
                "conversation": self.add_conversation,
            }.get(kind)
            if handler is None:
                raise RecordError("type", "must be one of business, bot, team, staff, conversation")
            if kind != "conversation":
                # Later records may refer to what this one creates, so what came before is
                # written first.
                self.flush()
            handler(locator, Fields(data, kind))
        except RecordError as error:
            self.reject(locator, error)

    def reject(self, locator, error):
        self.result.errors.append(f"{locator}: {error}")

    def add_business(self, locator, fields):
        slug = fields.str("slug", required=True, max_length=64)
        if self.only_business and slug != self.only_business.slug:
            raise RecordError("business.slug", "belongs to another business than the API key")
        tz_name = fields.str("timezone", max_length=64)
        if tz_name is not None:
            try:
                zoneinfo.ZoneInfo(tz_name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise RecordError("business.timezone", "is not an IANA time zone name") from None
        name = fields.str("name")
        with transaction.atomic():
            business, created = Business.objects.get_or_create(
                slug=slug, defaults={"name": name or slug, "timezone": tz_name or "UTC"}
            )
            if not created:
                business.name = name or business.name
                business.timezone = tz_name or business.timezone
                business.save()
        self._businesses[slug] = business
        self.result.counts["business"] += 1

    def add_bot(self, locator, fields):
        business = self.business(fields)
        slug = fields.str("slug", required=True, max_length=64)
        name = fields.str("name")
        entities = {}
        for index, item in enumerate(fields.list("entities") or []):
            entity = Fields(item, f"bot.entities[{index}]")
            entities[entity.str("name", required=True, max_length=100)] = entity.bool("personal")
        with transaction.atomic():
            personal_before = personal_entity_names(business.pk)
            bot, created = Bot.objects.get_or_create(
                business=business, slug=slug, defaults={"name": name or slug}
            )
            if not created and name:
                bot.name = name
                bot.save()
            if fields.has("entities"):
                bot.entities.exclude(name__in=entities).delete()
                for entity_name, personal in entities.items():
                    Entity.objects.update_or_create(
                        bot=bot, name=entity_name, defaults={"personal": personal}
                    )
            if personal_entity_names(business.pk) != personal_before:
                # The phrase rollups were counted from text masked with the old entity list:
                # a newly personal value must leave Word Analysis at once.
                rebuild_rollups(business)
        self._bots[(business.pk, slug)] = bot
        self.result.counts["bot"] += 1

    def add_team(self, locator, fields):
        business = self.business(fields)
        slug = fields.str("slug", required=True, max_length=64)
        name = fields.str("name")
        team, created = Team.objects.get_or_create(
            business=business, slug=slug, defaults={"name": name or slug}
        )
        if not created and name:
            team.name = name
            team.save()
        self._teams[(business.pk, slug)] = team
        self.result.counts["team"] += 1

    def add_staff(self, locator, fields):
        if self.only_business:
            raise RecordError("staff", "staff records cannot be imported through the API")
        business = self.business(fields)
        username = fields.str("username", required=True, max_length=150)
        password = fields.str("password", max_length=200)
        email = fields.str("email", max_length=254)
        roles = fields.str_list("roles")
        for index, role in enumerate(roles):
            if role not in Role.values:
                raise RecordError(
                    f"staff.roles[{index}]", f"must be one of {', '.join(Role.values)}"
                )
        teams = self.teams(business, fields, "teams")
        leads = self.teams(business, fields, "leads")
        may_view_pii = fields.bool("view_personal_details")

        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None and not password:
            raise RecordError("staff.password", "is required for a new user")
        with transaction.atomic():
            if user is None:
                user = User(username=username)
            if password:
                user.set_password(password)
            if email is not None:
                user.email = email
            user.save()
            membership, _ = Membership.objects.get_or_create(user=user, business=business)
            for role in Role:
                setattr(membership, f"is_{role.value}", role.value in roles)
            membership.save()
            membership.teams.set(teams)
            membership.leads.set(leads)
            if may_view_pii:
                assign_perm(PERSONAL_DETAILS_PERM, user, business)
            else:
                remove_perm(PERSONAL_DETAILS_PERM, user, business)
        self._members[(business.pk, username)] = user.pk
        self.result.counts["staff"] += 1

    def add_conversation(self, locator, fields):
        business = self.business(fields)
        bot = self.bot(business, fields)
        external_id = fields.str("id", required=True)
        channel = fields.str("channel", required=True, max_length=32)
        user = fields.object("user", required=True)
        user_id = user.str("id", required=True)
        user_details = {
            name: user.str(name, max_length=max_length)
            for name, max_length in (("name", 200), ("email", 254), ("phone", 50))
            if user.has(name)
        }
        attributes = user.object("attributes")
        if attributes is not None:
            for name, value in attributes.data.items():
                if not isinstance(value, str | int | float | bool):
                    raise RecordError(f"{attributes.path}.{name}", "must be a string or number")
            user_details["attributes"] = attributes.data

        values = {
            "bot_id": bot.pk,
            "channel": channel,
            "started_at": fields.timestamp("started_at", required=True),
        }
        if fields.has("ended_at"):
            values["ended_at"] = fields.timestamp("ended_at")
        if fields.has("agent"):
            username = fields.str("agent", max_length=150)
            values["agent_id"] = self.member_id(business, username, "conversation.agent")
        if fields.has("team"):
            slug = fields.str("team", max_length=64)
            values["team_id"] = self.team(business, slug, "conversation.team").pk
        csat = fields.object("csat")
        if csat is not None:
            rating = csat.int("rating", required=True)
            if not 1 <= rating <= 5:
                raise RecordError("conversation.csat.rating", "must be between 1 and 5")
            values["csat_rating"] = rating
            values["csat_review"] = csat.text("review") or ""
            values["csat_at"] = csat.timestamp("at")

        messages = {}
        for index, item in enumerate(fields.list("messages") or []):
            message = Fields(item, f"conversation.messages[{index}]")
            message_id = message.str("id", required=True)
            if message_id in messages:
                raise RecordError(f"{message.path}.id", f"duplicate message id {message_id!r}")
            sender = message.str("sender", required=True, max_length=8)
            if sender not in SENDERS:
                raise RecordError(
                    f"{message.path}.sender", f"must be one of {', '.join(Sender.values)}"
                )
            agent_id = None
            if message.has("agent"):
                username = message.str("agent", max_length=150)
                agent_id = self.member_id(business, username, f"{message.path}.agent")
            messages[message_id] = Message(
                business_id=business.pk,
                bot_id=bot.pk,
                channel=channel,
                external_id=message_id,
                sent_at=message.timestamp("at", required=True),
                sender=sender,
                agent_id=agent_id,
                text=message.text("text", required=True),
                bot_break=message.bool("bot_break"),
            )

        record = ConversationRecord(
            locator,
            business.pk,
            bot.pk,
            external_id,
            channel,
            user_id,
            user_details,
            values,
            messages,
        )
        key = (business.pk, external_id)
        if key in self.batch:
            record = self._merge(self.batch[key], record)
        self.batch[key] = record
        self.batch_messages += len(messages)
        if len(self.batch) >= BATCH_CONVERSATIONS or self.batch_messages >= BATCH_MESSAGES:
            self.flush()

    @staticmethod
    def _merge(earlier, later):
        """The same conversation twice in one batch: the later record wins, field by field."""
        details = {**earlier.user_details, **later.user_details}
        if "attributes" in earlier.user_details and "attributes" in later.user_details:
            details["attributes"] = {
                **earlier.user_details["attributes"],
                **later.user_details["attributes"],
            }
        later.user_details = details
        later.values = {**earlier.values, **later.values}
        later.messages = {**earlier.messages, **later.messages}
        return later

    # Writing a batch of conversations

    def flush(self):
        if not self.batch:
            return
        records = list(self.batch.values())
        self.batch = {}
        self.batch_messages = 0
        try:
            with transaction.atomic():
                self._write(records)
        except DatabaseError:
            # Validation catches what it can; anything the database still refuses (a
            # concurrent import, say) is narrowed down to its own record.
            if len(records) == 1:
                self.reject(records[0].locator, RecordError("conversation", "could not be saved"))
                return
            for record in records:
                self.batch = {(record.business_id, record.external_id): record}
                self.flush()
            return
        self.result.counts["conversation"] += len(records)
        self.result.counts["message"] += sum(len(r.messages) for r in records)
        if self.progress:
            self.progress(self.result.counts, time.monotonic() - self.started)

    def _write(self, records):
        existing = self._existing_conversations(records)
        stored_messages = self._stored_messages(existing.values())
        # Taken before anything changes: the rollups subtract what they counted for it.
        rollups = RollupUpdate(records, existing.values(), stored_messages)
        end_users = self._save_end_users(records)

        new_conversations, changed_conversations = [], []
        new_messages, changed_messages = [], []
        moved_conversations = []
        for record in records:
            conversation = existing.get((record.business_id, record.external_id))
            if conversation is None:
                conversation = Conversation(
                    business_id=record.business_id, external_id=record.external_id
                )
                new_conversations.append(conversation)
                stored = {}
            else:
                stored = stored_messages.get(conversation.pk, {})
                if (conversation.bot_id, conversation.channel) != (
                    record.bot_id,
                    record.channel,
                ):
                    moved_conversations.append(conversation)
            before = field_values(conversation, CONVERSATION_UPDATE_FIELDS)
            for name, value in record.values.items():
                setattr(conversation, name, value)
            conversation.end_user = end_users[(record.business_id, record.user_id)]
            for message_id, message in record.messages.items():
                message.conversation = conversation
                if message_id not in stored:
                    new_messages.append(message)
                elif field_values(message, MESSAGE_FIELDS) != field_values(
                    stored[message_id], MESSAGE_FIELDS
                ):
                    # Re-sent messages are usually unchanged; only real edits are written.
                    message.pk = stored[message_id].pk
                    changed_messages.append(message)
            self._update_message_stats(conversation, {**stored, **record.messages}.values())
            if conversation.pk and before != field_values(conversation, CONVERSATION_UPDATE_FIELDS):
                changed_conversations.append(conversation)

        Conversation.objects.bulk_create(new_conversations, batch_size=500)
        Conversation.objects.bulk_update(
            changed_conversations, CONVERSATION_UPDATE_FIELDS, batch_size=500
        )
        for message in new_messages + changed_messages:
            # The conversation got its primary key only on bulk_create above.
            message.conversation_id = message.conversation.pk
        Message.objects.bulk_create(new_messages, batch_size=1000)
        Message.objects.bulk_update(changed_messages, MESSAGE_FIELDS, batch_size=500)
        self._move_messages_of(moved_conversations)
        self._note_channels(records)
        rollups.save(new_conversations, new_messages, changed_messages)

    def _save_end_users(self, records):
        by_business = {}
        for record in records:
            by_business.setdefault(record.business_id, set()).add(record.user_id)
        users = {}
        for business_id, external_ids in by_business.items():
            for user in EndUser.objects.filter(
                business_id=business_id, external_id__in=external_ids
            ):
                users[(business_id, user.external_id)] = user
        new, changed = {}, {}
        for record in records:
            key = (record.business_id, record.user_id)
            user = users.get(key)
            if user is None:
                user = users[key] = new[key] = EndUser(
                    business_id=record.business_id, external_id=record.user_id
                )
            elif key not in new:
                changed[key] = user
            for name, value in record.user_details.items():
                if name == "attributes":
                    user.attributes = {**user.attributes, **value}
                else:
                    setattr(user, name, value)
        EndUser.objects.bulk_create(new.values(), batch_size=500)
        EndUser.objects.bulk_update(
            changed.values(), ["name", "email", "phone", "attributes"], batch_size=500
        )
        return users

    def _existing_conversations(self, records):
        by_business = {}
        for record in records:
            by_business.setdefault(record.business_id, []).append(record.external_id)
        existing = {}
        for business_id, external_ids in by_business.items():
            for conversation in Conversation.objects.filter(
                business_id=business_id, external_id__in=external_ids
            ):
                existing[(business_id, conversation.external_id)] = conversation
        return existing

    def _stored_messages(self, conversations):
        stored = {}
        ids = [conversation.pk for conversation in conversations]
        if ids:
            for message in Message.objects.filter(conversation_id__in=ids).only(
                "conversation_id", "external_id", *MESSAGE_FIELDS
            ):
                stored.setdefault(message.conversation_id, {})[message.external_id] = message
        return stored

    @staticmethod
    def _update_message_stats(conversation, messages):
        last = max(messages, key=lambda m: m.sent_at, default=None)
        conversation.message_count = len(messages) if last else 0
        conversation.last_message_at = last.sent_at if last else None
        conversation.last_message_text = last.text[:300] if last else ""

    @staticmethod
    def _move_messages_of(conversations):
        """Keep the copies of bot and channel on messages in step with their conversation."""
        for conversation in conversations:
            Message.objects.filter(conversation=conversation).update(
                bot_id=conversation.bot_id, channel=conversation.channel
            )

    def _note_channels(self, records):
        channels = {}
        for record in records:
            channels.setdefault(record.business_id, set()).add(record.channel)
        for business_id, seen in channels.items():
            business = Business.objects.select_for_update().get(pk=business_id)
            if not seen.issubset(business.channels):
                business.channels = sorted(seen.union(business.channels))
                business.save(update_fields=["channels"])

    def finish(self):
        self.flush()
        return self.result


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
]
CONVERSATION_UPDATE_FIELDS = [
    *CONVERSATION_FIELDS,
    "message_count",
    "last_message_at",
    "last_message_text",
]
# bot and channel follow the conversation; see _move_messages_of.
MESSAGE_FIELDS = ["sent_at", "sender", "agent", "text", "bot_break"]


def field_values(instance, fields):
    return [getattr(instance, instance._meta.get_field(name).attname) for name in fields]


def import_records(records, *, business=None, progress=None):
    """Import `(locator, parsed JSON)` pairs; returns an ImportResult."""
    importer = Importer(business=business, progress=progress)
    for locator, data in records:
        importer.add(locator, data)
    return importer.finish()


def parse_lines(lines):
    """`(locator, parsed JSON)` for each non-blank line of a JSON Lines stream."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except ValueError as error:
            yield f"line {number}", InvalidJSON(str(error))
