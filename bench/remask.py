"""The remask after new masking rules: what a business waits for after an upgrade that bumps
MASKER_VERSION, measured on the largest business of the benchmark's data.

The business is marked as masked with older rules and its job is queued as the upgrade queues
it (ingest.apps); the job runs in this process (no broker), so the time is the job's own:
every text masked again, then the rollups recounted. The masks come out as they were, since
the rules did not really change, but every text is read, masked and compared all the same.
"""

import os
import time
from dataclasses import dataclass

from django.db.models import Sum

from conversations.models import Business, Job
from ingest.tasks import schedule_rollup_rebuild
from rules.masking import MASKER_VERSION


@dataclass(frozen=True)
class RemaskRun:
    business: str  # its name
    conversations: int
    messages: int
    seconds: float
    load_average: float  # 1-minute, at its end

    @property
    def rate(self):
        return self.messages / self.seconds


def largest_business():
    return (
        Business.objects.annotate(messages=Sum("conversations__message_count"))
        .order_by("-messages")
        .first()
    )


def remask_largest():
    """Time the remask job of the business with the most messages."""
    business = largest_business()
    Business.objects.filter(pk=business.pk).update(masker_version=MASKER_VERSION - 1)
    started = time.perf_counter()
    job = schedule_rollup_rebuild(business, "benchmark: new masking rules", remasks=True)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    if job.state != Job.State.DONE:
        raise SystemExit(f"the remask job of {business.name} ended {job.get_state_display()}")
    return RemaskRun(
        business.name,
        business.conversations.count(),
        business.messages or 0,
        seconds,
        os.getloadavg()[0],
    )
