"""Finding a conversation: by its customer, its ids, or the words of its messages.

A viewer finds only by what they may see. A viewer with full access searches the raw values:
the customer's name, email and phone (in any formatting), the user and conversation ids, the
message texts. Any other viewer searches the masked copies that they are shown instead (the
ids and texts as rules.presenter shows them) and never the customer's name, email or phone:
a search for a hidden value finds nothing, and no prefix of it changes a count.

Results are ranked by how they match, then by recency: an exact id first, then a customer or
an id that contains the search, then conversations whose messages contain its words. On
PostgreSQL the words are found with full-text search and the parts of ids and names with
trigram indexes (conversations migration 0006); SQLite's fallback matches each word as a
substring, which finds the same conversations and a few more.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from conversations.models import Conversation, EndUser, Message
from rules.masking import ELLIPSIS, PLACEHOLDER, digits_of, shorten
from rules.presenter import placeholder_spans
from rules.viewer import Viewer
from web.html import marked_html

SNIPPET_LENGTH = 160
SNIPPET_LEAD = 50  # characters of context before the first match
MIN_PHONE_DIGITS = 6
MAX_WORDS = 8
MAX_LISTED_USERS = 500


@dataclass(frozen=True)
class Snippet:
    """What a result shows of a conversation: the matching message (None: the last one),
    highlighted, as the viewer may see it."""

    message: Message | None
    html: SafeString


class Search:
    """One viewer's search of one business's conversations."""

    EXACT, PARTIAL, WORDS = 0, 1, 2

    def __init__(self, query: str, viewer: Viewer):
        self.query = query.strip()
        self.words = self.query.split()[:MAX_WORDS]
        self.business = viewer.business
        self.presenter = viewer.presenter
        self.in_full = viewer.sees_personal_data
        self.id_field = "external_id" if self.in_full else "masked_external_id"
        self.text_field = "text" if self.in_full else "masked_text"

    def conversations(self, queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
        """`queryset` narrowed to the matching conversations, best matches first.

        The candidates are the union of three index lookups (ids, the users' conversations,
        messages with the words), so no conversation of the business is read to test it.
        """
        exact_users, users = self._users()
        by_id = Q(**{f"{self.id_field}__icontains": self.query})
        candidates = (
            Conversation.objects.filter(by_id, business=self.business)
            .values("pk")
            .union(
                Conversation.objects.filter(end_user__in=users).values("pk"),
                self.matching_messages().values("conversation_id"),
            )
        )
        exact = Q(**{self.id_field: self.query}) | Q(end_user__in=exact_users)
        return (
            queryset.filter(pk__in=candidates)
            .annotate(
                match=Case(
                    When(exact, then=Value(self.EXACT)),
                    When(by_id | Q(end_user__in=users), then=Value(self.PARTIAL)),
                    default=Value(self.WORDS),
                    output_field=IntegerField(),
                )
            )
            .order_by("match", "-started_at", "-id")
        )

    def _users(self):
        """(the users whose id is the search, those it finds at all): ids, read once, as the
        page and its count each ask twice; a subquery when there are too many to list."""
        users = EndUser.objects.filter(business=self.business).filter(self._user_match())
        found = list(users.values_list("pk", self.id_field)[: MAX_LISTED_USERS + 1])
        if len(found) > MAX_LISTED_USERS:
            return users.filter(**{self.id_field: self.query}).values("pk"), users.values("pk")
        exact = [pk for pk, user_id in found if user_id == self.query]
        return exact, [pk for pk, _ in found]

    def _user_match(self) -> Q:
        found = Q(**{f"{self.id_field}__icontains": self.query})
        if self.in_full:
            found |= Q(name__icontains=self.query) | Q(email__icontains=self.query)
            digits = digits_of(self.query).lstrip("0")
            if len(digits) >= MIN_PHONE_DIGITS and not re.search(r"[^\d\s+()./-]", self.query):
                found |= Q(phone_digits__icontains=digits)  # served by the UPPER() index
        return found

    def matching_messages(self) -> QuerySet[Message]:
        """The business's messages that contain every word, in the text the viewer sees."""
        messages = Message.objects.filter(business=self.business)
        if connection.vendor == "postgresql":
            query = SearchQuery(" ".join(self.words), config="simple", search_type="plain")
            return messages.annotate(found=SearchVector(self.text_field, config="simple")).filter(
                found=query
            )
        for word in self.words:
            messages = messages.filter(**{f"{self.text_field}__icontains": word})
        return messages

    def snippets(self, conversations: list[Conversation]) -> dict[int, Snippet]:
        """{conversation pk: snippet} for a page of results, in two queries: the newest
        matching message of each, or else its last message."""
        newest: dict[int, int] = {}
        for pk, conversation_id in (
            self.matching_messages()
            .filter(conversation__in=conversations)
            .order_by("conversation_id", "-sent_at", "-id")
            .values_list("pk", "conversation_id")
        ):
            newest.setdefault(conversation_id, pk)
        messages = Message.objects.in_bulk(list(newest.values()))
        snippets = {}
        for conversation in conversations:
            message = messages.get(newest.get(conversation.pk))
            if message is None:
                text = self.presenter.preview(conversation, SNIPPET_LENGTH)
            else:
                text = excerpt(
                    self.presenter.message_text(message, conversation.end_user), self.words
                )
            snippets[conversation.pk] = Snippet(
                message,
                highlighted(
                    text, self.words, None if self.in_full else self.presenter.placeholders
                ),
            )
        return snippets


def excerpt(text: str, words: list[str]) -> str:
    """The part of `text` around the first of `words`, at most SNIPPET_LENGTH characters,
    neither starting nor ending inside a placeholder or a word."""
    lowered = text.lower()
    found = [at for at in (lowered.find(word.lower()) for word in words) if at >= 0]
    start = max(0, min(found, default=0) - SNIPPET_LEAD)
    for placeholder in PLACEHOLDER.finditer(text, 0, start + 1):
        if placeholder.start() < start < placeholder.end():
            start = placeholder.start()
    if start > 0 and text[start - 1].isalnum():
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < min(found, default=len(text)) else start
    shown = shorten(text[start:], SNIPPET_LENGTH - (len(ELLIPSIS) if start else 0))
    return (ELLIPSIS if start else "") + shown


def highlighted(text: str, words: list[str], placeholders: re.Pattern[str] | None) -> SafeString:
    """Escaped `text` with each occurrence of the words marked, and, for a masked viewer, the
    `placeholders` of their business shown as masked values are everywhere."""
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)

    def marked(segment: str) -> str:
        parts, position = [], 0
        for match in pattern.finditer(segment) if words else ():
            parts.append(escape(segment[position : match.start()]))
            parts.append(format_html("<mark>{}</mark>", match[0]))
            position = match.end()
        parts.append(escape(segment[position:]))
        return "".join(parts)

    return marked_html(text, placeholder_spans(text, placeholders) if placeholders else [], marked)
