"""CSAT / User Reviews: distribution, average, CSAT %, response rate, trend, reviews, CSV."""

import csv
import datetime as dt
import io
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import reports
from analytics.reports import MAX_TREND_PERIODS
from conversations.models import Business, Conversation
from tests.factories import MembershipFactory
from tests.records import BUSINESS, DAY, at, conversation, import_ok, message, setup_records
from tests.shared_db import shared_business

pytestmark = pytest.mark.django_db

URL = f"/b/{BUSINESS}/analytics/csat/"
AGENT = f"{BUSINESS}-asha"
# 1 October 2026 is a Thursday; the 6th, the next Tuesday, is in the following week.
NEXT_WEEK = DAY + dt.timedelta(days=5)


def rated(conversation_id, rating, day=DAY, review="", **fields):
    csat = {"rating": rating, "review": review, "at": at(day, 12)}
    return conversation(
        conversation_id, user=f"u-{conversation_id}", started_at=at(day), csat=csat, **fields
    )


def imported():
    import_ok(
        *setup_records(),
        rated("r5", 5, review="Quick help", agent=AGENT),
        rated("r4", 4, agent=AGENT),
        rated("r2", 2, review="Slow", bot="sales"),
        rated("r1", 1, NEXT_WEEK, review="Never solved", channel="whatsapp"),
        conversation("unrated", user="u-x", started_at=at(NEXT_WEEK)),
    )
    return Business.objects.get(slug=BUSINESS).pk


business_pk, business = shared_business(imported)


@pytest.fixture
def analyst(client, business):
    client.force_login(MembershipFactory(business=business, analyst=True).user)


def test_distribution_average_csat_and_response_rate(client, analyst):
    response = client.get(URL)
    overall = response.context["summary"].overall

    assert [(rating, n) for rating, n, _ in overall.distribution()] == [
        (5, 1),
        (4, 1),
        (3, 0),
        (2, 1),
        (1, 1),
    ]
    assert overall.average == 3.0
    assert overall.satisfied_share == 0.5
    assert overall.response_rate == 0.8
    html = response.content.decode()
    assert "3.00 / 5" in html
    assert "50%" in html
    assert "80%" in html
    assert "4 of 5 conversations rated" in html


@pytest.mark.parametrize(
    ("query", "average", "conversations"),
    [
        ("bot=sales", 2.0, 1),
        ("channel=whatsapp", 1.0, 1),
        (f"period=custom&start={NEXT_WEEK}", 1.0, 2),
        ("agent=AGENT", 4.5, 2),
    ],
)
def test_filters_apply_to_the_figures(client, analyst, business, query, average, conversations):
    agent_id = business.memberships.get(user__username=AGENT).user_id
    response = client.get(f"{URL}?{query.replace('AGENT', str(agent_id))}")
    overall = response.context["summary"].overall

    assert (overall.average, overall.conversations) == (average, conversations)


def test_the_daily_trend_has_every_day_between_the_first_and_the_last(client, analyst):
    trend = client.get(f"{URL}?trend=day").context["summary"].trend

    assert [period.start for period in trend] == [DAY + dt.timedelta(days=n) for n in range(6)]
    assert [period.average for period in trend] == [11 / 3, None, None, None, None, 1.0]


def test_the_weekly_trend_starts_on_mondays(client, analyst):
    response = client.get(f"{URL}?trend=week")
    trend = response.context["summary"].trend

    assert [period.start for period in trend] == [dt.date(2026, 9, 28), dt.date(2026, 10, 5)]
    assert [(p.rated, p.conversations) for p in trend] == [(3, 3), (1, 2)]
    assert "average rating of each week" in response.content.decode()


def test_the_charts_are_accessible_inline_svg(client, analyst):
    html = client.get(f"{URL}?trend=day").content.decode()

    assert html.count('<svg class="chart"') == 2
    assert '<title id="ratings-chart-title">Rating distribution</title>' in html
    assert '<title id="trend-chart-title">Average rating over time</title>' in html
    assert "<title>5 ★: 1</title>" in html
    assert "<title>01 Oct: 3.67 (3 rated)</title>" in html


def test_the_page_reads_no_message(client, analyst):
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{URL}?trend=week")

    assert not [q for q in queries if "conversations_message" in q["sql"]]


def reviews(response):
    return [[cell.text for cell in row][:5] for row in response.context["rows"]]


def test_the_review_list_newest_first_with_view_chat(client, analyst):
    response = client.get(URL)

    assert reviews(response) == [
        ["1", "Never solved", "2026-10-06 12:00", "Support", ""],
        ["2", "Slow", "2026-10-01 12:00", "Sales", ""],
        ["4", "", "2026-10-01 12:00", "Support", "acme-asha"],
        ["5", "Quick help", "2026-10-01 12:00", "Support", "acme-asha"],
    ]
    assert response.context["page"].paginator.count == 4
    token = Conversation.objects.get(external_id="r1").token
    assert f'href="/c/{token}/?from={quote(URL, safe="")}"' in response.content.decode()


def test_the_review_list_is_filtered_by_rating(client, analyst):
    response = client.get(f"{URL}?rating=2")

    assert reviews(response) == [["2", "Slow", "2026-10-01 12:00", "Sales", ""]]
    assert response.context["page"].paginator.count == 1
    # The figures still cover every rating.
    assert response.context["summary"].overall.rated == 4


def test_reviews_are_paginated(client, analyst):
    import_ok(*[rated(f"more-{n}", 3) for n in range(50)])

    assert len(client.get(URL).context["rows"]) == 50
    assert len(client.get(f"{URL}?page=2").context["rows"]) == 4


def read_csv(response):
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_exports(client, analyst):
    assert read_csv(client.get(f"{URL}reviews.csv?rating=5"))[1][:5] == [
        "5",
        "Quick help",
        "2026-10-01 12:00",
        "Support",
        "acme-asha",
    ]
    assert read_csv(client.get(f"{URL}ratings.csv")) == [
        ["Rating", "Conversations", "Share of ratings"],
        ["5", "1", "25.0%"],
        ["4", "1", "25.0%"],
        ["3", "0", "0.0%"],
        ["2", "1", "25.0%"],
        ["1", "1", "25.0%"],
    ]
    assert read_csv(client.get(f"{URL}csat-trend.csv?trend=week")) == [
        ["Period from", "Conversations", "Rated", "Average rating", "CSAT %", "Response rate"],
        ["2026-09-28", "3", "3", "3.67", "66.7%", "100.0%"],
        ["2026-10-05", "2", "1", "1.00", "0.0%", "50.0%"],
    ]
    assert client.get(f"{URL}nope.csv").status_code == 404


def test_no_ratings_at_all():
    summary = reports.Ratings()

    assert (summary.average, summary.satisfied_share, summary.response_rate) == (None, None, None)


def test_the_trend_of_data_spread_over_decades_shows_its_latest_days(client, analyst):
    import_ok(
        conversation("old", [], csat={"rating": 4}, started_at=at(dt.date(1971, 1, 1))),
        conversation("far", [], csat={"rating": 2}, started_at=at(dt.date(2099, 1, 1))),
    )

    response = client.get(URL, {"trend": "day"})

    summary = response.context["summary"]
    assert len(summary.trend) == MAX_TREND_PERIODS and summary.trend_cut
    assert summary.trend[-1].start == dt.date(2099, 1, 1)
    assert summary.overall.rated == Conversation.objects.filter(csat_rating__isnull=False).count()
    assert "The trend shows the latest 400 days" in response.content.decode()


def test_a_weekly_trend_cut_short_says_weeks(client, analyst):
    import_ok(
        conversation("old", [], csat={"rating": 4}, started_at=at(dt.date(1971, 1, 1))),
        conversation("far", [], csat={"rating": 2}, started_at=at(dt.date(2099, 1, 1))),
    )

    response = client.get(URL, {"trend": "week"})

    assert "The trend shows the latest 400 weeks" in response.content.decode()


def test_view_chat_of_a_review_opens_the_chat_at_its_last_message(client, analyst):
    import_ok(
        rated("long", 3, review="ok", messages=[message(f"m{n}", f"text {n}") for n in range(3)])
    )

    response = client.get(URL)

    token = Conversation.objects.get(external_id="long").token
    assert (
        f'href="/c/{token}/?message=last&amp;from={quote(URL, safe="")}"'
        in response.content.decode()
    )


# Charts people use: every bar opens the reviews it counts; the trend's unit and its gaps.


def listed(client, url):
    """How many reviews the list at `url` says it has, and how many it really holds."""
    paginator = client.get(url).context["page"].paginator
    return paginator.count, paginator.object_list.count()


@pytest.mark.parametrize(
    "query", ["", "trend=day", "bot=support", "period=custom&start=2026-10-01"]
)
def test_every_chart_bar_opens_the_reviews_it_counts(client, analyst, query):
    context = client.get(f"{URL}?{query}").context
    bars = [item for item in context["distribution_chart"] if item.url]
    points = [item for item in context["trend_chart"] if item.url]
    assert bars and points
    for item in bars:
        assert listed(client, item.url) == (int(item.value), int(item.value))
    for item in points:
        assert listed(client, item.url) == (int(item.note), int(item.note))


def test_the_trend_is_by_week_when_days_hold_few_ratings(client, analyst):
    response = client.get(URL)

    assert response.context["summary"].weekly
    assert ("Week", "?trend=week", True) in response.context["trend_tabs"]
    assert "By week: the days of this period hold fewer than 5" in response.content.decode()
    assert not client.get(f"{URL}?trend=day").context["summary"].weekly


def test_the_trend_is_by_day_when_days_hold_many_ratings(client, analyst):
    import_ok(*[rated(f"busy-{n}", 1 + n % 5) for n in range(12)])

    # One day of the data, 15 ratings.
    response = client.get(URL, {"period": "custom", "start": "2026-10-01", "end": "2026-10-01"})

    assert not response.context["summary"].weekly


def test_an_empty_day_is_a_gap_with_no_ratings_not_a_zero(client, analyst):
    response = client.get(f"{URL}?trend=day")
    trend = response.context["trend_chart"]
    html = response.content.decode()

    assert [item.note for item in trend] == ["3", "", "", "", "", "1"]
    assert [item.value for item in trend[1:5]] == [None] * 4
    assert "<title>02 Oct: no ratings</title>" in html
    assert html.count('class="chart-gap"') == 4
