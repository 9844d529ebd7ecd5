from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from conversations.models import Business
from ingest.tasks import schedule_rollup_rebuild


class Command(BaseCommand):
    help = (
        "Recount the analytics rollups of businesses from their conversations and messages, "
        "as a background job each (shown to the business's admin): for data imported before "
        "the rollups existed, or after new stop words."
    )
    remasks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("businesses", nargs="*", metavar="SLUG", help="default: all")

    def chosen(self, businesses: list[str]) -> QuerySet[Business]:
        queryset = Business.objects.order_by("slug")
        if not businesses:
            return queryset
        queryset = queryset.filter(slug__in=businesses)
        missing = set(businesses) - set(queryset.values_list("slug", flat=True))
        if missing:
            raise CommandError(f"Unknown business: {', '.join(sorted(missing))}")
        return queryset

    def handle(self, businesses: list[str], **options: Any) -> None:
        for business in self.chosen(businesses):
            job = schedule_rollup_rebuild(
                business, f"asked for with manage.py {self.name}", remasks=self.remasks
            )
            job.refresh_from_db()
            self.stdout.write(f"{business.slug}: {self.name} {job.get_state_display().lower()}")

    @property
    def name(self) -> str:
        return self.__module__.rsplit(".", 1)[-1]
