"""`python -m bench.lifecycle [--messages N]`: erasing a customer and applying retention to a
business of about 100,000 messages, each as a background job of a real Celery worker through
Redis, while the business's pages are requested over and over.

The benchmark database is filled with the demo data at N messages (default 230,000, of which
Acme Bank has some 100,000) through the importer. Then, one after the other: the erasure of
Acme Bank's customer with the most messages (queued as the Privacy requests page queues it),
and retention of the data's last 30 days for Acme Bank (of the 60 the demo spreads over), applied
by the nightly task. Until each is done, Message Analysis, CSAT and a chat page are requested
in turn and timed. Prints a Markdown summary for bench/RESULTS.md.
"""

import datetime as dt
import statistics
import sys
import time

# Sets Django up, with a broker, before anything reads the settings or the models.
from bench.rebuild import TIMEOUT, main_at_messages, print_rows, signed_in, start_worker

# isort: split
from django.db.models import Sum
from django.utils import timezone

from audit.models import AuditEntry
from bench import db
from bench.dataset import TODAY, Scale, ensure_file
from bench.db import BENCH
from bench.pages import BUSINESS
from conversations.models import Business, Job, Message
from ingest import writer
from ingest.tasks import apply_retention_everywhere, request_erasure

# The data's last 30 days are kept, whatever the day the benchmark runs (the data end on
# bench.dataset.TODAY); the demo spreads its conversations over 60.
KEPT_DAYS = 30


def requested_until(done, pages):
    """Request `pages` in turn until `done()`; (seconds, request times, answers)."""
    started = time.monotonic()
    timings, statuses = [], set()
    while not done():
        if time.monotonic() - started > TIMEOUT:
            raise SystemExit(f"the job did not finish in {TIMEOUT} s")
        for client, path in pages:
            request_started = time.perf_counter()
            statuses.add(client.get(path).status_code)
            timings.append(time.perf_counter() - request_started)
    return time.monotonic() - started, timings, statuses


def summary(timings, statuses):
    return (
        f"{len(timings)} requests, answers {sorted(statuses)}, p50 "
        f"{statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms"
    )


def run(messages):
    db.recreate()
    imported = db.import_file(ensure_file(Scale(messages)))
    business = Business.objects.get(slug=BUSINESS.slug)
    before = Message.objects.filter(business=business).count()
    retention_days = (timezone.localdate() - TODAY).days + KEPT_DAYS
    # The longest of the conversations retention keeps (well inside them, in any time zone):
    # its page answers throughout.
    well_kept = dt.datetime.combine(TODAY - dt.timedelta(days=KEPT_DAYS - 2), dt.time(), dt.UTC)
    chat = (
        business.conversations.filter(last_message_at__gte=well_kept)
        .order_by("-message_count")
        .first()
    )
    pages = [
        (signed_in(business, is_analyst=True), f"/b/{business.slug}/analytics/messages/"),
        (signed_in(business, is_analyst=True), f"/b/{business.slug}/analytics/csat/"),
        (signed_in(business, is_agent=True), f"/c/{chat.token}/"),
    ]
    customer = (
        business.end_users.exclude(pk=chat.end_user_id)
        .annotate(held=Sum("conversations__message_count"))
        .order_by("-held")
        .first()
    )
    held = (
        customer.conversations.count(),
        Message.objects.filter(conversation__end_user=customer).count(),
    )

    worker = start_worker()
    try:
        job = request_erasure(BENCH, customer)

        def erased():
            job.refresh_from_db()
            return job.state not in (Job.State.QUEUED, Job.State.RUNNING)

        erasure = requested_until(erased, pages)
        after_erasure = Message.objects.filter(business=business).count()

        writer.update_business(BENCH, business, retention_days=retention_days)
        runs_before = AuditEntry.objects.filter(
            business=business, kind=AuditEntry.Kind.RETENTION
        ).count()
        apply_retention_everywhere.delay()
        retention = requested_until(
            lambda: (
                AuditEntry.objects.filter(business=business, kind=AuditEntry.Kind.RETENTION).count()
                > runs_before
            ),
            pages,
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    after_retention = Message.objects.filter(business=business).count()
    run_entry = AuditEntry.objects.filter(business=business, kind=AuditEntry.Kind.RETENTION).latest(
        "at"
    )
    rows = [
        ("data", f"{imported.messages:,} messages; {business.name}: {before:,} messages"),
        (
            "erasure",
            f"{job.get_state_display()}: {held[0]} conversations, {held[1]:,} messages of one "
            f"customer, {erasure[0]:.1f} s from the request to done",
        ),
        ("pages during the erasure", summary(*erasure[1:])),
        (
            "retention",
            f"the data's last {KEPT_DAYS} days kept ({retention_days} days from today): "
            f"{after_erasure - after_retention:,} of {after_erasure:,} "
            f"messages removed, {retention[0]:.1f} s from the task to its audit entry "
            f"({run_entry.what})",
        ),
        ("pages during the retention run", summary(*retention[1:])),
    ]
    print_rows(rows)


def main():
    main_at_messages(sys.modules[__name__], run)


if __name__ == "__main__":
    main()
