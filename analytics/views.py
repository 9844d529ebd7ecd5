"""Intelligent Analytics: Message Analysis, Word Analysis, CSAT / User Reviews, and Agents and
teams.

Every page and CSV is per business, for the roles of its section (rules.sections), and
shows no personal data whoever asks: the tables mask every text (analytics.tables).
"""

from functools import wraps

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from analytics import reports
from analytics.charts import ChartItem
from analytics.forms import (
    AgentFilterForm,
    CsatFilterForm,
    HandledFilterForm,
    MessageFilterForm,
    WordFilterForm,
    switch_links,
)
from analytics.models import ColumnChoice
from analytics.phrases import parse_phrase
from analytics.tables import (
    AGENTS,
    BOTS,
    CHANNELS,
    CONVERSATIONS,
    DISTRIBUTION,
    MESSAGES,
    PER_PAGE,
    PHRASE_MESSAGES,
    PHRASES,
    REVIEWS,
    TEAMS,
    TREND,
    PhraseContext,
    RowContext,
    csv_response,
    rows,
)
from conversations.models import Job
from rules.presenter import masked_copies_current
from rules.sections import Section
from rules.viewer import viewer_page
from web.pagination import load_page, paginate, paginate_by_id

CSV_CHUNK = 2000
CHART_PHRASES = 20

TAB_TITLES = [("messages", "View Messages"), ("conversations", "View Conversations")]
# Message Analysis's tabs: (table, filter form, report).
MESSAGE_TABS = {
    "messages": (MESSAGES, MessageFilterForm, reports.MessageReport),
    "conversations": (CONVERSATIONS, HandledFilterForm, reports.ConversationReport),
}


class Recount:
    """The business's pending rollup recounts, which the analytics pages announce."""

    def __init__(self, business):
        self.jobs = list(Job.objects.pending().filter(business=business, kind=Job.Kind.ROLLUPS))

    def __bool__(self):
        return bool(self.jobs)

    @property
    def percent(self):
        return min(job.percent for job in self.jobs)


def analytics_page(section):
    """`viewer_page`, handing the view the viewer as Intelligent Analytics shows its pages to
    anyone (Viewer.for_analytics): every text of the page, the CSV and the filters' names
    masked, whatever the viewer's own access."""

    def decorator(view):
        @wraps(view)
        def as_analytics(request, viewer, *args, **kwargs):
            return view(request, viewer.for_analytics(), *args, **kwargs)

        return viewer_page(section)(as_analytics)

    return decorator


def filtered(form_class, report_class, request, viewer):
    """The page's filter form, bound to the query, and its report under what it chose."""
    form = form_class(request.GET, viewer.business, viewer.presenter)
    return form, report_class(viewer.business, form.chosen())


def _filtered_url(request, url_name, business, **values):
    """The page `url_name` under this page's filters, with `values` set (None: left out):
    where a bar of a chart leads."""
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in values.items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    return f"{reverse(url_name, args=[business.slug])}?{query.urlencode()}"


def unless_phrases_hidden(view):
    """Word Analysis waits while the business's texts are masked again after a change of
    what masking hides: until then, the stored phrases and masked copies may hold a value
    that has just become personal."""

    @wraps(view)
    def wrapped(request, viewer, *args, **kwargs):
        recount = Recount(viewer.business)
        if masked_copies_current(viewer.business):
            return view(request, viewer, recount, *args, **kwargs)
        if request.path.endswith(".csv"):
            response = HttpResponse(
                "Personal data is being masked again; try again in a minute.\n",
                content_type="text/plain; charset=utf-8",
                status=503,
            )
            response["Retry-After"] = "30"
            return response
        context = {"membership": viewer.membership, "business": viewer.business, "recount": recount}
        return render(request, "analytics/recounting.html", context)

    return wrapped


def _message_tab(request, viewer, tab):
    if tab not in MESSAGE_TABS:
        raise Http404
    table, form_class, report_class = MESSAGE_TABS[tab]
    form, report = filtered(form_class, report_class, request, viewer)
    queryset, total = report.listing()
    keys = ColumnChoice.objects.keys_for(request.user, viewer.business, table.name)
    return table, table.shown_columns(keys), form, queryset, total


@require_GET
@analytics_page(Section.MESSAGE_ANALYSIS)
def message_analysis(request, viewer):
    business = viewer.business
    recount = Recount(business)
    tab = request.GET.get("tab") or "messages"
    table, columns, form, queryset, total = _message_tab(request, viewer, tab)
    page = paginate_by_id(queryset, request.GET.get("page"), PER_PAGE, total)
    return render(
        request,
        "analytics/messages.html",
        {
            "membership": viewer.membership,
            "recount": recount,
            "business": business,
            "tab": tab,
            "tabs": switch_links(request.GET, "tab", TAB_TITLES),
            "form": form,
            "table": table,
            "columns": columns,
            "page": page,
            "rows": list(rows(columns, page, RowContext(request, viewer))),
            "csv_url": reverse("analytics-messages-csv", args=[business.slug, tab]),
        },
    )


@require_GET
@analytics_page(Section.MESSAGE_ANALYSIS)
def message_analysis_csv(request, viewer, tab):
    table, columns, _form, queryset, _total = _message_tab(request, viewer, tab)
    cells = rows(columns, queryset.iterator(chunk_size=CSV_CHUNK), RowContext(request, viewer))
    return csv_response(f"{viewer.business.slug}-{table.name}", columns, cells)


@require_POST
@analytics_page(Section.MESSAGE_ANALYSIS)
def choose_columns(request, viewer):
    """Remember the columns the user wants to see in one of Message Analysis's tables."""
    business = viewer.business
    tab = request.POST.get("tab")
    if tab not in MESSAGE_TABS:
        raise Http404
    table = MESSAGE_TABS[tab][0]
    chosen = request.POST.getlist("columns")
    keys = [key for key in table.column_keys() if key in chosen]
    if keys:
        ColumnChoice.objects.update_or_create(
            user=request.user, business=business, table=table.name, defaults={"columns": keys}
        )
    else:
        # Nothing ticked reads as "back to the defaults", not as an empty table.
        ColumnChoice.objects.filter(user=request.user, business=business, table=table.name).delete()
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        back = reverse("analytics-messages", args=[business.slug]) + f"?tab={tab}"
    return redirect(back)


def _phrase_ranking(request, viewer):
    form, report = filtered(WordFilterForm, reports.PhraseReport, request, viewer)
    ranking, in_scope = report.ranking()
    return form, report, ranking, PhraseContext(request, viewer.business, in_scope)


@require_GET
@analytics_page(Section.WORD_ANALYSIS)
@unless_phrases_hidden
def word_analysis(request, viewer, recount):
    business = viewer.business
    form, report, ranking, context = _phrase_ranking(request, viewer)
    page = paginate(ranking, request.GET.get("page"), PER_PAGE)
    chart = [
        ChartItem(
            row["phrase"],
            row["messages"],
            f"{row['messages']:,}",
            url=context.phrase_url(row["phrase"]),
        )
        for row in list(page)[:CHART_PHRASES]
    ]
    return render(
        request,
        "analytics/words.html",
        {
            "membership": viewer.membership,
            "recount": recount,
            "business": business,
            "form": form,
            "columns": PHRASES.columns,
            "page": page,
            "rows": list(rows(PHRASES.columns, page, context)),
            "in_scope": context.in_scope,
            "size_tabs": form.switch("size"),
            "scope_tabs": form.switch("scope"),
            "chart": chart,
            "chart_description": _phrases_description(report, chart),
            "csv_url": reverse("analytics-words-csv", args=[business.slug]),
        },
    )


def _phrases_description(report, chart):
    scope = "bot-break user messages" if report.bot_breaks_only else "user messages"
    top = ", ".join(f"{item.label} ({item.value_text})" for item in chart[:5])
    return f"Ranked bars: the {len(chart)} phrases found in most {scope}. Top: {top or 'none'}."


@require_GET
@analytics_page(Section.WORD_ANALYSIS)
@unless_phrases_hidden
def word_analysis_csv(request, viewer, recount):
    _form, _report, ranking, context = _phrase_ranking(request, viewer)
    cells = rows(PHRASES.columns, ranking.iterator(chunk_size=CSV_CHUNK), context)
    return csv_response(f"{viewer.business.slug}-{PHRASES.name}", PHRASES.columns, cells)


def _phrase_messages(request, viewer):
    words = parse_phrase(request.GET.get("phrase", ""))
    if words is None:
        raise Http404("Word Analysis counts no such phrase.")
    form, report = filtered(WordFilterForm, reports.PhraseReport, request, viewer)
    return " ".join(words), form, report, report.phrase_messages(words)


@require_GET
@analytics_page(Section.WORD_ANALYSIS)
@unless_phrases_hidden
def phrase_detail(request, viewer, recount):
    business = viewer.business
    phrase, form, report, queryset = _phrase_messages(request, viewer)
    # Every id at once: a COUNT, then a page, would each run the phrase's regular expression
    # over all the messages in scope.
    ids = list(queryset.values_list("pk", flat=True))
    page = load_page(paginate(ids, request.GET.get("page"), PER_PAGE), queryset)
    back = request.GET.copy()
    for name in ("phrase", "page"):
        back.pop(name, None)
    return render(
        request,
        "analytics/phrase.html",
        {
            "membership": viewer.membership,
            "recount": recount,
            "business": business,
            "phrase": phrase,
            "form": form,
            "bot_breaks_only": report.bot_breaks_only,
            "columns": PHRASE_MESSAGES.columns,
            "page": page,
            "rows": list(rows(PHRASE_MESSAGES.columns, page, RowContext(request, viewer))),
            "back_url": reverse("analytics-words", args=[business.slug]) + "?" + back.urlencode(),
            "csv_url": reverse("analytics-phrase-csv", args=[business.slug]),
        },
    )


@require_GET
@analytics_page(Section.WORD_ANALYSIS)
@unless_phrases_hidden
def phrase_detail_csv(request, viewer, recount):
    _phrase, _form, _report, queryset = _phrase_messages(request, viewer)
    columns = PHRASE_MESSAGES.columns
    cells = rows(columns, queryset.iterator(chunk_size=CSV_CHUNK), RowContext(request, viewer))
    return csv_response(f"{viewer.business.slug}-{PHRASE_MESSAGES.name}", columns, cells)


@require_GET
@analytics_page(Section.CSAT)
def csat(request, viewer):
    business = viewer.business
    recount = Recount(business)
    form, report = filtered(CsatFilterForm, reports.CsatReport, request, viewer)
    summary = report.summary()
    reviews, total = report.reviews()
    page = paginate(reviews, request.GET.get("page"), PER_PAGE, total)
    distribution = summary.overall.distribution()
    # The switch shows the trend's unit even when the page chose it.
    trend_query = request.GET.copy()
    trend_query["trend"] = "week" if summary.weekly else "day"
    return render(
        request,
        "analytics/csat.html",
        {
            "membership": viewer.membership,
            "recount": recount,
            "business": business,
            "form": form,
            "summary": summary,
            "weekly": summary.weekly,
            "fewest_daily_ratings": reports.FEWEST_DAILY_RATINGS,
            "rating_tabs": form.switch("rating"),
            "trend_tabs": switch_links(trend_query, "trend", form.fields["trend"].choices),
            **_csat_charts(request, report, summary),
            "distribution_columns": DISTRIBUTION.columns,
            "distribution_rows": list(rows(DISTRIBUTION.columns, distribution, None)),
            "trend_columns": TREND.columns,
            "trend_rows": list(rows(TREND.columns, summary.trend, None)),
            "columns": REVIEWS.columns,
            "page": page,
            "rows": list(rows(REVIEWS.columns, page, RowContext(request, viewer))),
        },
    )


REVIEWS_ANCHOR = "#reviews-heading"


def _csat_charts(request, report, summary):
    """The rating bars and trend columns, each a link to the reviews it counts (on this page,
    under the same filters); a period without ratings is a gap, not a zero."""
    business = report.business

    def reviews_url(**values):
        return _filtered_url(request, "analytics-csat", business, **values) + REVIEWS_ANCHOR

    def trend_item(period):
        label = f"{period.start:%d %b}"
        if not period.rated:
            return ChartItem(label, None, "no ratings")
        first, last = report.period_days(period, summary.weekly)
        query = {"period": "custom", "start": first.isoformat(), "end": last.isoformat()}
        return ChartItem(
            label,
            period.average,
            f"{period.average:.2f} ({period.rated} rated)",
            # Every rating of the period: the reviews list's own rating filter left out.
            url=reviews_url(**query, rating=None),
            note=f"{period.rated:,}",
        )

    unit = "week" if summary.weekly else "day"
    return {
        "distribution_chart": [
            ChartItem(f"{rating} ★", n, f"{n:,}", url=reviews_url(rating=rating) if n else "")
            for rating, n, _ in summary.overall.distribution()
        ],
        "trend_chart": [trend_item(period) for period in summary.trend],
        "trend_description": f"Columns: the average rating of each {unit}, on a scale of 0 to 5, "
        f"with the number of ratings above each; a dash marks a {unit} without ratings. Each "
        "column opens its reviews; the table below has the numbers.",
    }


CSAT_TABLES = {table.name: table for table in (REVIEWS, DISTRIBUTION, TREND)}


@require_GET
@analytics_page(Section.CSAT)
def csat_csv(request, viewer, table):
    if table not in CSAT_TABLES:
        raise Http404
    _form, report = filtered(CsatFilterForm, reports.CsatReport, request, viewer)
    table = CSAT_TABLES[table]
    if table is REVIEWS:
        reviews, _total = report.reviews()
        cells = rows(
            REVIEWS.columns, reviews.iterator(chunk_size=CSV_CHUNK), RowContext(request, viewer)
        )
    else:
        summary = report.summary()
        figures = summary.trend if table is TREND else summary.overall.distribution()
        cells = rows(table.columns, figures, None)  # numbers only: nothing to mask or link
    return csv_response(f"{viewer.business.slug}-{table.name}", table.columns, cells)


# Agents and teams: its tables and their headings.
AGENT_TABLES = {
    AGENTS.name: (AGENTS, "By agent"),
    TEAMS.name: (TEAMS, "By team"),
    BOTS.name: (BOTS, "Containment by bot"),
    CHANNELS.name: (CHANNELS, "Containment by channel"),
}


def _agent_figures(report):
    """{table name: its rows}: a few grouped queries over the facts, whatever the data."""
    by_bot, by_channel = report.containment()
    return {
        AGENTS.name: report.by_agent(),
        TEAMS.name: report.by_team(),
        BOTS.name: by_bot,
        CHANNELS.name: by_channel,
    }


@require_GET
@analytics_page(Section.AGENTS)
def agents(request, viewer):
    business = viewer.business
    form, report = filtered(AgentFilterForm, reports.AgentReport, request, viewer)
    context = RowContext(request, viewer)
    figures = _agent_figures(report)
    listed_agents = {value for value, _label in form.fields["agent"].choices if value}
    chart = [
        ChartItem(
            viewer.presenter.label(agent.name),
            100 * agent.satisfied / agent.rated,
            f"{agent.satisfied / agent.rated:.0%} of {agent.rated:,} rated",
            # The reviews that make the bar, on CSAT / User Reviews, for an agent its filter
            # knows (one who is still an agent of the business).
            url=_filtered_url(request, "analytics-csat", business, agent=agent.key)
            if str(agent.key) in listed_agents
            else "",
        )
        for agent in figures[AGENTS.name]
        if agent.rated
    ]
    return render(
        request,
        "analytics/agents.html",
        {
            "membership": viewer.membership,
            "recount": Recount(business),
            "business": business,
            "form": form,
            "tables": [
                (
                    table,
                    heading,
                    list(rows(table.columns, figures[name], context)),
                    reverse("analytics-agents-csv", args=[business.slug, name]),
                )
                for name, (table, heading) in AGENT_TABLES.items()
            ],
            "figures": figures,
            "chart": chart,
        },
    )


@require_GET
@analytics_page(Section.AGENTS)
def agents_csv(request, viewer, table):
    if table not in AGENT_TABLES:
        raise Http404
    table, _heading = AGENT_TABLES[table]
    _form, report = filtered(AgentFilterForm, reports.AgentReport, request, viewer)
    cells = rows(table.columns, _agent_figures(report)[table.name], RowContext(request, viewer))
    return csv_response(f"{viewer.business.slug}-{table.name}", table.columns, cells)
