"""The audit log as a business's admin may read it: filtered, in the business's time zone,
and never with end-user personal data beyond what the admin's own access shows.

A conversation is named by its chat link and by its id as the admin sees it
(rules.presenter): an admin without the permission sees the masked id, as on every page.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from audit.models import ActorKind, AuditEntry
from conversations.models import Business
from rules.presenter import Presenter

AUDIT_FIELDS = ("viewer", "conversation__end_user")


def filtered_entries(business: Business, form) -> QuerySet:
    """The business's audit entries that the filter form asks for, newest first."""
    form.is_valid()
    entries = AuditEntry.objects.filter(business=business)
    if form.refuses_range:
        return entries.none()
    if person := form.value("person"):
        entries = entries.filter(viewer_id=person)
    if token := form.value("conversation"):
        entries = entries.filter(conversation__token=token)
    if kind := form.value("kind"):
        entries = entries.filter(kind=kind)
    if level := form.value("level"):
        entries = entries.filter(level=level)
    since, until = form.time_range()
    if since:
        entries = entries.filter(at__gte=since)
    if until:
        entries = entries.filter(at__lt=until)
    return entries.order_by("-at", "-id")


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    who: str
    kind: str
    level: str
    conversation_id: str
    chat_path: str
    what: str


def who_of(entry: AuditEntry) -> str:
    """Who saw or changed something: a staff member by name, any other actor by its kind."""
    match entry.actor_kind:
        case ActorKind.API_KEY:
            return f"API key {entry.actor_name}"
        case ActorKind.COMMAND:
            return f"Command {entry.actor_name}"
        case ActorKind.OPERATOR:
            return f"Platform operator {entry.actor_name}"
        case ActorKind.SCHEDULE:
            return f"Scheduled {entry.actor_name}"
    viewer = entry.viewer
    if viewer is not None:
        return viewer.get_full_name() or viewer.get_username()
    return "someone not signed in" if entry.share_link_id else "a former user"


def audit_rows(entries: Iterable[AuditEntry], presenter: Presenter) -> Iterator[AuditRow]:
    """Each entry as the admin may read it (its viewer and conversation loaded)."""
    for entry in entries:
        conversation = entry.conversation
        yield AuditRow(
            at=timezone.localtime(entry.at, presenter.business.tzinfo),
            who=who_of(entry),
            kind=entry.get_kind_display(),
            level=entry.get_level_display() if entry.level else "",
            conversation_id=presenter.conversation_id(conversation) if conversation else "",
            chat_path=reverse("chat-link", args=[conversation.token]) if conversation else "",
            # Written without end-user data; masked all the same, in case a name typed into
            # a team or entity looked like a phone number or an email.
            what=presenter.label(entry.what),
        )


class _Echo:
    def write(self, value):
        return value


def spreadsheet_safe(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_COLUMNS = ["When", "Who", "What happened", "Level", "Conversation ID", "Chat link", "Details"]


def audit_csv(filename: str, rows: Iterable[AuditRow], site: str) -> StreamingHttpResponse:
    """A streamed CSV download of the rows, times in the business's time zone."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_COLUMNS)
        for row in rows:
            cells = [
                row.at.isoformat(),
                row.who,
                row.kind,
                row.level,
                row.conversation_id,
                f"{site}{row.chat_path}" if row.chat_path else "",
                row.what,
            ]
            yield writer.writerow([spreadsheet_safe(cell) for cell in cells])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
