"""Bot-break topics: the page, the messages of a topic, their CSV, and "Compute now".

Same access as the other Intelligent Analytics pages (analytics.views.analytics_page): every
text masked, whoever looks; the labels were made from masked texts only (topics.jobs).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from analytics.charts import ChartItem
from analytics.forms import AnalyticsFilterForm
from analytics.tables import PER_PAGE, Cell, MaskedCell, csv_response, rows
from analytics.views import CSV_CHUNK, analytics_page, filtered
from conversations.models import Job, Role
from conversations.staff import staff_name
from rules.sections import Section
from topics.jobs import schedule_topics
from topics.models import Topic
from topics.report import TopicRow, TopicsReport, topic_title
from topics.tables import NOT_IN_A_TOPIC, TOPIC_MESSAGES, TopicRowContext
from web.pagination import paginate

# Who may ask for the topics to be computed now: a job's cost is the business's to decide.
COMPUTING_ROLES = (Role.ADMIN, Role.TEAM_LEAD)
LISTED_COLUMNS = [column for column in TOPIC_MESSAGES.columns if column.key != "message"]


def may_compute(membership) -> bool:
    return any(membership.has_role(role) for role in COMPUTING_ROLES)


@dataclass(frozen=True)
class TopicCard:
    row: TopicRow
    bot: Cell  # its bot's name, as the viewer may see it
    trend: list[ChartItem]
    examples: list[tuple[Cell | MaskedCell, Cell]]  # (text, View Chat)
    messages_url: str

    @property
    def chart_id(self) -> str:
        return f"topic-trend-{self.row.topic.pk}"


@require_GET
@analytics_page(Section.TOPICS)
def topics_page(request, viewer):
    business = viewer.business
    form, report = filtered(AnalyticsFilterForm, TopicsReport, request, viewer)
    topic_rows, unclustered = report.topics()
    weeks = report.trend_weeks(topic_rows)
    context = TopicRowContext(request, viewer, report.freshness)
    listing = reverse("analytics-topic-messages", args=[business.slug])
    query = request.GET.copy()
    query.pop("page", None)

    def messages_url(topic):
        query["topic"] = topic
        return f"{listing}?{query.urlencode()}"

    cards = [
        TopicCard(
            row,
            context.label(row.topic.run.bot.name),
            [ChartItem(f"{week:%d %b}", row.weeks[week], f"{row.weeks[week]:,}") for week in weeks],
            [
                (
                    context.message(message),
                    context.chat_link(message.conversation, {"m": message.pk}),
                )
                for message in row.examples
            ],
            messages_url(str(row.topic.pk)),
        )
        for row in topic_rows
    ]
    job = report.latest_job()
    return render(
        request,
        "topics/topics.html",
        {
            "membership": viewer.membership,
            "business": business,
            "form": form,
            "cards": cards,
            "unclustered": unclustered,
            "unclustered_url": messages_url("none"),
            "computed": bool(report.runs),
            "computing": job is not None and job.state in (Job.State.QUEUED, Job.State.RUNNING),
            "job": job,
            "failed": job is not None and job.state == Job.State.FAILED,
            "out_of_date": report.out_of_date,
            "labels_hidden": any(card.row.label_hidden for card in cards),
            "may_compute": may_compute(viewer.membership),
            "csv_url": reverse("analytics-topics-csv", args=[business.slug]),
        },
    )


def _topic_listing(request, viewer):
    """The filter form, the report, the topic's title, and its members under the filters."""
    form, report = filtered(AnalyticsFilterForm, TopicsReport, request, viewer)
    topic = request.GET.get("topic") or None
    if topic is None:
        title = "All topics"
    elif topic == "none":
        title = NOT_IN_A_TOPIC
    else:
        found = (
            Topic.objects.filter(pk=topic, run__business=viewer.business)
            .select_related("run")
            .first()
            if topic.isascii() and topic.isdigit()
            else None
        )
        if found is None:
            raise Http404("No such topic.")
        title = topic_title(found, report.freshness.masking_changed(found.run))
    return form, report, title, report.topic_members(topic)


@require_GET
@analytics_page(Section.TOPICS)
def topic_messages(request, viewer):
    business = viewer.business
    form, report, title, members = _topic_listing(request, viewer)
    page = paginate(members, request.GET.get("page"), PER_PAGE)
    back = request.GET.copy()
    for name in ("topic", "page"):
        back.pop(name, None)
    return render(
        request,
        "topics/messages.html",
        {
            "membership": viewer.membership,
            "business": business,
            "form": form,
            "title": title,
            "topic": request.GET.get("topic", ""),
            "columns": LISTED_COLUMNS,
            "page": page,
            "rows": list(
                rows(LISTED_COLUMNS, page, TopicRowContext(request, viewer, report.freshness))
            ),
            "back_url": reverse("analytics-topics", args=[business.slug]) + "?" + back.urlencode(),
            "csv_url": reverse("analytics-topics-csv", args=[business.slug]),
        },
    )


@require_GET
@analytics_page(Section.TOPICS)
def topic_messages_csv(request, viewer):
    _form, report, _title, members = _topic_listing(request, viewer)
    context = TopicRowContext(request, viewer, report.freshness)
    columns = TOPIC_MESSAGES.columns
    cells = rows(columns, members.iterator(chunk_size=CSV_CHUNK), context)
    return csv_response(f"{viewer.business.slug}-{TOPIC_MESSAGES.name}", columns, cells)


@require_POST
@analytics_page(Section.TOPICS)
def compute_now(request, viewer):
    """Queue the topics job (the button shows while the topics are missing, out of date or
    failed); without a broker it runs before the answer."""
    if not may_compute(viewer.membership):
        raise PermissionDenied("Only admins and team leads may compute the topics.")
    schedule_topics(viewer.business, f"asked for by {staff_name(request.user)}")
    return redirect("analytics-topics", viewer.business.slug)
