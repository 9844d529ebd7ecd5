"""The import shared by `manage.py import_data`, the import API and the demo data.

Each record is validated (ingest.records), its references are resolved, and it is handed to
the writer (ingest.writer, ingest.staff). A bad record is rejected with a message naming its
locator ("line 7", "record 3") and field; the good ones are kept, and each says whether it
created, updated or left unchanged what it describes. Conversations are collected into batches
that the writer stores a few queries at a time.
"""

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, models

from conversations import bulk
from conversations.models import Bot, Business, Membership, Message, Team
from ingest import records, writer
from ingest.actors import Actor, RevealRefused
from ingest.records import ConversationRecord, RecordError
from ingest.staff import MissingPassword, provision_staff
from ingest.writer import CREATED, UNCHANGED, UPDATED

# A batch is one transaction: larger ones cost fewer queries and rollup rows a message (at
# 100k, 20,000 messages a batch imported 5 to 20% faster than 5,000), and last a few seconds.
BATCH_MESSAGES = 20_000
BATCH_CONVERSATIONS = 2000
# The fields of a new message, as `_add_conversation` gives them.
MESSAGE_VALUES = [
    "business_id",
    "bot_id",
    "channel",
    "external_id",
    "sent_at",
    "sender",
    "agent_id",
    "text",
    "bot_break",
    "kind",
    "data",
    "private",
]

PLURALS = {
    "business": "businesses",
    "bot": "bots",
    "team": "teams",
    "staff": "staff",
    "conversation": "conversations",
    "message": "messages",
}

Progress = Callable[[Counter[str], float], None]


@dataclass(frozen=True)
class Rejection:
    locator: str  # "line 7", "record 3"
    field: str  # "conversation.started_at"
    reason: str

    def __str__(self) -> str:
        return f"{self.locator}: {self.field}: {self.reason}"


@dataclass
class ImportResult:
    counts: Counter[str] = field(default_factory=Counter)
    rejections: list[Rejection] = field(default_factory=list)
    # What each accepted record did, by locator: CREATED, UPDATED or UNCHANGED.
    outcomes: dict[str, str] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        """The rejections as `line N: field: reason` lines."""
        return [str(rejection) for rejection in self.rejections]

    @property
    def ok(self) -> bool:
        return not self.rejections

    def summary(self) -> str:
        counts = ", ".join(
            f"{self.counts[kind]} {kind if self.counts[kind] == 1 else plural}"
            for kind, plural in PLURALS.items()
        )
        return f"imported {counts}; {len(self.errors)} rejected"


class Importer:
    """Feeds records through validation into the writer; see `import_records`."""

    def __init__(
        self, actor: Actor, *, business: Business | None = None, progress: Progress | None = None
    ):
        # With `business` (the API), records may only touch that business and never staff.
        self.only_business = business
        self.actor = actor
        self.progress = progress
        self.result = ImportResult()
        self.batch: dict[tuple[int, str], writer.ConversationWrite] = {}
        # A conversation sent twice in one batch is written once, for both its locators.
        self.batch_locators: dict[tuple[int, str], list[str]] = {}
        self.batch_messages = 0
        self.started = time.monotonic()
        self._businesses: dict[str, Business] = {}
        self._bots: dict[tuple[int, str], Bot] = {}
        self._teams: dict[tuple[int, str], Team] = {}
        self._members: dict[tuple[int, str], int] = {}
        # A conversation's messages are made by the million: without Message(**fields).
        self._new_message = bulk.maker(Message, MESSAGE_VALUES)

    def add(self, locator: str, data: Any) -> None:
        try:
            record = records.validate(data)
            if not isinstance(record, ConversationRecord):
                # Later records may refer to what this one creates, so what came before is
                # written first.
                self.flush()
            self._add(locator, record)
        except RecordError as error:
            self.reject(locator, error)
        except RevealRefused as refusal:
            self.reject(locator, RecordError(records.kind_of(data), str(refusal)))
        except DatabaseError:
            # Validation catches what it can; a business, bot, team or staff member that the
            # database still refuses (a concurrent import, say) is rejected on its own.
            self.reject(locator, RecordError(records.kind_of(data), "could not be saved"))

    def reject(self, locator: str, error: RecordError) -> None:
        self.result.rejections.append(Rejection(locator, error.field, error.reason))

    def finish(self) -> ImportResult:
        self.flush()
        if self.result.counts["conversation"]:
            writer.make_durable()  # the batches did not wait for the disk
        return self.result

    def _add(self, locator: str, record: records.Record) -> None:
        match record:
            case records.BusinessRecord():
                self._check_own_business(record.slug, "business.slug")
                before = business_state(record.slug)
                business = writer.save_business(
                    self.actor,
                    record.slug,
                    record.name,
                    record.timezone,
                    # Left out, it stays as it is; null keeps conversations for ever.
                    record.retention_days
                    if "retention_days" in record.model_fields_set
                    else writer.KEEP,
                    record.require_second_factor,
                    record.trust_idp_second_factor,
                    record.allow_single_sign_on,
                )
                self._businesses[record.slug] = business
                self.accepted(locator, "business", before, business_state(record.slug))
            case records.BotRecord():
                business = self._business(record.business, "bot.business")
                before = bot_state(business, record.slug)
                bot = writer.save_bot(
                    self.actor, business, record.slug, record.name, record.entity_flags()
                )
                self._bots[(business.pk, record.slug)] = bot
                self.accepted(locator, "bot", before, bot_state(business, record.slug))
            case records.TeamRecord():
                business = self._business(record.business, "team.business")
                before = team_state(business, record.slug)
                team = writer.save_team(self.actor, business, record.slug, record.name)
                self._teams[(business.pk, record.slug)] = team
                self.accepted(locator, "team", before, team_state(business, record.slug))
            case records.StaffRecord():
                self._add_staff(locator, record)
            case records.ConversationRecord():
                self._add_conversation(locator, record)

    def accepted(self, locator: str, kind: str, before: Any, after: Any) -> None:
        """Count a written record; `before` and `after` are its stored state (None: none)."""
        self.result.counts[kind] += 1
        if before is None:
            self.result.outcomes[locator] = CREATED
        else:
            self.result.outcomes[locator] = UNCHANGED if before == after else UPDATED

    # Reference lookups: cached, since a big import names the same few objects over and over.

    def _check_own_business(self, slug: str, path: str) -> None:
        if self.only_business and slug != self.only_business.slug:
            raise RecordError(path, "belongs to another business than the API key")

    def _business(self, slug: str, path: str) -> Business:
        self._check_own_business(slug, path)
        if slug not in self._businesses:
            business = Business.objects.filter(slug=slug).first()
            if business is None:
                raise RecordError(path, f"unknown business {slug!r}")
            self._businesses[slug] = business
        return self._businesses[slug]

    def _lookup(
        self,
        cache: dict[tuple[int, str], Any],
        model: type[models.Model],
        business: Business,
        slug: str,
        path: str,
        kind: str,
    ) -> Any:
        key = (business.pk, slug)
        if key not in cache:
            obj = model.objects.filter(business=business, slug=slug).first()  # type: ignore[attr-defined]
            if obj is None:
                raise RecordError(path, f"unknown {kind} {slug!r}")
            cache[key] = obj
        return cache[key]

    def _team(self, business: Business, slug: str, path: str) -> Team:
        team: Team = self._lookup(self._teams, Team, business, slug, path, "team")
        return team

    def _member_id(self, business: Business, username: str, path: str) -> int:
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

    def _add_staff(self, locator: str, record: records.StaffRecord) -> None:
        if self.only_business:
            raise RecordError("staff", "staff records cannot be imported through the API")
        business = self._business(record.business, "staff.business")
        teams = [
            self._team(business, slug, f"staff.teams[{index}]")
            for index, slug in enumerate(record.teams)
        ]
        leads = [
            self._team(business, slug, f"staff.leads[{index}]")
            for index, slug in enumerate(record.leads)
        ]
        existed = Membership.objects.filter(
            business=business, user__username=record.username
        ).exists()
        try:
            membership = provision_staff(
                self.actor,
                business,
                record.username,
                password=record.password,
                email=record.email,
                roles=frozenset(record.roles),
                teams=teams,
                leads=leads,
                view_personal_details=record.view_personal_details,
                display_name=record.display_name,
            )
        except MissingPassword:
            raise RecordError("staff.password", "is required for a new user") from None
        self._members[(business.pk, record.username)] = membership.user_id
        self.result.counts["staff"] += 1
        # Always "updated" when it existed: a password cannot be compared without being set.
        self.result.outcomes[locator] = UPDATED if existed else CREATED

    def _add_conversation(self, locator: str, record: ConversationRecord) -> None:
        business = self._business(record.business, "conversation.business")
        bot = self._lookup(self._bots, Bot, business, record.bot, "conversation.bot", "bot")
        values: dict[str, Any] = {
            "bot_id": bot.pk,
            "channel": record.channel,
            "started_at": record.started_at,
        }
        if record.ended_at is not None:
            values["ended_at"] = record.ended_at
        if record.agent is not None:
            values["agent_id"] = self._member_id(business, record.agent, "conversation.agent")
        if record.team is not None:
            values["team_id"] = self._team(business, record.team, "conversation.team").pk
        if record.status is not None:
            values["status"] = record.status
        if record.close_reason is not None:
            values["close_reason"] = record.close_reason
        if record.csat is not None:
            values["csat_rating"] = record.csat.rating
            values["csat_review"] = record.csat.review
            values["csat_at"] = record.csat.at

        messages = {}
        for index, message in enumerate(record.messages):
            agent_id = None
            if message.agent is not None:
                path = f"conversation.messages[{index}].agent"
                agent_id = self._member_id(business, message.agent, path)
            messages[message.id] = self._new_message(
                business.pk,
                bot.pk,
                record.channel,
                message.id,
                message.at,
                message.sender,
                agent_id,
                message.said,
                message.bot_break,
                message.kind,
                message.data,
                message.private,
            )

        write = writer.ConversationWrite(
            locator=locator,
            business_id=business.pk,
            bot_id=bot.pk,
            external_id=record.id,
            channel=record.channel,
            user_id=record.user.id,
            user_details=record.user.details(),
            values=values,
            messages=messages,
        )
        key = (business.pk, record.id)
        if key in self.batch:
            write = self.batch[key].merge(write)
        self.batch[key] = write
        self.batch_locators.setdefault(key, []).append(locator)
        self.batch_messages += len(messages)
        if len(self.batch) >= BATCH_CONVERSATIONS or self.batch_messages >= BATCH_MESSAGES:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        writes = list(self.batch.values())
        locators = self.batch_locators
        self.batch = {}
        self.batch_locators = {}
        self.batch_messages = 0
        try:
            outcomes = writer.write_conversations(writes, wait_for_disk=False)
        except DatabaseError:
            # Validation catches what it can; anything the database still refuses (a
            # concurrent import, say) is narrowed down to its own record.
            if len(writes) == 1:
                key = (writes[0].business_id, writes[0].external_id)
                for locator in locators[key]:
                    self.reject(locator, RecordError("conversation", "could not be saved"))
                return
            for write in writes:
                key = (write.business_id, write.external_id)
                self.batch = {key: write}
                self.batch_locators = {key: locators[key]}
                self.flush()
            return
        for key, outcome in outcomes.items():
            for locator in locators[key]:
                if isinstance(outcome, writer.Refused):
                    self.reject(locator, RecordError(outcome.field, outcome.reason))
                else:
                    self.result.outcomes[locator] = outcome
        written = [
            write
            for write in writes
            if not isinstance(outcomes[writer.write_key(write)], writer.Refused)
        ]
        self.result.counts["conversation"] += len(written)
        self.result.counts["message"] += sum(len(write.messages) for write in written)
        if self.progress:
            self.progress(self.result.counts, time.monotonic() - self.started)


def business_state(slug: str) -> Any:
    return (
        Business.objects.filter(slug=slug)
        .values_list(
            "name",
            "timezone",
            "retention_days",
            "require_second_factor",
            "trust_idp_second_factor",
            "allow_single_sign_on",
        )
        .first()
    )


def bot_state(business: Business, slug: str) -> Any:
    bot = Bot.objects.filter(business=business, slug=slug).first()
    if bot is None:
        return None
    return bot.name, sorted(bot.entities.values_list("name", "personal"))


def team_state(business: Business, slug: str) -> Any:
    return Team.objects.filter(business=business, slug=slug).values_list("name").first()


class PrintedProgress:
    """Prints the running totals at most once a second, so long imports show they are alive."""

    def __init__(self, stream: Any, every: float = 1.0):
        self.stream = stream
        self.every = every
        self.last = time.monotonic()

    def __call__(self, counts: Counter[str], elapsed: float) -> None:
        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        rate = counts["message"] / elapsed if elapsed else 0
        self.stream.write(
            f"… {counts['conversation']} conversations, {counts['message']} messages, "
            f"{rate:,.0f} messages/s"
        )


def import_records(
    pairs: Iterable[tuple[str, Any]],
    actor: Actor,
    *,
    business: Business | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import `(locator, parsed JSON)` pairs as `actor`; returns an ImportResult."""
    importer = Importer(actor, business=business, progress=progress)
    for locator, data in pairs:
        importer.add(locator, data)
    return importer.finish()
