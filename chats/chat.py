"""The chat link page: one conversation, as much of it as the viewer may see."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import SafeString

from chats.transcript import detail_rows, sender_label
from conversations.models import Conversation, MessageKind, Sender
from conversations.staff import staff_name
from rules.viewer import Viewer
from web.pagination import paginate

MESSAGES_PER_PAGE = 200
# The elements that offer options the user may pick; the pick is highlighted in the last one.
OFFERING_KINDS = frozenset({MessageKind.QUICK_REPLIES, MessageKind.BUTTONS, MessageKind.CAROUSEL})


@dataclass(frozen=True)
class ShownAttachment:
    kind: str  # image, audio, video or file: what a placeholder names
    name: str
    size: int | None
    url: str | None  # our access-checked view, for full viewers only
    hidden: bool  # sent by the user, and the viewer is masked: kind and size alone


MEDIA_KINDS = ("image", "audio", "video")


@dataclass
class ShownMessage:
    position: int
    sender: str
    label: str
    sent_at: datetime.datetime  # in the business's time zone, so its date is the local day
    html: SafeString
    bot_break: bool
    kind: str
    data: dict[str, Any]  # the element's fields, masked as the viewer must see them
    private: bool
    # Where the viewer opens the message's attachments and pictures; None: nowhere (masked).
    media_url: str | None
    chosen: str | None = None  # the option the user picked from this element

    @property
    def day(self):
        return self.sent_at.date()

    @property
    def attachments(self):
        shown = []
        for index, attachment in enumerate(self.data.get("attachments", ())):
            major = attachment.get("media_type", "").partition("/")[0]
            kind = major if major in MEDIA_KINDS else self.kind
            shown.append(
                ShownAttachment(
                    kind=kind if kind in MEDIA_KINDS else "file",
                    name=attachment.get("name", ""),
                    size=attachment.get("size"),
                    url=self.media_url and f"{self.media_url}a{index}/",
                    hidden=attachment.get("hidden", False),
                )
            )
        return shown

    @property
    def time(self):
        # Formatted here rather than with the date filter: hundreds of messages a page.
        return self.sent_at.strftime("%H:%M")

    # Asked here rather than in the template, where a missing key costs a dir() of the dict.
    @property
    def picked(self):
        return self.data.get("picked")

    @property
    def initial(self):
        return self.label[:1].upper()


def visible_messages(conversation, viewer: Viewer):
    """The conversation's messages in transcript order; agents' private notes only for Smart
    Agent Chat staff (not analysts, not an external share link)."""
    messages = conversation.messages.order_by("sent_at", "id")
    return messages if viewer.sees_private_notes else messages.filter(private=False)


def shown_messages(conversation, viewer: Viewer, messages, first_position):
    """`messages` (from `first_position` on) as the viewer sees them."""
    end_user = conversation.end_user
    presenter = viewer.presenter
    tz = conversation.business.tzinfo
    # Attachments open through an access-checked view of our own, for full viewers only.
    media_prefix = (
        reverse("chat-link", args=[conversation.token]) + "media/"
        if viewer.sees_personal_data
        else None
    )
    shown, offering = [], None
    for offset, message in enumerate(messages):
        item = ShownMessage(
            position=first_position + offset,
            sender=message.sender,
            label=sender_label(message, conversation, viewer),
            sent_at=message.sent_at.astimezone(tz),
            html=presenter.message_html(message, end_user),
            bot_break=message.bot_break,
            kind=message.kind,
            data=presenter.message_data(message, end_user),
            private=message.private,
            media_url=media_prefix and f"{media_prefix}{message.pk}/",
        )
        if item.kind in OFFERING_KINDS:
            offering = item
        picked = item.data.get("picked")
        if offering is not None and item.sender == Sender.USER and picked:
            offering.chosen = picked
        shown.append(item)
    return shown


def chat_page(conversation, viewer: Viewer, page_number):
    """Everything the chat page template shows, already masked for `viewer`.

    Through an external share link the page leads to no other conversation and shows no
    private note.
    """
    presenter = viewer.presenter
    messages = visible_messages(conversation, viewer).select_related("agent")
    if not viewer.sees_personal_data and presenter.copies_current:
        messages = messages.defer("text", "data")  # shown from the masked copies alone
    # A page that is not there (?page=², -1, 99999) shows the nearest one, saying so: a shared
    # link with a stale page number still opens the conversation.
    page = paginate(messages, page_number, MESSAGES_PER_PAGE, of_what="this transcript")
    shown = shown_messages(conversation, viewer, page.object_list, page.start_index())
    follows = not conversation.is_closed and not page.has_next()
    return {
        "conversation": conversation,
        "viewer": viewer,
        "conversation_id": presenter.conversation_id(conversation),
        "bot_name": presenter.label(conversation.bot.name),
        "channel": presenter.label(conversation.channel),
        "agent_name": presenter.label(staff_name(conversation.agent)),
        "team_name": presenter.label(conversation.team.name if conversation.team else ""),
        "details": detail_rows(conversation.end_user, viewer),
        "csat_review": presenter.review_html(conversation),
        "close_reason": presenter.close_reason(conversation),
        # Not "messages": every template has that name for the messages framework's notes.
        "transcript": shown,
        "page": page,
        # The live updates ask for what follows the last message shown: on the last page only.
        "follows": follows,
        "last_position": page.end_index() if page.paginator.count else 0,
        "previous": viewer.sees_other_conversations
        and Conversation.objects.only("token").previous_of(conversation),
        "next": viewer.sees_other_conversations
        and Conversation.objects.only("token").next_of(conversation),
    }


LIVE_BATCH = MESSAGES_PER_PAGE


def messages_after(conversation, viewer: Viewer, position):
    """The messages after the 1-based `position`, as the chat page would show them, at most a
    page of them; the position of the last one; and the local day of the one at `position`
    (None: none), which the page shows last, so that a new day is marked as on the page."""
    messages = visible_messages(conversation, viewer)
    start = max(position - 1, 0)
    loaded = list(messages.select_related("agent")[start : position + LIVE_BATCH])
    previous = loaded.pop(0) if position and loaded else None
    shown = shown_messages(conversation, viewer, loaded, position + 1)
    previous_day = previous and previous.sent_at.astimezone(conversation.business.tzinfo).date()
    return shown, position + len(loaded), previous_day


def position_of(conversation, message_id, viewer: Viewer):
    """The 1-based position of a message in its conversation's transcript as `viewer` sees it,
    or None when the conversation has no such message for them."""
    messages = visible_messages(conversation, viewer)
    message = messages.filter(pk=message_id).values("sent_at", "id").first()
    if message is None:
        return None
    before = Q(sent_at__lt=message["sent_at"]) | Q(sent_at=message["sent_at"], id__lt=message["id"])
    return messages.filter(before).count() + 1


def page_of_message(position):
    """The transcript page that shows the message at 1-based `position`."""
    return (max(position, 1) - 1) // MESSAGES_PER_PAGE + 1
