"""The Smart Agent Chat lists: which conversations each page shows, filtered, one page at a time."""

from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from agentchat.search import Search, Snippet
from conversations.models import Conversation, ConversationStatus
from conversations.staff import staff_name
from rules.viewer import Viewer
from web.filters import ConversationFilterForm, ConversationFilters
from web.pagination import paginate_by_id

CONVERSATIONS_PER_PAGE = 25
PREVIEW_LENGTH = 90
RATED_CHOICES = [("", "Rated or not"), ("yes", "Rated"), ("no", "Not rated")]
CSAT_CHOICES = [("", "Any rating")] + [(str(n), f"{n} ★") for n in range(1, 6)]
STATUS_CHOICES = [("", "Any status"), *ConversationStatus.choices]


class ChatListFilterForm(ConversationFilterForm):
    team = forms.ChoiceField(required=False)
    agent = forms.ChoiceField(required=False)
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    rated = forms.ChoiceField(choices=RATED_CHOICES, required=False)
    csat = forms.TypedChoiceField(choices=CSAT_CHOICES, required=False, coerce=int, label="CSAT")
    field_order = ["q"]

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "data-search-box": ""}),
    )

    def __init__(self, data, viewer: Viewer, *, teams=None, with_agent=True):
        """`teams`: the teams to choose from, or None for no team filter."""
        presenter = viewer.presenter
        super().__init__(data, viewer.business, presenter)
        self.fields["q"].widget.attrs["placeholder"] = (
            "Name, email, phone, conversation or user ID, or words of the messages"
            if viewer.sees_personal_data
            else "Conversation or user ID, or words of the messages"
        )
        self.pause_search("q")
        if teams is None:
            del self.fields["team"]
        else:
            self.team_ids = {team.slug: team.pk for team in teams}
            self.choose(
                "team",
                [("", "All teams")] + [(team.slug, presenter.label(team.name)) for team in teams],
            )
        if with_agent:
            agents = (
                get_user_model()
                .objects.filter(memberships__business=viewer.business, memberships__is_agent=True)
                .order_by("username")
            )
            self.agent_ids = {agent.username: agent.pk for agent in agents}
            self.choose(
                "agent",
                [("", "All agents")]
                + [(agent.username, presenter.label(staff_name(agent))) for agent in agents],
            )
        else:
            del self.fields["agent"]

    def clean_team(self):
        return self.team_ids.get(self.cleaned_data["team"])

    def clean_agent(self):
        return self.agent_ids.get(self.cleaned_data["agent"])

    def clean_q(self):
        return self.cleaned_data["q"].strip()


class ChatList(ConversationFilters):
    """One page of a Smart Agent Chat list, as `chosen` (a ChatListFilterForm's) filters it:
    newest conversations first, or a search's best matches first."""

    def __init__(self, viewer: Viewer, conversations: QuerySet[Conversation], chosen):
        """`conversations`: all those the list may show, before any filter."""
        super().__init__(viewer.business, chosen)
        self.viewer = viewer
        self.conversations = conversations
        query = self.value("q")
        self.search = Search(query, viewer) if query else None

    def queryset(self) -> QuerySet[Conversation]:
        queryset = self.on_times(self.conversations, "started_at")
        if team_id := self.value("team"):
            queryset = queryset.filter(team_id=team_id)
        if agent_id := self.value("agent"):
            queryset = queryset.filter(agent_id=agent_id)
        if status := self.value("status"):
            queryset = queryset.filter(in_status(status))
        if rated := self.value("rated"):
            queryset = queryset.filter(csat_rating__isnull=rated == "no")
        if csat := self.value("csat"):
            queryset = queryset.filter(csat_rating=csat)
        if self.search is not None:
            return self.search.conversations(queryset)
        return queryset.order_by("-started_at", "-id")

    def page(self, page_number):
        """(page, rows) of the list's page `page_number`."""
        page = paginate_by_id(
            self.queryset(),
            page_number,
            CONVERSATIONS_PER_PAGE,
            ranked=self.search is not None,
            load=Conversation.objects.select_related("bot", "end_user", "agent", "team"),
        )
        return page, chat_rows(page.object_list, self.viewer, self.search)


def in_status(status: str) -> Q:
    """Conversations in `status`; those whose records never said (format v1) count as closed
    once they have ended, as the chat page counts them (Conversation.is_closed)."""
    if status == ConversationStatus.CLOSED:
        return Q(status=status) | Q(status="", ended_at__isnull=False)
    return Q(status=status)


def status_label(conversation: Conversation) -> str:
    if conversation.status:
        return conversation.get_status_display()
    return ConversationStatus.CLOSED.label if conversation.is_closed else ""


@dataclass(frozen=True)
class ChatRow:
    """One conversation of a list, each text as the viewer may see it."""

    conversation: Conversation
    conversation_id: str
    user_label: str
    channel: str
    bot_name: str
    agent_name: str
    team_name: str
    status: str
    # What the customer last said.
    preview: str
    # A search's match: the message it opens at (None: the top), highlighted.
    snippet: Snippet | None = None

    @property
    def open_query(self):
        """The start of the chat link's query string: at the search's match, if any."""
        message = self.snippet.message if self.snippet else None
        return f"m={message.pk}&" if message else ""


def chat_rows(conversations, viewer: Viewer, search=None):
    """List rows for one page of conversations (with their end users and bots loaded)."""
    presenter = viewer.presenter
    snippets = search.snippets(conversations) if search else {}
    rows = []
    for conversation in conversations:
        end_user = conversation.end_user
        # The platform's user id may itself be personal (a WhatsApp number, say).
        user_id = presenter.user_id(end_user)
        rows.append(
            ChatRow(
                conversation=conversation,
                conversation_id=presenter.conversation_id(conversation),
                user_label=f"{end_user.name} ({user_id})"
                if viewer.sees_personal_data and end_user.name
                else user_id,
                channel=presenter.label(conversation.channel),
                bot_name=presenter.label(conversation.bot.name),
                agent_name=presenter.label(staff_name(conversation.agent)),
                team_name=presenter.label(conversation.team.name) if conversation.team else "",
                status=status_label(conversation),
                preview=presenter.preview(conversation, PREVIEW_LENGTH),
                snippet=snippets.get(conversation.pk),
            )
        )
    return rows
