"""The topics job: what it groups (masked bot-break user messages), when it runs again, the
periodic check after imports, and its record on the Background jobs page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conversations.models import Bot, Job, Message
from ingest.actors import Actor
from ingest.lifecycle import do_erase_end_user
from tests.factories import MembershipFactory
from tests.pii import CARD, EMAIL
from tests.records import BUSINESS, conversation, import_ok, message
from tests.topic_data import compute, topics_business
from topics.jobs import Freshness, schedule_topics
from topics.models import Topic, TopicMember, TopicRun
from topics.tasks import refresh_topics_everywhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def business():
    return topics_business()


def test_groups_the_bot_break_user_messages_only(business):
    import_ok(
        conversation(
            "other",
            [
                message("u", "block my card", bot_break=False),
                message("b", "block my card", sender="bot"),
            ],
            user="u-8",
        )
    )

    job = compute(business)

    assert (job.kind, job.state, job.done, job.total) == (Job.Kind.TOPICS, Job.State.DONE, 1, 1)
    grouped = set(TopicMember.objects.values_list("message", flat=True))
    breaks = Message.objects.filter(sender="user", bot_break=True)
    assert grouped == set(breaks.values_list("pk", flat=True))
    run = TopicRun.objects.get()
    assert run.grouped == run.bot_breaks == breaks.count()


def test_labels_come_from_the_masked_texts(business):
    compute(business)

    labels = [phrase for topic in Topic.objects.all() for phrase in topic.label]

    assert labels
    for value in (CARD, EMAIL, "ravindra", "kumaraswamy", "4111", "1111", "example", "email"):
        assert all(value not in phrase for phrase in labels), value


def test_the_job_is_on_the_background_jobs_page(client, business):
    compute(business)
    client.force_login(MembershipFactory(business=business, admin=True).user)

    page = client.get(f"/b/{BUSINESS}/jobs/").content.decode()

    assert "Group bot-break messages into topics" in page


def test_an_up_to_date_business_is_left_alone(business):
    compute(business)
    run = TopicRun.objects.get()

    assert Freshness.of(business).out_of_date == []
    compute(business)

    assert TopicRun.objects.get().pk == run.pk


def test_the_periodic_check_computes_what_imports_changed(business):
    refresh_topics_everywhere()
    assert TopicRun.objects.count() == 1
    jobs = Job.objects.filter(kind=Job.Kind.TOPICS).count()

    refresh_topics_everywhere()
    assert Job.objects.filter(kind=Job.Kind.TOPICS).count() == jobs  # nothing new: no job

    import_ok(
        conversation("s", [message("a", "refund please", bot_break=True)], bot="sales", user="u")
    )
    assert Freshness.of(business).out_of_date == [Bot.objects.get(slug="sales")]
    refresh_topics_everywhere()
    assert set(TopicRun.objects.values_list("bot__slug", flat=True)) == {"support", "sales"}


def test_many_changes_make_one_queued_job(business):
    Job.objects.create(business=business, kind=Job.Kind.ROLLUPS, reason="t")  # another kind
    queued = Job.objects.create(business=business, kind=Job.Kind.TOPICS, reason="first")

    again = schedule_topics(business, "second")

    assert again.pk == queued.pk
    assert Job.objects.get(pk=queued.pk).reason == "first; second"


def test_nothing_is_computed_while_texts_are_masked_again(business):
    Job.objects.create(business=business, kind=Job.Kind.ROLLUPS, reason="t", remasks=True)

    job = compute(business)

    assert job.state == Job.State.DONE
    assert not TopicRun.objects.exists()


def test_erasing_a_user_takes_their_messages_out_of_the_topics(business):
    compute(business)
    planted = Message.objects.filter(conversation__end_user__external_id="u-planted")
    assert TopicMember.objects.filter(message__in=planted).exists()

    ids = set(planted.values_list("pk", flat=True))
    do_erase_end_user(Actor.management_command("erase_end_user"), planted[0].conversation.end_user)

    assert not TopicMember.objects.filter(message__in=ids).exists()
    assert TopicMember.objects.exists()
    assert Freshness.of(business).out_of_date  # fewer bot breaks than when computed


def test_a_computation_has_the_database_count_the_topic_tables_again(business):
    # On PostgreSQL, so the pages are planned with the new counts at once (see
    # topics.jobs.refresh_statistics); a business with nothing to compute leaves them alone.
    with CaptureQueriesContext(connection) as computing:
        compute(business)
    with CaptureQueriesContext(connection) as up_to_date:
        compute(business)
    analyzed = [query["sql"] for query in computing.captured_queries if "ANALYZE" in query["sql"]]
    if connection.vendor == "postgresql":
        assert analyzed == ['ANALYZE "topics_topicrun", "topics_topic", "topics_topicmember"']
    else:
        assert analyzed == []
    assert not any("ANALYZE" in query["sql"] for query in up_to_date.captured_queries)
