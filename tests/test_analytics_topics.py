"""Bot-break topics: the page, its states, its filters, a topic's messages, Compute now, and who
opens them."""

import pytest
from django.test import Client
from django.utils import timezone

from conversations.models import Job
from tests.factories import MembershipFactory
from tests.pii import CARD, EMAIL, leaked
from tests.records import BUSINESS, conversation, import_ok, message
from tests.shared_db import shared_business
from tests.topic_data import SECOND_WEEK, compute, topics_business
from topics.models import Topic, TopicMember

pytestmark = pytest.mark.django_db

URL = f"/b/{BUSINESS}/analytics/topics/"
MESSAGES_URL = f"{URL}messages/"
COMPUTE_URL = f"{URL}compute/"


business_pk, business = shared_business(lambda: topics_business().pk)


@pytest.fixture
def computed(business):
    assert compute(business).state == Job.State.DONE
    return business


def login(client, business, **roles):
    client.force_login(MembershipFactory(business=business, **roles).user)


def cards(response):
    return response.context["cards"]


def test_topics_largest_first_with_label_size_trend_and_examples(client, computed):
    login(client, computed, analyst=True)

    response = client.get(URL)

    shown = cards(response)
    assert [card.row.size for card in shown] == sorted(
        (card.row.size for card in shown), reverse=True
    )
    titles = [card.row.title for card in shown]
    assert any("card" in title for title in titles)
    assert any("statement" in title for title in titles)
    assert any("interest" in title or "loan" in title for title in titles)
    first = shown[0]
    # The trend: one column per week, the counts shown, adding up to the topic's size.
    assert [item.label for item in first.trend] == ["28 Sep", "05 Oct"]
    assert sum(item.value for item in first.trend) == first.row.size
    assert f"<li>28 Sep: {first.trend[0].value_text}</li>" in response.content.decode()
    assert len(first.examples) == 3


def test_examples_open_the_chat_at_their_message(client, computed):
    login(client, computed, analyst=True)

    card = cards(client.get(URL))[0]

    for example, (_text, link) in zip(card.row.examples, card.examples, strict=True):
        assert f"/c/{example.conversation.token}/?m={example.pk}&amp;from=" in link.shown


def test_the_messages_of_no_topic_are_counted_and_listed(client, computed):
    login(client, computed, analyst=True)
    unclustered = TopicMember.objects.filter(topic=None).count()

    response = client.get(URL)

    assert response.context["unclustered"] == unclustered
    assert f"Not in any topic: {unclustered} message" in response.content.decode()
    listed = client.get(MESSAGES_URL, {"topic": "none"})
    assert listed.context["page"].paginator.count == unclustered
    assert listed.context["title"] == "Not in any topic"


def test_all_messages_of_a_topic_are_listed_with_view_chat(client, computed):
    login(client, computed, analyst=True)
    card = cards(client.get(URL))[0]

    response = client.get(card.messages_url)

    assert response.status_code == 200
    assert response.context["title"] == card.row.title
    assert response.context["page"].paginator.count == card.row.size
    assert response.content.decode().count(">View Chat</a>") == card.row.size


def test_the_period_counts_a_topic_in_its_days(client, computed):
    login(client, computed, analyst=True)
    everything = {card.row.topic.pk: card.row.size for card in cards(client.get(URL))}

    second_week = client.get(URL, {"period": "custom", "start": str(SECOND_WEEK)})

    in_period = {card.row.topic.pk: card.row.size for card in cards(second_week)}
    assert in_period and set(in_period) <= set(everything)
    for topic, size in in_period.items():
        assert size == TopicMember.objects.filter(topic=topic, day__gte=SECOND_WEEK).count()
        assert size < everything[topic]


def test_the_bot_filter_shows_its_topics_only(client, computed):
    login(client, computed, analyst=True)

    assert cards(client.get(URL, {"bot": "sales"})) == []
    assert cards(client.get(URL, {"bot": "support"}))


def test_never_computed_offers_compute_now_to_admins_and_leads_only(client, business):
    login(client, business, team_lead=True)
    page = client.get(URL).content.decode()
    assert "Topics are computed in the background" in page
    assert "Compute now" in page

    login(client, business, analyst=True)
    page = client.get(URL).content.decode()
    assert "Topics are computed in the background" in page
    assert "Compute now" not in page


def test_compute_now_runs_the_job_and_needs_a_csrf_token(business):
    strict = Client(enforce_csrf_checks=True)
    login(strict, business, team_lead=True)

    assert strict.post(COMPUTE_URL).status_code == 403
    assert not Topic.objects.exists()
    page = strict.get(URL)
    token = page.cookies["csrftoken"].value
    response = strict.post(COMPUTE_URL, {"csrfmiddlewaretoken": token})

    assert response.status_code == 302 and response["Location"] == URL
    assert Topic.objects.exists()
    job = Job.objects.get(kind=Job.Kind.TOPICS)
    assert job.state == Job.State.DONE and "asked for by" in job.reason
    # Up to date: no button any more.
    assert "Compute now" not in strict.get(URL).content.decode()


def test_compute_now_is_never_a_get_and_refused_to_analysts(client, business):
    login(client, business, analyst=True, team_lead=False)
    assert client.get(COMPUTE_URL).status_code == 405
    assert client.post(COMPUTE_URL).status_code == 403
    assert not Job.objects.filter(kind=Job.Kind.TOPICS).exists()


def test_new_bot_breaks_make_the_topics_out_of_date(client, computed):
    login(client, computed, admin=True)
    import_ok(conversation("late", [message("x", "block my card", bot_break=True)], user="u-9"))

    page = client.get(URL).content.decode()

    assert "out of date for 1 bot" in page
    assert "Compute now" in page


def test_computing_and_failed_states(client, business):
    login(client, business, admin=True)
    job = Job.objects.create(business=business, kind=Job.Kind.TOPICS, reason="t")
    page = client.get(URL).content.decode()
    assert "being computed in the background" in page
    assert "Compute now" not in page

    Job.objects.filter(pk=job.pk).update(state=Job.State.FAILED, error="ValueError")
    page = client.get(URL).content.decode()
    assert "Computing the topics failed" in page
    assert "Compute now" in page


def test_labels_are_hidden_while_masking_changes(client, computed):
    login(client, computed, analyst=True)
    Job.objects.create(business=computed, kind=Job.Kind.ROLLUPS, reason="t", remasks=True)

    response = client.get(URL)

    assert all(card.row.title.startswith("Topic ") for card in cards(response))
    assert "labels are hidden" in response.content.decode()


def test_labels_stay_hidden_after_masking_changed_until_computed_again(client, computed):
    login(client, computed, analyst=True)
    Job.objects.create(
        business=computed,
        kind=Job.Kind.ROLLUPS,
        reason="t",
        remasks=True,
        state=Job.State.DONE,
        finished_at=timezone.now(),
    )

    assert all(card.row.title.startswith("Topic ") for card in cards(client.get(URL)))
    compute(computed)
    assert not any(card.row.title.startswith("Topic ") for card in cards(client.get(URL)))


def test_no_planted_value_on_the_pages_and_labels_from_masked_texts(client, computed):
    """Even a viewer who sees personal data in full gets topics of the masked texts."""
    membership = MembershipFactory(
        business=computed, analyst=True, admin=True, view_personal_details=True
    )
    client.force_login(membership.user)

    response = client.get(URL)
    pages = [response, *(client.get(card.messages_url) for card in cards(response))]

    for page in pages:
        assert not leaked(page.content.decode())
    labels = " ".join(" ".join(topic.label) for topic in Topic.objects.all())
    for value in (CARD, EMAIL, "ravindra", "kumaraswamy", "4111", "example"):
        assert value not in labels


def test_a_bot_named_with_personal_data_is_masked(client, business):
    import_ok({"type": "bot", "business": BUSINESS, "slug": "support", "name": f"Bot {EMAIL}"})
    compute(business)
    login(client, business, analyst=True, view_personal_details=True)

    page = client.get(URL).content.decode()

    assert cards(client.get(URL)) and EMAIL not in page


def test_a_topic_of_another_business_is_404(client, computed):
    other = topics_business("other")
    compute(other)
    login(client, computed, analyst=True)
    foreign = Topic.objects.filter(run__business=other)[0]

    assert client.get(MESSAGES_URL, {"topic": foreign.pk}).status_code == 404
    assert client.get(MESSAGES_URL, {"topic": "1 OR 1=1"}).status_code == 404


PAGES = [URL, f"{URL}?period=30d&bot=support", MESSAGES_URL, f"{URL}messages.csv"]


@pytest.mark.parametrize("role", ["analyst", "team_lead", "admin"])
@pytest.mark.parametrize("url", PAGES)
def test_analytics_staff_open_every_page(client, computed, role, url):
    login(client, computed, **{role: True})

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_an_agent_only_is_refused(client, computed, url):
    login(client, computed, agent=True)

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_staff_of_another_business_get_404(client, computed, url):
    client.force_login(MembershipFactory(analyst=True, admin=True).user)

    assert client.get(url).status_code == 404


def test_compute_now_is_refused_to_agents_and_404_to_other_businesses(client, business):
    login(client, business, agent=True)
    assert client.post(COMPUTE_URL).status_code == 403
    client.force_login(MembershipFactory(analyst=True, admin=True).user)
    assert client.post(COMPUTE_URL).status_code == 404
    assert not Job.objects.filter(kind=Job.Kind.TOPICS).exists()


def test_the_topics_are_in_the_analytics_menu(client, business):
    login(client, business, analyst=True)

    assert f'href="{URL}"' in client.get(f"/b/{BUSINESS}/analytics/messages/").content.decode()
