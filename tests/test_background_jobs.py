"""Background jobs: queued by the writer, run by a real Celery worker through a real Redis
broker, with their state for the business's admin; pages answer while one runs."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import kombu.pools
import pytest
import redis
from django.db import connection
from django.test import Client

from chatlinks.celery import app
from conversations.models import Business, Entity, Job, Message
from ingest import tasks, writer
from tests.factories import MembershipFactory
from tests.records import (
    BUSINESS,
    IMPORT_DATA,
    assert_rollups_match_a_recount,
    conversation,
    import_ok,
    message,
    setup_records,
)

ROOT = Path(__file__).resolve().parent.parent
REDIS = ("127.0.0.1", 6379)
BROKER_URL = "redis://127.0.0.1:6379/15"


def redis_is_up():
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


def imported_business(conversations=40):
    import_ok(
        *setup_records(),
        *(
            conversation(
                f"c-{number}",
                [message(f"m{number}", f"my mother Sunita Gavaskar, case {number}")],
                user={
                    "id": f"u-{number}",
                    "attributes": {"city": "Pune", "mother_name": "Sunita Gavaskar"},
                },
            )
            for number in range(conversations)
        ),
    )
    return Business.objects.get(slug=BUSINESS)


@pytest.mark.django_db
def test_a_privacy_change_queues_one_job_and_runs_it_in_process(client):
    business = imported_business(3)

    writer.set_entities(IMPORT_DATA, business.bots.get(slug="support"), {"city": True})
    writer.set_entities(
        IMPORT_DATA, business.bots.get(slug="sales"), {"city": True}
    )  # no change after

    job = Job.objects.get(business=business)
    # Two steps a conversation: masked again, then counted.
    assert (job.state, job.done, job.total, job.percent) == (Job.State.DONE, 6, 6, 100)
    assert (
        job.remasks and job.reason == "personal entities changed: account_number, city, pan_number"
    )
    assert_rollups_match_a_recount()


@pytest.mark.django_db
def test_the_business_admin_sees_the_jobs_others_get_404(client):
    business = imported_business(2)
    writer.update_business(IMPORT_DATA, business, timezone="Europe/London")
    admin = MembershipFactory(business=business, admin=True)
    analyst = MembershipFactory(business=business, analyst=True)
    stranger = MembershipFactory(admin=True)
    url = f"/b/{BUSINESS}/jobs/"

    client.force_login(admin.user)
    page = client.get(url).content.decode()
    client.force_login(analyst.user)
    forbidden = client.get(url)
    client.force_login(stranger.user)
    hidden = client.get(url)

    assert "time zone changed from Asia/Kolkata to Europe/London" in page
    assert "100%" in page and "Done" in page
    assert forbidden.status_code == 403
    assert hidden.status_code == 404


def forget_broker_connections():
    """Close the app's connections and drop kombu's registry of producer pools too: it is
    keyed by broker, so the in-memory broker's pool, closed here, would be handed back to the
    in-process jobs of later tests."""
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture
def worker(transactional_db, tmp_path, settings):
    """A Celery worker process on the Redis broker, sharing the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database only on PostgreSQL")
    if not redis_is_up():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Redis on 127.0.0.1:6379 (.ci/run starts it)")
        pytest.skip("no Redis server on 127.0.0.1:6379")
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chatlinks.test_settings",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "CELERY_BROKER_URL": BROKER_URL,
    }
    redis.Redis.from_url(BROKER_URL).flushdb()  # no task left from an earlier run
    process = subprocess.Popen(  # noqa: S603 - our own worker
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "chatlinks",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            f"--logfile={tmp_path / 'worker.log'}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
    )
    # Celery reads these from the Django settings when it sends a task, through connection
    # pools that the in-process jobs of earlier tests opened on the in-memory broker.
    settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL = False, BROKER_URL
    forget_broker_connections()
    try:
        yield tmp_path / "worker.log"
    finally:
        forget_broker_connections()
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.slow
def test_a_real_worker_runs_the_recount_while_pages_answer(worker, client):
    business = imported_business()
    client.force_login(MembershipFactory(business=business, analyst=True).user)

    writer.set_entities(IMPORT_DATA, business.bots.get(slug="support"), {"mother_name": True})
    job = Job.objects.get(business=business)
    answered = []
    deadline = time.monotonic() + 60
    while job.state in (Job.State.QUEUED, Job.State.RUNNING) and time.monotonic() < deadline:
        answered.append(client.get(f"/b/{BUSINESS}/analytics/messages/").status_code)
        words = client.get(f"/b/{BUSINESS}/analytics/words/").content.decode()
        assert "gavaskar" not in words.lower()
        time.sleep(0.2)
        job.refresh_from_db()

    assert job.state == Job.State.DONE, job.error
    assert (job.done, job.total) == (80, 80)  # each conversation masked again, then counted
    stored = Message.objects.filter(business=business).values_list("masked_text", flat=True)
    assert not any("gavaskar" in text.lower() for text in stored)
    assert job.started_at and job.finished_at
    assert set(answered) <= {200}
    assert "ingest.tasks.run_job" in worker.read_text()  # run by the worker, not in process
    assert_rollups_match_a_recount()


@pytest.mark.django_db
def test_a_failed_remask_keeps_the_copies_stale_until_a_retry_is_done(client, monkeypatch):
    business = imported_business(2)
    chat = f"/c/{business.conversations.get(external_id='c-0').token}/"
    # What the writer stores when an entity turns personal; the job that follows then fails.
    Entity.objects.create(bot=business.bots.get(slug="support"), name="mother_name", personal=True)
    job = Job.objects.create(business=business, kind=Job.Kind.ROLLUPS, reason="t", remasks=True)
    monkeypatch.setattr(tasks, "remask_business", failing_remask)
    with pytest.raises(RuntimeError):
        tasks.run_job(job.pk)
    monkeypatch.undo()
    agent = MembershipFactory(business=business, agent=True)
    admin = MembershipFactory(business=business, admin=True)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(admin.user)

    client.force_login(agent.user)
    while_failed = client.get(chat).content.decode()
    search = client.get(f"/b/{BUSINESS}/search/", {"q": "Gavaskar"}).content.decode()
    client.force_login(admin.user)
    jobs_page = client.get(f"/b/{BUSINESS}/jobs/").content.decode()
    stored_error = Job.objects.get(pk=job.pk).error
    retry_url = f"/b/{BUSINESS}/jobs/{job.pk}/retry/"
    without_token = csrf_client.post(retry_url)
    retried = client.post(retry_url)

    assert Job.objects.remasking(business) is False
    assert "Gavaskar" not in while_failed and "[mother name]" in while_failed
    assert "Search waits while personal data is masked again" in search
    assert "Failed" in jobs_page and "RuntimeError" in jobs_page
    assert "Gavaskar" not in jobs_page and stored_error.startswith("RuntimeError")
    assert "Gavaskar" not in stored_error
    assert f'action="{retry_url}"' in jobs_page and "csrfmiddlewaretoken" in jobs_page
    assert without_token.status_code == 403
    assert retried.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.error == ""
    assert "Sunita" not in Message.objects.get(conversation__external_id="c-0").masked_text


def failing_remask(business, progress=None):
    # A database error quotes the value it failed on: it must not reach the jobs page.
    raise RuntimeError("value too long for type character varying(200): 'Sunita Gavaskar'")
