"""The filter bars of the analytics pages: bot, channel and period, and each page's own."""

from django import forms
from django.db.models import Q
from django.template.defaultfilters import pluralize

from analytics.phrases import PHRASE_SIZES
from chatlinks.transcript import staff_name
from conversations.models import Membership, Sender
from rules.filters import ConversationFilterForm

YES_NO = {"yes": True, "no": False}


def switch_links(query, name, choices):
    """(label, query string, chosen) per choice of the parameter `name`, the other parameters
    kept and the page reset: the links of a row of tabs. The first choice is the default."""
    query = query.copy()
    query.pop("page", None)
    current = query.get(name) or str(choices[0][0])
    links = []
    for value, label in choices:
        query[name] = value
        links.append((label, f"?{query.urlencode()}", str(value) == current))
    return links


class AnalyticsFilterForm(ConversationFilterForm):
    """The shared filters, for raw rows (`filter`, from the parent) and for daily rollups."""

    # Fields the page shows as rows of tabs (`switch`) rather than in the filter bar.
    switches = ()

    def bar_fields(self):
        return [field for field in self if field.name not in self.switches]

    def switch_fields(self):
        return [field for field in self if field.name in self.switches]

    def switch(self, name):
        return switch_links(self.data, name, self.fields[name].choices)

    @property
    def is_filtered(self):
        return any(self.value(field.name) for field in self.bar_fields())

    def filter_days(self, queryset):
        """Bot, channel and period on a rollup, whose `day` is already a day in the business's
        time zone, as the period is."""
        self.is_valid()
        if bot := self.value("bot"):
            queryset = queryset.filter(bot_id=self.bot_ids[bot])
        if channel := self.value("channel"):
            queryset = queryset.filter(channel__in=self.channels[channel])
        first, last = self.days()
        if first:
            queryset = queryset.filter(day__gte=first)
        if last:
            queryset = queryset.filter(day__lte=last)
        return queryset


class HandledFilterForm(AnalyticsFilterForm):
    handled = forms.ChoiceField(
        label="Agent",
        required=False,
        choices=[("", "Handled or not"), ("yes", "Handled by an agent"), ("no", "Bot only")],
    )

    def handled_value(self):
        return YES_NO.get(self.value("handled"))

    def filter_conversations(self, queryset):
        queryset = self.filter(queryset, "started_at")
        if (handled := self.handled_value()) is not None:
            queryset = queryset.filter(agent__isnull=not handled)
        return queryset

    def filter_conversation_counts(self, queryset):
        queryset = self.filter_days(queryset)
        if (handled := self.handled_value()) is not None:
            queryset = queryset.exclude(agent_id=0) if handled else queryset.filter(agent_id=0)
        return queryset


class MessageFilterForm(HandledFilterForm):
    field_order = ["text", "sender", "bot_break", "handled"]

    text = forms.CharField(label="Text contains", required=False, max_length=200)
    sender = forms.ChoiceField(required=False, choices=[("", "Any sender"), *Sender.choices])
    bot_break = forms.ChoiceField(
        label="Bot break",
        required=False,
        choices=[("", "Any message"), ("yes", "Bot break"), ("no", "No bot break")],
    )

    def __init__(self, data, business, presenter, **kwargs):
        super().__init__(data, business, presenter, **kwargs)
        self.pause_search("text")

    def filter_messages(self, queryset):
        queryset = self.filter(queryset, "sent_at")
        if text := self.value("text"):
            # The texts as they are shown, masked: a search of the raw texts would tell
            # whether a hidden value is there, one guessed character at a time.
            queryset = queryset.filter(masked_text__icontains=text)
        if (handled := self.handled_value()) is not None:
            queryset = queryset.filter(conversation__agent__isnull=not handled)
        return queryset.filter(self._message_fields())

    def filter_message_counts(self, queryset):
        """The same filters on DailyMessageCount, or None when they need the texts."""
        if self.value("text"):
            return None
        queryset = self.filter_days(queryset)
        if (handled := self.handled_value()) is not None:
            queryset = queryset.filter(handled=handled)
        return queryset.filter(self._message_fields())

    def _message_fields(self):
        # The same names on Message and on DailyMessageCount.
        condition = Q()
        if sender := self.value("sender"):
            condition &= Q(sender=sender)
        if (bot_break := YES_NO.get(self.value("bot_break"))) is not None:
            condition &= Q(bot_break=bot_break)
        return condition


class WordFilterForm(AnalyticsFilterForm):
    switches = ("size", "scope")

    size = forms.TypedChoiceField(
        label="Phrase length",
        required=False,
        coerce=int,
        choices=[(size, f"{size} word{pluralize(size)}") for size in PHRASE_SIZES],
    )
    scope = forms.ChoiceField(
        label="Messages",
        required=False,
        choices=[("breaks", "Bot breaks only"), ("all", "All user messages")],
    )

    @property
    def size_value(self):
        return self.value("size") or PHRASE_SIZES[0]

    @property
    def bot_breaks_only(self):
        return self.value("scope") != "all"

    def filter_phrase_counts(self, queryset):
        return self._in_scope(self.filter_days(queryset).filter(size=self.size_value))

    def filter_message_counts(self, queryset):
        """The user messages in scope, counted: what a phrase's share is a share of."""
        return self._in_scope(self.filter_days(queryset).filter(sender=Sender.USER))

    def filter_messages(self, queryset):
        return self._in_scope(self.filter(queryset, "sent_at").filter(sender=Sender.USER))

    def _in_scope(self, queryset):
        return queryset.filter(bot_break=True) if self.bot_breaks_only else queryset


class CsatFilterForm(AnalyticsFilterForm):
    switches = ("rating", "trend")

    agent = forms.ChoiceField(required=False)
    rating = forms.TypedChoiceField(
        label="Reviews rated",
        required=False,
        coerce=int,
        choices=[("", "Any rating"), *[(r, f"{r} ★") for r in range(5, 0, -1)]],
    )
    trend = forms.ChoiceField(
        label="Trend by", required=False, choices=[("day", "Day"), ("week", "Week")]
    )

    def __init__(self, data, business, presenter, **kwargs):
        super().__init__(data, business, presenter, **kwargs)
        agents = (
            Membership.objects.filter(business=business, is_agent=True)
            .select_related("user")
            .order_by("user__username")
        )
        self.fields["agent"].choices = [("", "All agents")] + [
            (str(m.user_id), presenter.label(staff_name(m.user))) for m in agents
        ]

    def agent_id(self):
        agent = self.value("agent")
        return int(agent) if agent else None

    def filter_rated(self, queryset):
        """Rated conversations for the review list; a rating counts on the conversation's day."""
        queryset = self.filter(queryset, "started_at").filter(csat_rating__isnull=False)
        if agent_id := self.agent_id():
            queryset = queryset.filter(agent_id=agent_id)
        if rating := self.value("rating"):
            queryset = queryset.filter(csat_rating=rating)
        return queryset

    def filter_conversation_counts(self, queryset):
        """The rollup for the charts: every rating of the period, whatever `rating` says."""
        queryset = self.filter_days(queryset)
        if agent_id := self.agent_id():
            queryset = queryset.filter(agent_id=agent_id)
        return queryset
