"""The tables of the analytics pages: their columns, their rows as masked cells, and CSV.

A table is a list of columns; a column turns one row object into a cell, whose `text` goes
into the CSV and whose `shown` (HTML, or text the template escapes) into the page. Every text
of a conversation (message bodies, reviews, user and conversation ids, bot and channel names)
comes from the presenter of analytics access (rules.presenter), so no page, CSV or chart built
from a table can show personal data, whoever looks.
"""

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from conversations.staff import staff_name
from rules.viewer import Viewer
from web.filters import day_text

PER_PAGE = 50


@dataclass(frozen=True)
class Cell:
    text: str
    html: str | None = None

    @property
    def shown(self):
        """The HTML if the cell has some, else its text (which the template escapes)."""
        return self.text if self.html is None else self.html


class MaskedCell:
    """A masked text: plain for CSV, with visible placeholders for the page. Each is made
    only when asked for, as a page needs one and a CSV the other."""

    def __init__(self, text: Callable[[], str], html: Callable[[], str]):
        self._text = text
        self._html = html

    @property
    def text(self):
        return self._text()

    @property
    def shown(self):
        return self._html()


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    # (a row's object: a model or a report's row; its RowContext or a subclass) -> its cell
    cell: Callable[[Any, Any], "Cell | MaskedCell"]
    shown_by_default: bool = True


@dataclass(frozen=True)
class Table:
    name: str  # names the CSV file, and the table in remembered column choices
    columns: tuple[Column, ...]

    def shown_columns(self, keys=None):
        """The columns whose keys are in `keys` (default: those shown by default), in order."""
        if not keys:
            return [column for column in self.columns if column.shown_by_default]
        return [column for column in self.columns if column.key in keys]

    def column_keys(self):
        return [column.key for column in self.columns]


class RowContext:
    """What rows need besides their objects: the presenter of their texts (the viewer's, as
    Intelligent Analytics shows them: Viewer.for_analytics), the business's time zone, and the
    page that View Chat should lead back to.

    Each row's conversation must come with its end user (select_related): masking a text on
    the way out, while the stored copies are masked again, needs what is known about them.
    """

    def __init__(self, request, viewer: Viewer):
        self.request = request
        self.business = viewer.business
        self.tzinfo = viewer.business.tzinfo
        self.presenter = viewer.presenter

    def message(self, message):
        if not message.text:
            # A picture or a form has no text of its own: its kind stands in, as in the lists.
            return Cell(f"({message.get_kind_display()})")
        end_user = message.conversation.end_user
        return MaskedCell(
            lambda: self.presenter.message_text(message, end_user),
            lambda: self.presenter.message_html(message, end_user),
        )

    def review(self, conversation):
        return MaskedCell(
            lambda: self.presenter.review_text(conversation),
            lambda: self.presenter.review_html(conversation),
        )

    def conversation_id(self, conversation):
        return Cell(self.presenter.conversation_id(conversation))

    def user_id(self, conversation):
        return Cell(self.presenter.user_id(conversation.end_user))

    def label(self, text):
        return Cell(self.presenter.label(text))

    def chat_link(self, conversation, at=None):
        """View Chat: the chat link, opened where `at` says: {"m": a message's id} or
        {"message": "last"}."""
        url = reverse("chat-link", args=[conversation.token])
        at = at or {}
        back = urlencode({**at, "from": self.request.get_full_path()})
        absolute = self.request.build_absolute_uri(url)
        return Cell(
            f"{absolute}?{urlencode(at)}" if at else absolute,
            format_html('<a class="row-link" href="{}?{}">View Chat</a>', url, back),
        )

    def moment(self, value):
        if value is None:
            return Cell("")
        local = value.astimezone(self.tzinfo)
        # The export keeps ISO times, for spreadsheets; the page writes them as every page does.
        shown = f"{day_text(local)}, {local:%H:%M}"
        return Cell(
            local.strftime("%Y-%m-%d %H:%M"),
            format_html('<time datetime="{}">{}</time>', local.isoformat(), shown),
        )


def rows(table_columns, objects, context):
    """The cells of each object, one list per row."""
    for obj in objects:
        yield [column.cell(obj, context) for column in table_columns]


def plain(value):
    return Cell("" if value is None else str(value))


def count(value):
    return Cell(str(value), intcomma(value))


def percent(part, whole):
    return Cell(f"{part / whole:.1%}" if whole else "")


# Message Analysis: View Messages (rows are Messages with conversation__end_user, bot,
# conversation__agent selected).
MESSAGES = Table(
    "messages",
    (
        Column("body", "Body", lambda m, ctx: ctx.message(m)),
        Column("chat_link", "Chat Link", lambda m, ctx: ctx.chat_link(m.conversation, {"m": m.pk})),
        Column(
            "conversation", "Conversation ID", lambda m, ctx: ctx.conversation_id(m.conversation)
        ),
        Column("sent_at", "Created At", lambda m, ctx: ctx.moment(m.sent_at)),
        Column("sender", "Sender", lambda m, ctx: plain(m.get_sender_display())),
        Column("bot", "Bot", lambda m, ctx: ctx.label(m.bot.name)),
        Column("channel", "Channel", lambda m, ctx: ctx.label(m.channel)),
        Column(
            "bot_break",
            "Bot break",
            lambda m, ctx: plain("yes" if m.bot_break else "no"),
            shown_by_default=False,
        ),
        Column(
            "agent",
            "Agent",
            lambda m, ctx: ctx.label(staff_name(m.conversation.agent)),
            shown_by_default=False,
        ),
    ),
)

# Message Analysis: View Conversations (rows are Conversations with end_user, bot, agent and
# team selected).
CONVERSATIONS = Table(
    "conversations",
    (
        Column("conversation", "Conversation ID", lambda c, ctx: ctx.conversation_id(c)),
        Column("chat_link", "Chat Link", lambda c, ctx: ctx.chat_link(c)),
        Column("user", "User", lambda c, ctx: ctx.user_id(c)),
        Column("started", "Started", lambda c, ctx: ctx.moment(c.started_at)),
        # Intelligent Analytics shows no private notes: nor does it count them.
        Column("messages", "Messages", lambda c, ctx: count(c.public_message_count)),
        Column("agent", "Agent", lambda c, ctx: ctx.label(staff_name(c.agent))),
        Column("team", "Team", lambda c, ctx: ctx.label(c.team.name if c.team else "")),
        Column("csat", "CSAT", lambda c, ctx: plain(c.csat_rating)),
        Column("bot", "Bot", lambda c, ctx: ctx.label(c.bot.name), shown_by_default=False),
        Column("channel", "Channel", lambda c, ctx: ctx.label(c.channel), shown_by_default=False),
    ),
)

# Word Analysis: the messages that contain a phrase.
PHRASE_MESSAGES = Table(
    "phrase-messages",
    tuple(
        column
        for column in MESSAGES.columns
        if column.key in ("body", "chat_link", "conversation", "sent_at", "bot", "channel")
    ),
)

# CSAT / User Reviews: the review list (rows are rated Conversations, as for CONVERSATIONS).
REVIEWS = Table(
    "reviews",
    (
        Column("rating", "Rating", lambda c, ctx: plain(c.csat_rating)),
        Column("review", "Review", lambda c, ctx: ctx.review(c)),
        Column("date", "Date", lambda c, ctx: ctx.moment(c.csat_at or c.started_at)),
        Column("bot", "Bot", lambda c, ctx: ctx.label(c.bot.name)),
        Column("agent", "Agent", lambda c, ctx: ctx.label(staff_name(c.agent))),
        # A review is given when the chat ends: View Chat opens it at the last message the
        # viewer sees (chats.views: a position counted here would differ between viewers).
        Column(
            "chat_link",
            "Chat Link",
            lambda c, ctx: ctx.chat_link(
                c, {"message": "last"} if c.public_message_count else None
            ),
        ),
    ),
)


class PhraseContext:
    """What the rows of the phrase table need: the link of each phrase, with the page's
    filters, and how many messages a share is a share of."""

    def __init__(self, request, business, in_scope):
        self.url = reverse("analytics-phrase", args=[business.slug])
        self.query = request.GET.copy()
        self.query.pop("page", None)
        self.in_scope = in_scope

    def phrase_url(self, phrase):
        self.query["phrase"] = phrase
        return f"{self.url}?{self.query.urlencode()}"

    def phrase_link(self, phrase):
        return Cell(phrase, format_html('<a href="{}">{}</a>', self.phrase_url(phrase), phrase))


# Word Analysis (rows are {"phrase", "messages"} from DailyPhraseCount).
PHRASES = Table(
    "phrases",
    (
        Column("phrase", "Phrase", lambda row, ctx: ctx.phrase_link(row["phrase"])),
        Column("messages", "Messages", lambda row, ctx: count(row["messages"])),
        Column(
            "share", "Share of messages", lambda row, ctx: percent(row["messages"], ctx.in_scope)
        ),
    ),
)

# CSAT / User Reviews: the rating distribution (rows are (rating, conversations, rated)).
DISTRIBUTION = Table(
    "ratings",
    (
        Column("rating", "Rating", lambda row, ctx: plain(row[0])),
        Column("conversations", "Conversations", lambda row, ctx: count(row[1])),
        Column("share", "Share of ratings", lambda row, ctx: percent(row[1], row[2])),
    ),
)


def ratio(value, digits=2):
    return Cell("" if value is None else f"{value:.{digits}f}")


# CSAT / User Reviews: the trend (rows are reports.Ratings, one per day or week).
TREND = Table(
    "csat-trend",
    (
        Column("start", "Period from", lambda r, ctx: plain(r.start)),
        Column("conversations", "Conversations", lambda r, ctx: count(r.conversations)),
        Column("rated", "Rated", lambda r, ctx: count(r.rated)),
        Column("average", "Average rating", lambda r, ctx: ratio(r.average)),
        Column("csat", "CSAT %", lambda r, ctx: percent(r.satisfied, r.rated)),
        Column("response", "Response rate", lambda r, ctx: percent(r.rated, r.conversations)),
    ),
)


def duration(seconds):
    """Seconds for the CSV, minutes and hours for the page."""
    if seconds is None:
        return Cell("")
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        shown = f"{hours} h {minutes:02d} min"
    elif minutes:
        shown = f"{minutes} min {secs:02d} s"
    else:
        shown = f"{secs} s"
    return Cell(str(whole), shown)


def _named(title):
    return Column("name", title, lambda row, ctx: ctx.label(row.name))


# Agents and teams (rows are reports.Handling): CSAT and times of the conversations an agent
# or team had; times in seconds in the CSV.
PEOPLE_FIGURES = (
    Column("conversations", "Conversations", lambda r, ctx: count(r.conversations)),
    Column("rated", "Rated", lambda r, ctx: count(r.rated)),
    Column("average", "Average rating", lambda r, ctx: ratio(r.average)),
    Column("csat", "CSAT %", lambda r, ctx: percent(r.satisfied, r.rated)),
    Column(
        "first_response_median",
        "First response, median",
        lambda r, ctx: duration(r.first_response_median),
    ),
    Column(
        "first_response_p90",
        "First response, 90th pct",
        lambda r, ctx: duration(r.first_response_p90),
    ),
    Column("resolution_median", "Resolution, median", lambda r, ctx: duration(r.resolution_median)),
    Column("resolution_p90", "Resolution, 90th pct", lambda r, ctx: duration(r.resolution_p90)),
)
AGENTS = Table("agents", (_named("Agent"), *PEOPLE_FIGURES))
TEAMS = Table("teams", (_named("Team"), *PEOPLE_FIGURES))

# Bot containment (rows are reports.Containment): how many conversations the bot kept and closed
# without an agent, and how many it handed over.
CONTAINMENT_FIGURES = (
    Column("conversations", "Conversations", lambda r, ctx: count(r.conversations)),
    Column("contained", "Closed without an agent", lambda r, ctx: count(r.contained)),
    Column("containment", "Containment", lambda r, ctx: percent(r.contained, r.conversations)),
    Column("handed_over", "Handed over", lambda r, ctx: count(r.handovers)),
    Column("handover_rate", "Hand-over rate", lambda r, ctx: percent(r.handovers, r.conversations)),
)
BOTS = Table("bots", (_named("Bot"), *CONTAINMENT_FIGURES))
CHANNELS = Table("channels", (_named("Channel"), *CONTAINMENT_FIGURES))


class _Echo:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def spreadsheet_safe(text):
    # A cell starting with one of these is run as a formula by spreadsheet programs.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(filename, columns, cell_rows: Iterable):
    """A streamed CSV download of `cell_rows`, under a header of the columns' titles."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow([column.title for column in columns])
        for cells in cell_rows:
            yield writer.writerow([spreadsheet_safe(cell.text) for cell in cells])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
