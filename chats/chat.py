"""The chat link page: one conversation, as much of it as the viewer may see."""

import datetime
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.safestring import SafeString

from chats.transcript import detail_rows, sender_label, their_conversations
from conversations.models import Conversation, Message, MessageKind, Sender
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
    position: int  # among the messages the viewer sees: what pages and live updates count
    number: int  # its number and anchor, the same in every view (see Numbering)
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


class Numbering:
    """A message's number is its place among all its conversation's messages, agents' private
    notes included, so that #15 is the same message for staff, analysts and share links: the
    notes a viewer may not see leave a gap in the numbers, not a renumbering. Pages and live
    updates count positions, places among the messages the viewer sees; this converts."""

    def __init__(self, conversation, viewer: Viewer):
        # The numbers of the notes hidden from the viewer, in order.
        self.hidden: list[int] = []
        if viewer.sees_private_notes or conversation.message_count == (
            conversation.public_message_count
        ):
            return
        # A note's number counts the messages before it (msg_transcript indexes that).
        earlier = (
            Message.objects.filter(conversation=OuterRef("conversation"))
            .filter(
                Q(sent_at__lt=OuterRef("sent_at"))
                | Q(sent_at=OuterRef("sent_at"), id__lt=OuterRef("id"))
            )
            .values("conversation")
            .annotate(count=Count("*"))
            .values("count")
        )
        notes = conversation.messages.filter(private=True).annotate(
            earlier=Coalesce(Subquery(earlier), 0)
        )
        self.hidden = sorted(count + 1 for count in notes.values_list("earlier", flat=True))

    def number(self, position: int) -> int:
        """The number of the message at `position`."""
        number = position
        for hidden in self.hidden:
            if hidden > number:
                break
            number += 1
        return number

    def position(self, number: int) -> int:
        """The position of the message numbered `number`; for a hidden note's number, that of
        the last message before it that the viewer sees."""
        return max(number - bisect_right(self.hidden, number), 1)


def shown_messages(conversation, viewer: Viewer, messages, first_position):
    """`messages` (from `first_position` on) as the viewer sees them."""
    numbering = Numbering(conversation, viewer)
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
            number=numbering.number(first_position + offset),
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
    context = {
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
    }
    if viewer.sees_other_conversations:
        place = place_among_theirs(conversation)
        theirs = their_conversations(conversation, viewer, place)
        context.update(place=place, theirs=theirs, previous=theirs.previous, next=theirs.next)
    return context


def place_among_theirs(conversation) -> tuple[int, int]:
    """(n, total): the conversation is the user's n-th of `total`, oldest first, as Previous
    and Next step through them."""
    started_at = conversation.started_at
    up_to = Q(started_at__lt=started_at) | Q(started_at=started_at, id__lte=conversation.id)
    counts = Conversation.objects.filter(end_user_id=conversation.end_user_id).aggregate(
        n=Count("id", filter=up_to), total=Count("id")
    )
    return counts["n"], counts["total"]


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


def position_of(
    conversation: Conversation, message_id: int, viewer: Viewer
) -> tuple[int, int] | None:
    """The 1-based position of a message in its conversation's transcript as `viewer` sees it,
    and its number; None when the conversation has no such message for them."""
    messages = visible_messages(conversation, viewer)
    message = messages.filter(pk=message_id).values("sent_at", "id").first()
    if message is None:
        return None
    before = Q(sent_at__lt=message["sent_at"]) | Q(sent_at=message["sent_at"], id__lt=message["id"])
    position = messages.filter(before).count() + 1
    return position, Numbering(conversation, viewer).number(position)


def position_of_number(
    conversation: Conversation, number: int | None, viewer: Viewer
) -> tuple[int, int]:
    """The position and number of the message numbered `number` (of the last message the
    viewer sees before it, for a note hidden from them); None: of the last message they see."""
    numbering = Numbering(conversation, viewer)
    if number is None:
        position = (
            conversation.message_count
            if viewer.sees_private_notes
            else conversation.public_message_count
        )
    else:
        position = numbering.position(number)
    return position, numbering.number(max(position, 1))


def page_of_message(position):
    """The transcript page that shows the message at 1-based `position`."""
    return (max(position, 1) - 1) // MESSAGES_PER_PAGE + 1
