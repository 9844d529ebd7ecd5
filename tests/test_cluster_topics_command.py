"""manage.py cluster_topics BUSINESS [--bot SLUG]: the topics computed again, as a job."""

import io

import pytest
from django.core.management import CommandError, call_command

from conversations.models import Job
from tests.topic_data import compute, topics_business
from topics.models import TopicRun

pytestmark = pytest.mark.django_db


def cluster_topics(*args):
    out = io.StringIO()
    call_command("cluster_topics", *args, stdout=out)
    return out.getvalue()


def test_computes_the_topics_of_a_business_as_a_job():
    business = topics_business()

    assert cluster_topics(business.slug) == f"{business.slug}: cluster_topics done\n"

    run = TopicRun.objects.get(business=business)
    assert run.bot.slug == "support" and run.topics.exists() and not run.requested
    job = Job.objects.get(kind=Job.Kind.TOPICS)
    assert job.reason == "asked for with manage.py cluster_topics"


def test_computes_again_what_is_up_to_date_when_asked():
    business = topics_business()
    compute(business)
    before = TopicRun.objects.get(business=business)

    cluster_topics(business.slug, "--bot", "support")

    after = TopicRun.objects.get(business=business)
    assert after.pk != before.pk and after.computed_at > before.computed_at


def test_an_unknown_business_or_bot_is_an_error():
    business = topics_business()
    with pytest.raises(CommandError, match="Unknown business: nope"):
        cluster_topics("nope")
    with pytest.raises(CommandError, match="Unknown bot of acme: nope"):
        cluster_topics(business.slug, "--bot", "nope")
    assert not Job.objects.filter(kind=Job.Kind.TOPICS).exists()
