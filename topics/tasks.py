"""The periodic check that keeps every business's topics up to date after imports
(settings.CELERY_BEAT_SCHEDULE): one job per business that needs one, however many imports
came since the last check."""

from celery import shared_task

from conversations.models import Business
from topics.jobs import Freshness, schedule_topics


@shared_task
def refresh_topics_everywhere() -> None:
    for business in Business.objects.order_by("pk"):
        if bots := Freshness.of(business).out_of_date:
            schedule_topics(business, f"new bot-break messages of {len(bots)} bot(s)")
