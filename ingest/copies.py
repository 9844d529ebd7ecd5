"""The masked copies that the writer keeps beside every text a masked viewer may be shown.

A conversation's texts are masked with what is known about its end user (rules.redaction) when
they are written; `remask` masks them again when that knowledge changes: inline, for the end
users an import tells more about, and in a background job (ingest.tasks) for a whole business
when an entity turns personal or the masker's rules change (MASKER_VERSION).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from conversations import bulk
from conversations.models import Business, Conversation, EndUser, Message, Sender
from rules.masking import MASKER_VERSION, Masker, shorten
from rules.presenter import masked_payload
from rules.redaction import masker_for, personal_entity_names_by_business, personal_values

LAST_MESSAGE_LENGTH = 300
REMASK_BATCH = 500
MASKED_CONVERSATION_FIELDS = [
    "masked_external_id",
    "masked_csat_review",
    "masked_last_user_message_text",
    "masked_close_reason",
]
MASKED_MESSAGE_FIELDS = ["masked_text", "masked_data"]
MASKED_END_USER_FIELDS = ["masked_external_id"]

Progress = Callable[[int, int], None]


def end_user_masker(end_user: EndUser, personal_entities: Iterable[str]) -> Masker:
    return masker_for(personal_values(end_user, personal_entities))


def mask_end_user(end_user: EndUser, masker: Masker) -> None:
    end_user.masked_external_id = masker.mask(end_user.external_id)


def mask_conversation(conversation: Conversation, masker: Masker) -> None:
    """The masked copies of the conversation's own fields (its messages' are their own)."""
    conversation.masked_external_id = masker.mask(conversation.external_id)
    conversation.masked_csat_review = masker.mask(conversation.csat_review)
    conversation.masked_close_reason = masker.mask(conversation.close_reason)


def mask_message(message: Message, masker: Masker) -> list[tuple[int, int, str]] | None:
    """The masked copies of a message: its text, and every string of its rich element.

    For a customer's message, returns where its text holds personal values (`Masker.find`):
    where the phrases that analytics counts break, so they need not be looked for again."""
    message.masked_data = masked_payload(message.data, masker, message.sender)
    if message.sender != Sender.USER:
        message.masked_text = masker.mask(message.text)
        return None
    spans = masker.find(message.text)
    message.masked_text = _replaced(message.text, spans)
    return spans


def _replaced(text: str, spans: list[tuple[int, int, str]]) -> str:
    """`text` with the spans `Masker.find` found in it replaced, as `Masker.mask` would replace
    them: without finding them again."""
    if not spans:
        return text
    parts, position = [], 0
    for start, end, placeholder in spans:
        parts.append(text[position:start])
        parts.append(placeholder)
        position = end
    parts.append(text[position:])
    return "".join(parts)


def note_messages(conversation: Conversation, messages: Iterable[Message]) -> None:
    """The counters, the time of the last message and what the customer last said, that
    lists show without reading the messages. An agent's private note is never counted in:
    not every viewer of a list may read it."""
    messages = list(messages)
    public = [m for m in messages if not m.private]
    last = max(public, key=lambda m: m.sent_at, default=None)
    conversation.message_count = len(messages)
    conversation.public_message_count = len(public)
    conversation.last_message_at = last.sent_at if last else None
    note_last_user_message(conversation, last_user_message(public))


def last_user_message(messages: Iterable[Message]) -> Message | None:
    """What the customer last said, which lists show: agents' private notes aside."""
    return max(
        (m for m in messages if m.sender == Sender.USER and not m.private),
        key=lambda m: m.sent_at,
        default=None,
    )


def note_last_user_message(conversation: Conversation, message: Message | None) -> None:
    """The preview and its masked copy; the copy is cut after masking, so no value is cut in
    two at its edge and half shown."""
    if message is None:
        conversation.last_user_message_text = conversation.masked_last_user_message_text = ""
        return
    # A picture or a form has no text of its own: its kind stands in, as it would in a widget.
    standing_in = f"({message.get_kind_display()})"
    conversation.last_user_message_text = (message.text or standing_in)[:LAST_MESSAGE_LENGTH]
    conversation.masked_last_user_message_text = shorten(
        message.masked_text or standing_in, LAST_MESSAGE_LENGTH
    )


def remask(conversations: QuerySet[Conversation], progress: Progress | None = None) -> int:
    """Mask the texts of `conversations` (with their messages and end users) again, with
    what is known now; returns how many conversations it read."""
    conversations = conversations.select_related("end_user").order_by("pk")
    total = conversations.count() if progress else 0
    done, last_pk = 0, 0
    while batch := list(conversations.filter(pk__gt=last_pk)[:REMASK_BATCH]):
        _remask_batch(batch)
        last_pk = batch[-1].pk
        done += len(batch)
        if progress:
            progress(done, max(total, done))
    return done


def _remask_batch(batch: list[Conversation]) -> None:
    personal = personal_entity_names_by_business({c.business_id for c in batch})
    messages = defaultdict(list)
    for message in Message.objects.filter(conversation__in=batch).only(
        "conversation_id",
        "sent_at",
        "sender",
        "kind",
        "private",
        "text",
        "data",
        *MASKED_MESSAGE_FIELDS,
    ):
        messages[message.conversation_id].append(message)
    # One masker per end user; only the copies that come out otherwise are written.
    maskers: dict[int, Masker] = {}
    changed_messages: list[Message] = []
    changed_conversations: list[Conversation] = []
    changed_users: list[EndUser] = []
    for conversation in batch:
        end_user = conversation.end_user
        masker = maskers.get(end_user.pk)
        if masker is None:
            masker = end_user_masker(end_user, personal[conversation.business_id])
            maskers[end_user.pk] = masker
            before = _values(end_user, MASKED_END_USER_FIELDS)
            mask_end_user(end_user, masker)
            if _values(end_user, MASKED_END_USER_FIELDS) != before:
                changed_users.append(end_user)
        for message in messages[conversation.pk]:
            before = _values(message, MASKED_MESSAGE_FIELDS)
            mask_message(message, masker)
            if _values(message, MASKED_MESSAGE_FIELDS) != before:
                changed_messages.append(message)
        before = _values(conversation, MASKED_CONVERSATION_FIELDS)
        mask_conversation(conversation, masker)
        note_messages(conversation, messages[conversation.pk])
        if _values(conversation, MASKED_CONVERSATION_FIELDS) != before:
            changed_conversations.append(conversation)
    bulk.update(Message, changed_messages, MASKED_MESSAGE_FIELDS)
    bulk.update(Conversation, changed_conversations, MASKED_CONVERSATION_FIELDS)
    bulk.update(EndUser, changed_users, MASKED_END_USER_FIELDS)


def _values(obj: Any, fields: list[str]) -> list[Any]:
    return [getattr(obj, name) for name in fields]


def remask_business(business: Business, progress: Progress | None = None) -> None:
    """Mask every text of the business again, with the current rules; the business row is
    locked meanwhile, so an import waits rather than write copies this would overwrite."""
    with transaction.atomic():
        locked = Business.objects.locked(business.pk)
        remask(Conversation.objects.filter(business=locked), progress)
        locked.masker_version = MASKER_VERSION
        locked.save(update_fields=["masker_version"])
