from django.core.management.base import BaseCommand, CommandError

from analytics.rollups import REBUILD_BATCH, rebuild
from conversations.models import Business


class Command(BaseCommand):
    help = (
        "Recount the analytics rollups of businesses from their conversations and messages: "
        "for data imported before the rollups existed, or changed outside the importer "
        "(an entity marked personal, a new time zone, an edit in the admin)."
    )

    def add_arguments(self, parser):
        parser.add_argument("businesses", nargs="*", metavar="SLUG", help="default: all")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=REBUILD_BATCH,
            help=f"conversations read at a time (default {REBUILD_BATCH})",
        )

    def handle(self, businesses, batch_size, **options):
        queryset = Business.objects.order_by("slug")
        if businesses:
            queryset = queryset.filter(slug__in=businesses)
            missing = set(businesses) - set(queryset.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"Unknown business: {', '.join(sorted(missing))}")
        for business in queryset:
            rebuild(business, batch_size=batch_size)
            self.stdout.write(f"Rebuilt the rollups of {business.slug}.")
