from django.db.models import QuerySet

from conversations.models import Business
from ingest.management.commands import rebuild_rollups
from rules.masking import MASKER_VERSION


class Command(rebuild_rollups.Command):
    help = (
        "Mask the stored copies of businesses' texts again, then recount their rollups, as a "
        "background job each: after an upgrade that changed the masking rules (MASKER_VERSION). "
        "Default: every business whose copies were masked with other rules."
    )
    remasks = True

    def chosen(self, businesses: list[str]) -> QuerySet[Business]:
        queryset = super().chosen(businesses)
        return queryset if businesses else queryset.exclude(masker_version=MASKER_VERSION)
