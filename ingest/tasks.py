"""Background jobs that rebuild a business's derived data or erase an end user's, with their
progress; and the periodic retention sweep (Celery beat, settings.CELERY_BEAT_SCHEDULE).

A job is a row (conversations.models.Job) that the business's admin and the Django admin see,
and a Celery task that runs it. With CELERY_BROKER_URL set, a worker runs it after the
scheduling transaction commits; without one (development, tests) it runs at once, in process.
"""

import logging
from collections.abc import Callable

from celery import shared_task
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from analytics.rollups import rebuild
from audit.models import AuditEntry
from conversations.models import Business, EndUser, Job
from ingest.actors import Actor
from ingest.copies import remask_business
from ingest.lifecycle import (
    businesses_with_retention,
    do_apply_retention,
    do_erase_end_user,
    holdings,
    user_key,
)
from rules.masking import MASKER_VERSION

logger = logging.getLogger(__name__)

# What a job does, for the kinds of job that an app above this one runs (topics): the app
# registers its work when it is ready, as this module may not import it.
JobWork = Callable[[Job, "ProgressReporter"], None]
JOB_WORK: dict[str, JobWork] = {}


def schedule_rollup_rebuild(business: Business, reason: str, remasks: bool = False) -> Job:
    """Queue a recount of the business's rollups (see `schedule_job`)."""
    return schedule_job(business, Job.Kind.ROLLUPS, reason, remasks=remasks)


def schedule_job(business: Business, kind: str, reason: str, remasks: bool = False) -> Job:
    """Queue a job of this kind for the business, or add `reason` to the one already queued
    (a job that has started may have read the data before this change, so it does not count):
    many changes in a row make one job."""
    with transaction.atomic():
        queued: Job | None = (
            Job.objects.select_for_update()
            .filter(business=business, kind=kind, state=Job.State.QUEUED)
            .first()
        )
        if queued is not None:
            queued.reason = f"{queued.reason}; {reason}"[: Job._meta.get_field("reason").max_length]
            queued.remasks = queued.remasks or remasks
            queued.save(update_fields=["reason", "remasks"])
            return queued
        job = Job.objects.create(business=business, kind=kind, reason=reason, remasks=remasks)
    _start(job)
    return job


def request_erasure(actor: Actor, end_user: EndUser) -> Job:
    """Queue the erasure of everything stored about `end_user` (ingest.lifecycle), asked for
    by `actor`, who must see the business's personal data in full. The job names the end user
    by the keyed hash of their id alone: the Background jobs page shows it to every admin."""
    business = end_user.business
    actor.check_may_reveal(business, "erase a customer's data")
    key = user_key(end_user)
    with transaction.atomic():
        job = Job(
            business=business,
            kind=Job.Kind.ERASURE,
            reason=f"asked by {actor.name}; end user (keyed hash) {key[:16]}…",
            end_user=end_user,
        )
        actor.record_on(job)
        job.save()
        actor.audit(
            business,
            AuditEntry.Kind.PRIVACY,
            f"Asked to erase end user (keyed hash {key}): {holdings(end_user)}",
        )
    _start(job)
    return job


def retry_job(job: Job) -> bool:
    """Queue a failed job again, from the start; False when it had not failed (a second
    click, or a retry meanwhile). Until it is done, its business's copies stay stale."""
    retried = Job.objects.filter(pk=job.pk, state=Job.State.FAILED).update(
        state=Job.State.QUEUED, error="", done=0, total=0, started_at=None, finished_at=None
    )
    if retried:
        _start(job)
    return bool(retried)


def _start(job: Job) -> None:
    if run_job.app.conf.task_always_eager:
        run_job.delay(job.pk)
    else:
        transaction.on_commit(lambda: run_job.delay(job.pk))


@shared_task(acks_late=True)
def run_job(job_id: int) -> None:
    """Run a queued job; a job redelivered after its worker died is run again (a recount may
    run twice: it is idempotent)."""
    claimed = Job.objects.filter(pk=job_id, state__in=[Job.State.QUEUED, Job.State.RUNNING]).update(
        state=Job.State.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    job = Job.objects.select_related("business").get(pk=job_id)
    progress = ProgressReporter(job)
    business = job.business
    try:
        if work := JOB_WORK.get(job.kind):
            work(job, progress)
        elif job.kind == Job.Kind.ERASURE:
            _erase(job, progress)
        elif job.remasks or business.masker_version != MASKER_VERSION:
            # Two passes over the conversations: masking again, then the recount (whose
            # phrases depend on what is masked).
            remask_business(business, progress=lambda done, total: progress(done, 2 * total))
            rebuild(business, progress=lambda done, total: progress(total + done, 2 * total))
        else:
            rebuild(business, progress=progress)
    except Exception as error:
        logger.exception("job %s failed", job_id)
        # The kind of error alone: its message may quote a text it failed on (a database
        # error names the value), and the Background jobs page shows it to admins who may
        # see personal data masked. The whole of it is in the server's log.
        Job.objects.filter(pk=job_id).update(
            state=Job.State.FAILED,
            error=f"{type(error).__name__} (details in the server's log)",
            finished_at=timezone.now(),
        )
        raise
    finally:
        progress.close()
    Job.objects.filter(pk=job_id).update(
        state=Job.State.DONE, done=progress.total, total=progress.total, finished_at=timezone.now()
    )


def _erase(job: Job, progress: "ProgressReporter") -> None:
    # No end user: erased already, by this job before its worker died, or by another.
    if job.end_user is not None:
        do_erase_end_user(Actor.of_job(job), job.end_user)
    progress(1, 1)


@shared_task
def apply_retention_everywhere() -> None:
    """The periodic sweep: every business that keeps conversations for a number of days
    loses the older ones (ingest.lifecycle.do_apply_retention)."""
    actor = Actor.schedule("apply_retention_everywhere")
    for business in businesses_with_retention():
        do_apply_retention(actor, business)


class ProgressReporter:
    """Writes a running job's progress so that other connections see it while the rebuild's
    own transaction is still open: through a second connection on PostgreSQL. SQLite allows
    one writer at a time, so there the progress shows when the job ends."""

    def __init__(self, job: Job):
        self.job_id = job.pk
        self.total = 0
        self.own_connection = (
            connections.create_connection(DEFAULT_DB_ALIAS)
            if connection.vendor == "postgresql"
            else None
        )

    def __call__(self, done: int, total: int) -> None:
        self.total = total
        if self.own_connection is None:
            return
        table = self.own_connection.ops.quote_name(Job._meta.db_table)
        with self.own_connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET done = %s, total = %s WHERE id = %s",  # noqa: S608
                [done, total, self.job_id],
            )

    def close(self) -> None:
        if self.own_connection is not None:
            self.own_connection.close()
