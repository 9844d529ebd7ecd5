"""A customer can be forgotten: erasure on request, retention, and the customer's own copy.

* Erasure (`do_erase_end_user`, run as a background job that ingest.tasks queues): every row
  that holds an end user's data goes in one transaction: their details and former values,
  their conversations with every message (raw and masked texts, rich elements and attachment
  records), share links; audit entries of their conversations stay, without naming them.
  What remains is a tombstone: ErasedId rows, keyed hashes of their user id and conversation
  ids that the writer refuses re-sent data by, and one audit entry naming no personal value.
* Retention (`do_apply_retention`): a business that keeps conversations for N days loses
  those whose last message is older, in short batches; one audit entry a run.
* The customer's own copy (`do_export_end_user`): everything stored about one end user, as
  data for JSON or a page, audited.

Each takes an Actor and refuses one who does not see the business's personal data in full:
finding a customer by email or phone, or reading their copy, is seeing it.

Rollups: an erasure takes all of the end user's counts out (analytics.rollups.uncount), so
the analytics are as a recount without them would leave them. Retention takes out only the
phrase counts, which hold words of the texts; the counts of messages and conversations by day,
bot, channel, agent and rating hold no text and stay, so the analytics of past days keep
their totals (until a full recount, after a change of time zone say, counts only what is
still stored).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from analytics.models import ROLLUPS, DailyPhraseCount
from analytics.rollups import uncount
from audit.models import AuditEntry
from conversations.models import Business, Conversation, EndUser, ErasedId, Message
from ingest.actors import Actor
from rules.masking import digits_of
from sharelinks.models import ShareLink

RETENTION_BATCH = 200
# End users a search of the Privacy requests page lists at most.
PRIVACY_RESULTS = 20
# Digits a phone search needs at least, so that a short number finds no crowd.
PHONE_SEARCH_DIGITS = 7
PRIVACY = AuditEntry.Kind.PRIVACY


@dataclass(frozen=True)
class Holdings:
    """What is stored about one end user, as the Privacy requests page lists it."""

    conversations: int
    messages: int
    attachments: int
    share_links: int

    def __str__(self) -> str:
        return (
            f"{self.conversations} conversations, {self.messages} messages, "
            f"{self.attachments} attachments, {self.share_links} share links"
        )


def holdings(end_user: EndUser) -> Holdings:
    conversations = Conversation.objects.filter(end_user=end_user)
    messages = Message.objects.filter(conversation__in=conversations)
    return Holdings(
        conversations=conversations.count(),
        messages=conversations.aggregate(total=Sum("message_count"))["total"] or 0,
        attachments=sum(
            len(data.get("attachments", []))
            for data in messages.exclude(data={}).values_list("data", flat=True)
        ),
        share_links=ShareLink.objects.filter(conversation__in=conversations).count(),
    )


def find_end_users(business: Business, query: str) -> QuerySet[EndUser]:
    """The business's end users whose user id is `query`, whose email is it (in any case), or
    whose phone ends with its digits ("98200 12345" finds +91-98200-12345)."""
    query = query.strip()
    if not query:
        return EndUser.objects.none()
    found = Q(external_id=query) | Q(email__iexact=query)
    digits = digits_of(query)
    if len(digits) >= PHONE_SEARCH_DIGITS:
        found |= Q(phone_digits__endswith=digits)
    return EndUser.objects.filter(found, business=business).order_by("external_id", "pk")


def user_key(end_user: EndUser) -> str:
    """The keyed hash that names an end user in the audit log and their tombstone."""
    return ErasedId.key_of(end_user.business_id, ErasedId.Kind.USER, end_user.external_id)


# --- Erasure ---------------------------------------------------------------------------------


def do_erase_end_user(actor: Actor, end_user: EndUser) -> Holdings:
    """Erase everything stored about `end_user`, irreversibly; returns what went. Their ids
    are kept only as keyed hashes (ErasedId), which the writer refuses re-sent data by."""
    business = end_user.business
    actor.check_may_reveal(business, "erase a customer's data")
    with transaction.atomic():
        # Imports of the business wait, and check the tombstone once this commits.
        Business.objects.locked(business.pk)
        held = holdings(end_user)
        conversations = list(
            Conversation.objects.filter(end_user=end_user).select_related("end_user")
        )
        key = user_key(end_user)
        tombstone = [(ErasedId.Kind.USER, key)] + [
            (
                ErasedId.Kind.CONVERSATION,
                ErasedId.key_of(business.pk, ErasedId.Kind.CONVERSATION, c.external_id),
            )
            for c in conversations
        ]
        erased_at = timezone.now()
        # Erased again (a new person with the same id since): the later date counts.
        ErasedId.objects.bulk_create(
            [ErasedId(business=business, kind=k, key=h, erased_at=erased_at) for k, h in tombstone],
            update_conflicts=True,
            unique_fields=["business", "kind", "key"],
            update_fields=["erased_at"],
        )
        _remove_conversations(conversations, ROLLUPS)
        end_user.delete()
        actor.audit(business, PRIVACY, f"Erased end user (keyed hash {key}): {held}")
    return held


def _remove_conversations(
    conversations: list[Conversation], uncounted: Iterable[type[Model]]
) -> None:
    """Delete `conversations` with their messages and share links, first taking them out of
    the rollups `uncounted`. The audit log keeps who opened them, no longer saying which."""
    uncount(conversations, uncounted)
    pks = [conversation.pk for conversation in conversations]
    entries = AuditEntry.objects.filter(conversation_id__in=pks)
    # "a0 of message 123": the message's number goes with it.
    entries.filter(kind=AuditEntry.Kind.ATTACHMENT).update(what="")
    entries.update(conversation=None, share_link=None)
    ShareLink.objects.filter(conversation_id__in=pks).delete()
    Message.objects.filter(conversation_id__in=pks).delete()
    Conversation.objects.filter(pk__in=pks).delete()


# --- Retention -------------------------------------------------------------------------------


def retention_cutoff(business: Business, now: dt.datetime | None = None) -> dt.datetime | None:
    """The start of the oldest day the business keeps, in its time zone: a conversation whose
    last message is earlier is removed. None when it keeps everything."""
    if business.retention_days is None:
        return None
    today = timezone.localdate(now or timezone.now(), business.tzinfo)
    first_kept = today - dt.timedelta(days=business.retention_days)
    return dt.datetime.combine(first_kept, dt.time.min, tzinfo=business.tzinfo)


def expired_conversations(business: Business, cutoff: dt.datetime) -> QuerySet[Conversation]:
    """Conversations whose last message (private notes included), start and end are all
    before `cutoff`."""
    later = Message.objects.filter(conversation=OuterRef("pk"), sent_at__gte=cutoff)
    return (
        Conversation.objects.filter(business=business, started_at__lt=cutoff)
        .filter(Q(last_message_at__isnull=True) | Q(last_message_at__lt=cutoff))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__lt=cutoff))
        .exclude(Exists(later))
    )


@dataclass(frozen=True)
class RetentionRun:
    cutoff: dt.datetime
    conversations: int
    messages: int
    end_users: int


def do_apply_retention(
    actor: Actor,
    business: Business,
    now: dt.datetime | None = None,
    batch_size: int = RETENTION_BATCH,
) -> RetentionRun | None:
    """Remove the business's conversations older than it keeps, and end users left with none,
    a short transaction per batch (a conversation an import is writing is skipped, to go in a
    later run); None for a business that keeps everything. One audit entry a run."""
    business = Business.objects.get(pk=business.pk)
    cutoff = retention_cutoff(business, now)
    if cutoff is None:
        return None
    conversations = messages = end_users = 0
    while True:
        with transaction.atomic():
            batch = list(
                expired_conversations(business, cutoff)
                .select_related("end_user")
                .select_for_update(of=("self",), skip_locked=True)
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            _remove_conversations(batch, [DailyPhraseCount])
            users = {conversation.end_user_id for conversation in batch}
            left_alone = EndUser.objects.filter(pk__in=users).exclude(
                Exists(Conversation.objects.filter(end_user=OuterRef("pk")))
            )
            end_users += left_alone.delete()[1].get(EndUser._meta.label, 0)
        conversations += len(batch)
        messages += sum(conversation.message_count for conversation in batch)
        if len(batch) < batch_size:
            break
    run = RetentionRun(cutoff, conversations, messages, end_users)
    with transaction.atomic():
        actor.audit(
            business,
            AuditEntry.Kind.RETENTION,
            f"Kept {business.retention_days} days: removed {conversations} conversations, "
            f"{messages} messages and {end_users} end users whose last message was before "
            f"{cutoff:%Y-%m-%d %H:%M} ({business.timezone})",
        )
    return run


def businesses_with_retention() -> QuerySet[Business]:
    return Business.objects.filter(retention_days__isnull=False).order_by("pk")


# --- The customer's own copy -----------------------------------------------------------------


def do_export_end_user(actor: Actor, end_user: EndUser, form: str) -> dict[str, Any]:
    """Everything stored about `end_user`, as JSON-ready data; the export (in `form`: "JSON"
    or "page") is audited, by the keyed hash of their id."""
    business = end_user.business
    actor.check_may_reveal(business, "export a customer's data")
    copy = subject_access_copy(end_user)
    with transaction.atomic():
        actor.audit(
            business,
            AuditEntry.Kind.EXPORT,
            f"Exported everything stored about end user (keyed hash {user_key(end_user)}) as "
            f"{form}: {len(copy['conversations'])} conversations",
        )
    return copy


def subject_access_copy(end_user: EndUser) -> dict[str, Any]:
    """The end user's details, and every conversation with its messages, rich elements
    (attachment names and addresses among them) and agents' notes, oldest first."""
    conversations = list(
        Conversation.objects.filter(end_user=end_user)
        .select_related("bot")
        .order_by("started_at", "pk")
    )
    messages: dict[int, list[Message]] = {conversation.pk: [] for conversation in conversations}
    for message in Message.objects.filter(conversation__in=conversations).order_by("sent_at", "pk"):
        messages[message.conversation_id].append(message)
    return {
        "business": end_user.business.name,
        "exported_at": timezone.now().isoformat(),
        "end_user": {
            "id": end_user.external_id,
            "name": end_user.name,
            "email": end_user.email,
            "phone": end_user.phone,
            "attributes": end_user.attributes,
            "former_values": end_user.former_personal,
        },
        "conversations": [
            {
                "id": conversation.external_id,
                "bot": conversation.bot.name,
                "channel": conversation.channel,
                "started_at": _iso(conversation.started_at),
                "ended_at": _iso(conversation.ended_at),
                "status": conversation.get_status_display() if conversation.status else "",
                "close_reason": conversation.close_reason,
                "rating": conversation.csat_rating,
                "review": conversation.csat_review,
                "rated_at": _iso(conversation.csat_at),
                "messages": [
                    {
                        "id": message.external_id,
                        "at": _iso(message.sent_at),
                        "from": message.get_sender_display(),
                        "kind": message.get_kind_display(),
                        "text": message.text,
                        "element": message.data,
                        "agent_note": message.private,
                    }
                    for message in messages[conversation.pk]
                ],
            }
            for conversation in conversations
        ],
    }


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None
