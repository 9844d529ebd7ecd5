"""The filter bars of the analytics pages: bot, channel and period, and each page's own.

They validate and no more; the reports (analytics.reports) build the queries from what they
chose.
"""

from django import forms
from django.template.defaultfilters import pluralize

from analytics.phrases import PHRASE_SIZES
from conversations.models import Membership, Sender
from conversations.staff import staff_name
from web.filters import ConversationFilterForm


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
    """The shared filters, with the fields a page shows as tabs rather than in its bar."""

    # Fields the page shows as rows of tabs (`switch`) rather than in the filter bar.
    switches: tuple[str, ...] = ()

    def bar_fields(self):
        return [field for field in self if field.name not in self.switches]

    def switch_fields(self):
        return [field for field in self if field.name in self.switches]

    def switch(self, name):
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return switch_links(self.data, name, field.choices)

    @property
    def is_filtered(self):
        return any(self.value(field.name) for field in self.bar_fields())


class HandledFilterForm(AnalyticsFilterForm):
    handled = forms.ChoiceField(
        label="Agent",
        required=False,
        choices=[("", "Handled or not"), ("yes", "Handled by an agent"), ("no", "Bot only")],
    )


class MessageFilterForm(HandledFilterForm):
    field_order = ["text", "sender", "bot_break", "handled"]

    text = forms.CharField(label="Text contains", required=False, max_length=200)
    sender = forms.ChoiceField(required=False, choices=[("", "Any sender"), *Sender.choices])
    bot_break = forms.ChoiceField(
        label="Bot break",
        required=False,
        choices=[("", "Any message"), ("yes", "Bot break"), ("no", "No bot break")],
    )

    def __init__(self, data, business, labeller, **kwargs):
        super().__init__(data, business, labeller, **kwargs)
        self.pause_search("text")


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


class AgentFilterForm(AnalyticsFilterForm):
    """The shared filters and one of the business's agents, by display name."""

    agent = forms.TypedChoiceField(required=False, coerce=int)

    def __init__(self, data, business, labeller, **kwargs):
        super().__init__(data, business, labeller, **kwargs)
        agents = (
            Membership.objects.filter(business=business, is_agent=True)
            .select_related("user")
            .order_by("user__username")
        )
        self.choose(
            "agent",
            [("", "All agents")]
            + [(str(m.user_id), labeller.label(staff_name(m.user))) for m in agents],
        )


class CsatFilterForm(AgentFilterForm):
    switches = ("rating", "trend")

    rating = forms.TypedChoiceField(
        label="Reviews rated",
        required=False,
        coerce=int,
        choices=[("", "Any rating"), *[(r, f"{r} ★") for r in range(5, 0, -1)]],
    )
    # Empty: by week when a day would hold few ratings (reports.CsatReport.weekly).
    trend = forms.ChoiceField(
        label="Trend by", required=False, choices=[("day", "Day"), ("week", "Week")]
    )
