"""The filter bar shared by the list and analytics pages: bot, channel and a date range.

Dates are days in the business's time zone; filters are plain GET parameters, so every
filtered view is a bookmarkable URL.
"""

import datetime as dt
from typing import Any, Protocol

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone

PERIODS = [
    ("", "All time"),
    ("today", "Today"),
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("custom", "Custom range"),
]
PERIOD_DAYS = {"today": 1, "7d": 7, "30d": 30, "90d": 90}
# What a filter form's `chosen()` holds when the dates asked for were refused.
NO_DAY = "no_day"
# The days a filter can name: those of the dates an import accepts (ingest.records). A day at
# the edge of what Python's dates hold would overflow on the day after or in another time zone.
FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


def day_text(day: dt.date) -> str:
    """A day as every page writes it: "5 Dec 2026"."""
    return f"{day.day} {day:%b %Y}"


class DayInput(forms.DateInput):
    """A day typed as every page writes dates ("5 Dec 2026"), not in the browser's own format
    (a date picker's mm/dd/yyyy); ISO dates, as in older bookmarks, are read too."""

    input_type = "text"

    def format_value(self, value):
        return day_text(value) if isinstance(value, dt.date) else super().format_value(value)


def date_field():
    return forms.DateField(
        required=False,
        input_formats=["%d %b %Y", "%d %B %Y", "%Y-%m-%d"],
        widget=DayInput(attrs={"placeholder": "5 Dec 2026", "size": 11, "autocomplete": "off"}),
        validators=[
            MinValueValidator(FIRST_DAY, f"Enter a date from {day_text(FIRST_DAY)} on."),
            MaxValueValidator(LAST_DAY, f"Enter a date up to {day_text(LAST_DAY)}."),
        ],
        error_messages={"invalid": "Enter a date such as 5 Dec 2026."},
    )


RANGE_FIELDS = ("period", "start", "end")


class DateRangeForm(forms.Form):
    """A form with a `period` and `start` and `end` dates for a custom one: a custom range
    needs a date, and its end may not come before its start."""

    def clean(self):
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        dates_refused = "start" in self.errors or "end" in self.errors
        if cleaned.get("period") == "custom" and not (start or end or dates_refused):
            self.add_error("period", "Custom range: choose a start date, an end date or both.")
        return cleaned

    @property
    def refuses_range(self) -> bool:
        """Whether the dates asked for were refused: then nothing matches, rather than every
        day, so that the error is not taken for results."""
        return self.is_bound and any(name in self.errors for name in RANGE_FIELDS)


class Labeller(Protocol):
    """What a filter form shows names through (rules.presenter.Presenter): the names as the
    viewer may see them, and whether a search of masked text must wait."""

    def label(self, text: str) -> str: ...

    @property
    def search_paused(self) -> bool: ...


class ConversationFilterForm(DateRangeForm):
    """Bot, channel and period filters for one business; subclasses add their own fields.

    It validates and no more: a bot's slug is cleaned into its id, a channel's shown name into
    the channels it stands for, and `chosen()` hands what validated to a query object
    (`ConversationFilters`), as Django admin's ChangeList builds the admin's queries.
    """

    bot = forms.ChoiceField(required=False)
    channel = forms.ChoiceField(required=False)
    period = forms.ChoiceField(choices=PERIODS, required=False)
    start = date_field()
    end = date_field()

    def __init__(self, data, business, labeller: Labeller, **kwargs):
        """`labeller` shows the bots' and channels' names as the viewer may see them."""
        # An unbound form would show nothing; empty GET parameters mean "no filter".
        super().__init__(data, **kwargs)
        self.labeller = labeller
        bots = list(business.bots.all())
        self.bot_ids = {bot.slug: bot.pk for bot in bots}
        self.choose(
            "bot", [("", "All bots")] + [(bot.slug, labeller.label(bot.name)) for bot in bots]
        )
        # A channel is chosen by the name the viewer sees, never by one they may not see.
        self.channels: dict[str, list[str]] = {}
        for channel in business.channels:
            self.channels.setdefault(labeller.label(channel), []).append(channel)
        self.choose("channel", [("", "All channels"), *[(c, c) for c in self.channels]])

    def clean_bot(self):
        return self.bot_ids.get(self.cleaned_data["bot"])

    def clean_channel(self):
        return self.channels.get(self.cleaned_data["channel"])

    def pause_search(self, name: str) -> None:
        """While the masked copies that the search reads are masked again, it waits."""
        if self.labeller.search_paused:
            field = self.fields[name]
            field.disabled = True
            field.help_text = "Search waits while personal data is masked again; try later."

    def choose(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def chosen(self) -> dict[str, Any]:
        """The filters that validated, empty ones left out: an invalid field filters nothing,
        and the form says why; but refused dates match no day (`refuses_range`)."""
        self.is_valid()
        chosen = {name: value for name, value in self.cleaned_data.items() if value}
        if self.refuses_range:
            chosen[NO_DAY] = True
        return chosen

    def value(self, name):
        """A cleaned value, or None when the field is empty or invalid."""
        return self.chosen().get(name)

    @property
    def is_filtered(self):
        return any(self.value(name) for name in self.fields)


class ConversationFilters:
    """The bot, channel and period a filter form chose (`chosen()`), applied to querysets.

    Each list or report subclasses it with the filters of its own fields.
    """

    def __init__(self, business, chosen: dict[str, Any]):
        self.business = business
        self.chosen = chosen

    def value(self, name: str) -> Any:
        return self.chosen.get(name)

    def days(self) -> tuple[dt.date | None, dt.date | None]:
        """(first day, last day) in the business's time zone, either of them None for open."""
        period = self.value("period")
        if period in PERIOD_DAYS:
            today = timezone.localdate(timezone=self.business.tzinfo)
            return today - dt.timedelta(days=PERIOD_DAYS[period] - 1), today
        if period == "custom":
            return self.value("start"), self.value("end")
        return None, None

    def time_range(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """(from, until) aware datetimes for `days()`: from inclusive, until exclusive."""
        first, last = self.days()
        tz = self.business.tzinfo

        def midnight(day):
            return dt.datetime.combine(day, dt.time.min, tzinfo=tz)

        return (
            midnight(first) if first else None,
            midnight(last + dt.timedelta(days=1)) if last else None,
        )

    def _bot_and_channel(self, queryset: QuerySet) -> QuerySet:
        if self.value(NO_DAY):
            return queryset.none()
        if bot_id := self.value("bot"):
            queryset = queryset.filter(bot_id=bot_id)
        if channels := self.value("channel"):
            queryset = queryset.filter(channel__in=channels)
        return queryset

    def on_times(self, queryset: QuerySet, time_field: str) -> QuerySet:
        """Bot, channel and period on rows with `bot`, `channel` and `time_field`."""
        queryset = self._bot_and_channel(queryset)
        since, until = self.time_range()
        if since:
            queryset = queryset.filter(**{f"{time_field}__gte": since})
        if until:
            queryset = queryset.filter(**{f"{time_field}__lt": until})
        return queryset

    def on_days(self, queryset: QuerySet) -> QuerySet:
        """Bot, channel and period on a rollup, whose `day` is already a day in the business's
        time zone, as the period is."""
        queryset = self._bot_and_channel(queryset)
        first, last = self.days()
        if first:
            queryset = queryset.filter(day__gte=first)
        if last:
            queryset = queryset.filter(day__lte=last)
        return queryset
