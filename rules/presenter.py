"""Every string of a business's conversations that reaches a viewer, as their access allows.

Pages, titles, attributes, CSV and JSON take their texts from a `Presenter`, never from the
model fields: a viewer with full access gets the texts as imported, any other viewer the masked
copies that the writer stores beside them (ingest.copies). Reading stored copies costs no
masking per request, and what a masked viewer searches, filters and counts is exactly what
they are shown: the copies, never the raw text.

While a business's copies are being masked again (after an entity turned personal, or a new
MASKER_VERSION), a copy may still hold a value that has just become personal: until the job is
done, texts are masked from the raw text on the way out, and searches of masked text wait.
"""

import re
from functools import lru_cache
from typing import Any

from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeString

from conversations.models import Business, Conversation, EndUser, Job, Message, Sender
from rules.access import Access
from rules.masking import (
    AADHAAR,
    CARD_NUMBER,
    EMAIL,
    MASKER_VERSION,
    NAME,
    PAN,
    PHONE,
    Masker,
    PersonalValues,
    personal_placeholder,
    shorten,
)
from rules.redaction import (
    masker_for,
    personal_entity_named,
    personal_entity_names,
    personal_values,
)
from web.html import linked_html, marked_html


def masked_copies_current(business: Business) -> bool:
    """Whether the business's stored masked copies hide all that masking hides now."""
    return business.masker_version == MASKER_VERSION and not Job.objects.remasking(business)


@lru_cache(maxsize=256)
def placeholder_pattern(personal_entities: frozenset[str]) -> re.Pattern[str]:
    """The placeholders a masked text of a business may hold: the generic ones and those of its
    personal entities, and no other bracketed words (a user's own "[sic]" is not masked)."""
    entities = {personal_placeholder(name) for name in personal_entities}
    shown = sorted(
        {NAME, EMAIL, PHONE, CARD_NUMBER, PAN, AADHAAR, *entities}, key=len, reverse=True
    )
    return re.compile("|".join(re.escape(placeholder) for placeholder in shown))


def placeholder_spans(masked: str, placeholders: re.Pattern[str]) -> list[tuple[int, int, str]]:
    return [(match.start(), match.end(), match[0]) for match in placeholders.finditer(masked)]


def masked_payload(data: dict[str, Any], masker: Masker, sender: str) -> dict[str, Any]:
    """A rich element's fields as a masked viewer may see them.

    Every string is masked. No URL is kept at all: a link or picture elsewhere may carry what
    masking cannot recognise (a signed link to a document, a tracking id), and a masked page
    never sends its viewer to a third party. What the user sent themselves (photos of
    documents, where they are) keeps only its kind and size: `hidden` says so.
    """
    if not data:
        return {}  # a plain text message, as most are
    by_user = sender == Sender.USER
    masked = _masked_leaves(data, masker)
    for attachment in masked.get("attachments", ()):
        attachment.pop("url", None)
        if by_user:
            attachment["name"] = ""
            attachment["hidden"] = True
    for item in [*masked.get("buttons", ()), *masked.get("cards", ())]:
        item.pop("url", None)
        item.pop("image", None)
        for button in item.get("buttons", ()):
            button.pop("url", None)
    if by_user and "location" in masked:
        masked["location"] = {"hidden": True}
    return dict(masked)


def _masked_leaves(value: Any, masker: Masker) -> Any:
    if isinstance(value, str):
        return masker.mask(value)
    if isinstance(value, dict):
        return {key: _masked_leaves(item, masker) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked_leaves(item, masker) for item in value]
    return value


class Presenter:
    """The texts of one business's conversations as a viewer with `access` may see them.

    Each method takes the object whose text it shows; those of a conversation need its end user
    loaded (select_related), as masking on the way out may need what is known about them.
    """

    def __init__(self, access: Access, business: Business):
        self.masked = access.masked
        self.business = business

    @cached_property
    def copies_current(self) -> bool:
        # Read only when a text of a conversation is shown: names (`label`) need no query.
        return masked_copies_current(self.business) if self.masked else True

    @cached_property
    def personal_entities(self) -> frozenset[str]:
        # Read only when masking on the way out: current copies need no query for it.
        return personal_entity_names(self.business.pk) if self.masked else frozenset()

    @cached_property
    def placeholders(self) -> re.Pattern[str]:
        return placeholder_pattern(self.personal_entities)

    @property
    def search_paused(self) -> bool:
        """Whether a search of masked text would see copies that are being masked again."""
        return self.masked and not self.copies_current

    def masker(self, end_user: EndUser) -> Masker:
        return masker_for(personal_values(end_user, self.personal_entities))

    def _shown(self, end_user: EndUser, obj: object, field: str) -> str:
        """`obj`'s `field` as the viewer sees it; only the field read is loaded (a chat page
        for a masked viewer defers the raw texts)."""
        if not self.masked:
            return str(getattr(obj, field))
        if self.copies_current:
            return str(getattr(obj, f"masked_{field}"))
        return self.masker(end_user).mask(getattr(obj, field))

    def _shown_html(self, end_user: EndUser, obj: object, field: str) -> SafeString:
        if not self.masked:
            return escape(getattr(obj, field))
        if self.copies_current:
            copy = getattr(obj, f"masked_{field}")
            return marked_html(copy, placeholder_spans(copy, self.placeholders))
        raw = getattr(obj, field)
        return marked_html(raw, self.masker(end_user).find(raw))

    def conversation_id(self, conversation: Conversation) -> str:
        return self._shown(conversation.end_user, conversation, "external_id")

    def user_id(self, end_user: EndUser) -> str:
        return self._shown(end_user, end_user, "external_id")

    def message_text(self, message: Message, end_user: EndUser) -> str:
        return self._shown(end_user, message, "text")

    def message_html(self, message: Message, end_user: EndUser) -> SafeString:
        """The text, its links clickable for full viewers only: a masked page sends no one to
        another site (see masked_payload)."""
        if not self.masked:
            return linked_html(message.text)
        return self._shown_html(end_user, message, "text")

    def message_data(self, message: Message, end_user: EndUser) -> dict[str, Any]:
        """The rich element's fields (ingest.records) as the viewer may see them."""
        # A JSONField is typed Any: a rich element's fields are an object (ingest.records).
        if not self.masked:
            data: dict[str, Any] = message.data
            return data
        if self.copies_current:
            copy: dict[str, Any] = message.masked_data
            return copy
        return masked_payload(message.data, self.masker(end_user), message.sender)

    def close_reason(self, conversation: Conversation) -> str:
        return self._shown(conversation.end_user, conversation, "close_reason")

    def review_text(self, conversation: Conversation) -> str:
        return self._shown(conversation.end_user, conversation, "csat_review")

    def review_html(self, conversation: Conversation) -> SafeString:
        return self._shown_html(conversation.end_user, conversation, "csat_review")

    def preview(self, conversation: Conversation, length: int) -> str:
        """What the customer last said, shortened: masked before it was cut."""
        return shorten(
            self._shown(conversation.end_user, conversation, "last_user_message_text"), length
        )

    def user_text(self, end_user: EndUser, raw: str) -> str:
        """Any other text about one end user (an attribute's value), masked as it is shown."""
        return self.masker(end_user).mask(raw) if self.masked else raw

    def label(self, text: str) -> str:
        """A name the business chose (a bot's, a team's, a channel's, an attribute's key):
        anything may be typed into those too, so the generic masking applies."""
        return masker_for(PersonalValues()).mask(text) if self.masked else text

    def is_personal_entity(self, name: str) -> bool:
        return personal_entity_named(name, self.personal_entities) is not None
