"""`python -m bench.rebuild [--messages N]`: a business's rollups recounted by a real Celery
worker through Redis, while its pages are requested over and over.

The benchmark database is filled with the demo data at N messages (default 230,000, of which
Acme Bank has some 100,000) through the importer; a personal entity of Acme Bank is then
switched off and on again through the writer, which queues one recount job. Until the job is
done, Message Analysis, CSAT and a chat page are requested in turn and timed, and the job's
progress is sampled as the business's admin sees it. Prints a Markdown summary for bench/RESULTS.md.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import django

BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["CELERY_BROKER_URL"] = BROKER_URL
django.setup()

import redis  # noqa: E402 - after Django is set up, as the models below need it
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from bench import db  # noqa: E402
from bench.dataset import Scale, ensure_file  # noqa: E402
from bench.db import BENCH  # noqa: E402
from bench.pages import BUSINESS  # noqa: E402
from conversations.models import Business, Job, Membership  # noqa: E402
from ingest import writer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 600  # seconds


def start_worker():
    redis.Redis.from_url(BROKER_URL).flushdb()
    return subprocess.Popen(  # noqa: S603 - our own worker
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "chatlinks",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )


def signed_in(business, **role):
    client = Client()
    client.force_login(Membership.objects.filter(business=business, **role).first().user)
    return client


def run(messages):
    scale = Scale(messages)
    db.recreate()
    imported = db.import_file(ensure_file(scale))
    business = Business.objects.get(slug=BUSINESS.slug)
    conversation = business.conversations.order_by("-message_count").first()
    acme_messages = sum(business.conversations.values_list("message_count", flat=True))
    pages = [
        (signed_in(business, is_analyst=True), f"/b/{business.slug}/analytics/messages/"),
        (signed_in(business, is_analyst=True), f"/b/{business.slug}/analytics/csat/"),
        (signed_in(business, is_agent=True), f"/c/{conversation.token}/"),
    ]
    bot = business.bots.filter(entities__personal=True).distinct().first()
    entities = dict(bot.entities.values_list("name", "personal"))
    flipped = next(name for name, personal in entities.items() if personal)

    worker = start_worker()
    try:
        started = time.monotonic()
        # Off and on again: what masking hides ends as it was, and one recount is queued.
        with transaction.atomic():
            writer.set_entities(BENCH, bot, {**entities, flipped: False})
            writer.set_entities(BENCH, bot, entities)
        job = Job.objects.filter(business=business).latest("created_at")
        timings, statuses, progress = [], set(), []
        while job.state in (Job.State.QUEUED, Job.State.RUNNING):
            if time.monotonic() - started > TIMEOUT:
                raise SystemExit(f"the recount did not finish in {TIMEOUT} s")
            for client, path in pages:
                request_started = time.perf_counter()
                statuses.add(client.get(path).status_code)
                timings.append(time.perf_counter() - request_started)
            job.refresh_from_db()
            progress.append(job.percent)
        elapsed = time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    job.refresh_from_db()
    shown = sorted(set(progress))
    rows = [
        (
            "data",
            f"{imported.messages:,} messages; {business.name}: {acme_messages:,} messages "
            f"in {job.total:,} conversations",
        ),
        ("job", f"{job.get_state_display()}, {elapsed:.1f} s from the change to done"),
        ("progress the admin saw", ", ".join(f"{percent}%" for percent in shown)),
        ("page requests during the recount", f"{len(timings)}, answers {sorted(statuses)}"),
        (
            "their time",
            f"p50 {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms",
        ),
    ]
    print_rows(rows)


def print_rows(rows):
    """(label, value) rows as a two-column Markdown table, for bench/RESULTS.md."""
    print("| | |\n|---|---|")
    for label, value in rows:
        print(f"| {label} | {value} |")


def main_at_messages(module, run, default=230_000):
    """Run `run(messages)` with `--messages N` from the command line of `python -m module`."""
    parser = argparse.ArgumentParser(
        prog=f"python -m {module.__spec__.name}", description=module.__doc__
    )
    parser.add_argument("--messages", type=int, default=default)
    run(parser.parse_args().messages)


def main():
    main_at_messages(sys.modules[__name__], run)


if __name__ == "__main__":
    main()
