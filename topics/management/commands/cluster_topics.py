from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.models import Business
from topics.jobs import schedule_topics
from topics.models import TopicRun


class Command(BaseCommand):
    help = (
        "Group the bot-break messages of a business's bots into topics again, as a background "
        "job (shown to the business's admin); bots without topics yet get theirs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("business", metavar="BUSINESS", help="the business's slug")
        parser.add_argument("--bot", metavar="SLUG", help="only this bot (default: all)")

    def handle(self, business: str, bot: str | None = None, **options: Any) -> None:
        chosen = Business.objects.filter(slug=business).first()
        if chosen is None:
            raise CommandError(f"Unknown business: {business}")
        runs = TopicRun.objects.filter(business=chosen)
        if bot is not None:
            if not chosen.bots.filter(slug=bot).exists():
                raise CommandError(f"Unknown bot of {business}: {bot}")
            runs = runs.filter(bot__slug=bot)
        runs.update(requested=True)
        job = schedule_topics(chosen, "asked for with manage.py cluster_topics")
        job.refresh_from_db()
        self.stdout.write(f"{chosen.slug}: cluster_topics {job.get_state_display().lower()}")
