"""What a viewer sees of one conversation: texts masked to their access, details panel rows."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from conversations.models import Entity, Sender
from rules.masking import Masker, PersonalValues

USER_FIELDS = [("name", "Name"), ("email", "Email"), ("phone", "Phone")]


def personal_entity_names_by_business(business_ids):
    """{business id: names of the entities any of its bots marks personal}, in one query.

    An end user's attributes are collected by all the business's bots, so a value that one bot
    marks personal stays personal in every conversation of that user, whichever bot it is with.
    """
    names = defaultdict(set)
    for business_id, name in Entity.objects.filter(
        bot__business_id__in=business_ids, personal=True
    ).values_list("bot__business_id", "name"):
        names[business_id].add(name)
    return names


def personal_entity_names(business_id):
    return personal_entity_names_by_business([business_id])[business_id]


def personal_values(end_user, personal_entities):
    """The values on record that the masking must hide, for one end user."""
    attributes = end_user.attributes or {}
    return PersonalValues(
        name=end_user.name,
        email=end_user.email,
        phone=end_user.phone,
        entities=tuple(
            (name, str(attributes[name]))
            for name in sorted(personal_entities)
            if attributes.get(name) not in (None, "")
        ),
    )


class Redactor:
    """Masks texts for a viewer, or passes them through for one with full access."""

    def __init__(self, access, known=None):
        self.masked = access.masked
        self.masker = Masker(known) if self.masked else None

    def text(self, text):
        return self.masker.mask(text) if self.masked else text

    def html(self, text):
        """Escaped text with each masked span shown as a visible placeholder."""
        if not self.masked:
            return escape(text)
        parts, position = [], 0
        for start, end, placeholder in self.masker.find(text):
            parts.append(escape(text[position:start]))
            parts.append(format_html('<span class="masked">{}</span>', placeholder))
            position = end
        parts.append(escape(text[position:]))
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


@dataclass(frozen=True)
class DetailRow:
    label: str
    value: str
    masked: bool = False


def detail_rows(end_user, personal_entities, access, redactor):
    """The user details panel: name, email, phone and collected attributes.

    `personal_entities` are the names of the personal entities. Analytics-only
    viewers get no personal rows at all; masked viewers see that a value exists, not what it is.
    Other attributes are shown, masked like any text, since anything may be typed into them.
    """
    rows = []
    if access.shows_personal_fields:
        for field, label in USER_FIELDS:
            value = getattr(end_user, field)
            if value:
                rows.append(
                    DetailRow(label, f"[{field}]" if access.masked else value, access.masked)
                )
    for name, value in sorted((end_user.attributes or {}).items()):
        if name not in personal_entities or not access.masked:
            rows.append(DetailRow(name, redactor.text(str(value))))
        elif access.shows_personal_fields:
            rows.append(DetailRow(name, f"[personal: {name}]", masked=True))
    return rows


def sender_label(message, conversation, access):
    if message.sender == Sender.USER:
        name = conversation.end_user.name
        return name if name and not access.masked else "User"
    if message.sender == Sender.BOT:
        return conversation.bot.name
    if message.sender == Sender.AGENT:
        agent = message.agent
        return (agent.get_full_name() or agent.get_username()) if agent else "Agent"
    return "System"
