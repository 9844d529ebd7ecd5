"""The chat link page: one conversation, as much of it as the viewer may see."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.safestring import SafeString

from chatlinks.transcript import detail_rows, sender_label
from conversations.models import Conversation
from rules.pagination import paginate
from rules.presenter import Presenter

MESSAGES_PER_PAGE = 200


@dataclass(frozen=True)
class ShownMessage:
    position: int
    sender: str
    label: str
    sent_at: object  # in the business's time zone, so its date is the local day
    html: SafeString
    bot_break: bool

    @property
    def day(self):
        return self.sent_at.date()

    @property
    def time(self):
        # Formatted here rather than with the date filter: hundreds of messages a page.
        return self.sent_at.strftime("%H:%M")


def chat_page(conversation, access, page_number, with_neighbours=True):
    """Everything the chat page template shows, already masked for `access`.

    Without `with_neighbours` (an external share link) the page leads to no other conversation.
    """
    presenter = Presenter(access, conversation.business)
    end_user = conversation.end_user
    tz = conversation.business.tzinfo
    messages = conversation.messages.select_related("agent").order_by("sent_at", "id")
    if presenter.copies_current and presenter.masked:
        messages = messages.defer("text")  # shown from the masked copies alone
    # A page that is not there (?page=², -1, 99999) shows the nearest one, saying so: a shared
    # link with a stale page number still opens the conversation.
    page = paginate(messages, page_number, MESSAGES_PER_PAGE, of_what="this transcript")
    shown = [
        ShownMessage(
            position=page.start_index() + offset,
            sender=message.sender,
            label=sender_label(message, conversation, access, presenter),
            sent_at=message.sent_at.astimezone(tz),
            html=presenter.message_html(message, end_user),
            bot_break=message.bot_break,
        )
        for offset, message in enumerate(page.object_list)
    ]
    return {
        "conversation": conversation,
        "access": access,
        "conversation_id": presenter.conversation_id(conversation),
        "bot_name": presenter.label(conversation.bot.name),
        "channel": presenter.label(conversation.channel),
        "details": detail_rows(end_user, access, presenter),
        "csat_review": presenter.review_html(conversation),
        # Not "messages": every template has that name for the messages framework's notes.
        "transcript": shown,
        "page": page,
        "with_neighbours": with_neighbours,
        "previous": with_neighbours
        and Conversation.objects.only("token").previous_of(conversation),
        "next": with_neighbours and Conversation.objects.only("token").next_of(conversation),
    }


def position_of(conversation, message_id):
    """The 1-based position of a message in its conversation's transcript, or None when the
    conversation has no such message."""
    message = conversation.messages.filter(pk=message_id).values("sent_at", "id").first()
    if message is None:
        return None
    before = Q(sent_at__lt=message["sent_at"]) | Q(sent_at=message["sent_at"], id__lt=message["id"])
    return conversation.messages.filter(before).count() + 1


def page_of_message(position):
    """The transcript page that shows the message at 1-based `position`."""
    return (max(position, 1) - 1) // MESSAGES_PER_PAGE + 1
