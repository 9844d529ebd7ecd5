from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.models import Business
from ingest.actors import Actor
from ingest.lifecycle import businesses_with_retention, do_apply_retention

APPLY_RETENTION = Actor.management_command("apply_retention")


class Command(BaseCommand):
    help = (
        "Remove now the conversations older than their business keeps (its retention in "
        "days), as the nightly task does; by default in every business that has one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("businesses", nargs="*", metavar="SLUG", help="default: all")

    def handle(self, businesses: list[str], **options: Any) -> None:
        chosen = businesses_with_retention()
        if businesses:
            missing = set(businesses) - set(
                Business.objects.filter(slug__in=businesses).values_list("slug", flat=True)
            )
            if missing:
                raise CommandError(f"Unknown business: {', '.join(sorted(missing))}")
            for slug in sorted(set(businesses) - set(chosen.values_list("slug", flat=True))):
                self.stdout.write(f"{slug}: keeps conversations forever")
            chosen = chosen.filter(slug__in=businesses)
        for business in chosen:
            run = do_apply_retention(APPLY_RETENTION, business)
            assert run is not None
            self.stdout.write(
                f"{business.slug}: removed {run.conversations} conversations, {run.messages} "
                f"messages and {run.end_users} end users"
            )
