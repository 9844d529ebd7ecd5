from django.core.management.base import BaseCommand, CommandError

from conversations.models import Business
from ingest.tasks import schedule_rollup_rebuild


class Command(BaseCommand):
    help = (
        "Recount the analytics rollups of businesses from their conversations and messages, "
        "as a background job each (shown to the business's admin): for data imported before "
        "the rollups existed, or after new stop words."
    )

    def add_arguments(self, parser):
        parser.add_argument("businesses", nargs="*", metavar="SLUG", help="default: all")

    def handle(self, businesses, **options):
        queryset = Business.objects.order_by("slug")
        if businesses:
            queryset = queryset.filter(slug__in=businesses)
            missing = set(businesses) - set(queryset.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"Unknown business: {', '.join(sorted(missing))}")
        for business in queryset:
            job = schedule_rollup_rebuild(business, "asked for with manage.py rebuild_rollups")
            job.refresh_from_db()
            self.stdout.write(f"{business.slug}: rollup recount {job.get_state_display().lower()}")
