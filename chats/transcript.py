"""The chat page's user details panel and sender labels, as much as the viewer may see."""

from dataclasses import dataclass

from conversations.models import Sender
from conversations.staff import staff_name
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
        label = presenter.user_text(end_user, key)
        if not masked or not presenter.is_personal_entity(key):
            rows.append(DetailRow(label, presenter.user_text(end_user, str(value))))
        elif viewer.shows_personal_fields:
            rows.append(DetailRow(label, f"[personal: {label}]", masked=True))
    return rows


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
