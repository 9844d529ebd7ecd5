"""The chat page's user panel (their details, their other conversations) and sender labels,
as much as the viewer may see."""

import datetime
import re
from dataclasses import dataclass

from conversations.models import Conversation, Sender
from conversations.staff import staff_name
from rules.masking import PLACEHOLDER_WORDS, personal_placeholder
from rules.viewer import Viewer

USER_FIELDS = [("name", "Name"), ("email", "Email"), ("phone", "Phone")]


@dataclass(frozen=True)
class DetailRow:
    label: str
    value: str
    masked: bool = False


def detail_rows(end_user, viewer: Viewer):
    """The user details panel: name, email, phone and collected attributes.

    Analytics-only viewers get no personal rows at all; masked viewers see that a value
    exists, not what it is. Other attributes are shown, masked like any text about this user,
    since anything may be typed into them: keys too ("Octavia Blenkinsop loyalty tier").
    """
    presenter, masked = viewer.presenter, not viewer.sees_personal_data
    rows = []
    if viewer.shows_personal_fields:
        for field, label in USER_FIELDS:
            value = getattr(end_user, field)
            if value:
                rows.append(DetailRow(label, f"[{field}]" if masked else value, masked))
    for key, value in sorted((end_user.attributes or {}).items()):
        # Masked first, then in words: only separators change, so nothing masked shows.
        label = words_of(presenter.user_text(end_user, key))
        if not masked or not presenter.is_personal_entity(key):
            rows.append(DetailRow(label, presenter.user_text(end_user, str(value))))
        elif viewer.shows_personal_fields:
            rows.append(DetailRow(label, personal_placeholder(key), masked=True))
    return rows


_KEY_SEPARATORS = re.compile(r"[_\-]+")


def words_of(key: str) -> str:
    """An attribute's key as words, written as its placeholder is: "date_of_birth" reads
    "Date of birth", "pan_number" "PAN number". Only underscores and hyphens are replaced."""
    words = [
        PLACEHOLDER_WORDS.get(word.lower(), word) for word in _KEY_SEPARATORS.sub(" ", key).split()
    ]
    label = " ".join(words)
    return label[:1].upper() + label[1:]


def sender_label(message, conversation, viewer: Viewer) -> str:
    presenter = viewer.presenter
    if message.sender == Sender.USER:
        name = conversation.end_user.name
        return name if name and viewer.sees_personal_data else "User"
    if message.sender == Sender.BOT:
        return presenter.label(conversation.bot.name)
    if message.sender == Sender.AGENT:
        agent = message.agent
        return presenter.label(staff_name(agent)) if agent else "Agent"
    return "System"


# How many of the user's conversations the panel lists, around the one open; Previous / Next
# step through the rest.
THEIR_CONVERSATIONS_LISTED = 10


@dataclass(frozen=True)
class TheirConversation:
    token: str
    started_at: datetime.datetime
    status: str
    bot_name: str
    current: bool


@dataclass(frozen=True)
class TheirConversations:
    """The user's conversations around the one open, oldest first as "3 of 9" counts them."""

    rows: list[TheirConversation]
    first_number: int  # the place of rows[0] among all of them
    earlier: int  # not listed, before the first row
    later: int  # not listed, after the last row

    # The rows are centred on the open conversation, so its neighbours are always among them.
    @property
    def previous(self) -> TheirConversation | None:
        return self._beside(-1)

    @property
    def next(self) -> TheirConversation | None:
        return self._beside(1)

    def _beside(self, step: int) -> TheirConversation | None:
        # None if a conversation imported between the count and the list moved it out.
        current = next((index for index, row in enumerate(self.rows) if row.current), None)
        if current is None or not 0 <= current + step < len(self.rows):
            return None
        return self.rows[current + step]


def their_conversations(conversation, viewer: Viewer, place: tuple[int, int]) -> TheirConversations:
    """The end user's conversations as the viewer may see them, in one query: every viewer who
    may open a conversation of the business may open all of its user's (an end user belongs to
    one business), so the count is `place`'s; bots are named as the viewer sees names."""
    number, total = place
    first = max(
        0, min(number - 1 - THEIR_CONVERSATIONS_LISTED // 2, total - THEIR_CONVERSATIONS_LISTED)
    )
    listed = (
        Conversation.objects.filter(end_user_id=conversation.end_user_id)
        .select_related("bot")
        .only("token", "started_at", "status", "bot__name")
        .order_by("started_at", "id")[first : first + THEIR_CONVERSATIONS_LISTED]
    )
    rows = [
        TheirConversation(
            token=theirs.token,
            started_at=theirs.started_at,
            status=theirs.get_status_display(),
            bot_name=viewer.presenter.label(theirs.bot.name),
            current=theirs.pk == conversation.pk,
        )
        for theirs in listed
    ]
    return TheirConversations(rows, first + 1, first, max(0, total - first - len(rows)))
