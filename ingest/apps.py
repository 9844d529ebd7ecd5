from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class IngestConfig(AppConfig):
    name = "ingest"
    verbose_name = "Import and derived data"

    def ready(self) -> None:
        # Sent for apps with models only: the conversations app's, once per migrate.
        post_migrate.connect(
            remask_outdated_businesses, sender=apps.get_app_config("conversations")
        )
        post_migrate.connect(recount_outdated_rollups, sender=apps.get_app_config("analytics"))


def remask_outdated_businesses(using: str, **kwargs: Any) -> None:
    """After an upgrade, the businesses whose texts were masked with older rules than this
    version's are masked again, each in a background job, so no one has to remember to."""
    from conversations.models import Business
    from ingest.tasks import schedule_rollup_rebuild
    from rules.masking import MASKER_VERSION

    for business in (
        Business.objects.using(using)
        .exclude(masker_version=MASKER_VERSION)
        .filter(conversations__isnull=False)
        .distinct()
    ):
        schedule_rollup_rebuild(business, f"new masking rules ({MASKER_VERSION})", remasks=True)


def recount_outdated_rollups(using: str, **kwargs: Any) -> None:
    """After an upgrade that changed what the rollups count (analytics.rollups.ROLLUPS_VERSION),
    every business with conversations is recounted once, in a background job."""
    from analytics.models import RollupsVersion
    from analytics.rollups import ROLLUPS_VERSION
    from conversations.models import Business
    from ingest.tasks import schedule_rollup_rebuild

    counted = RollupsVersion.objects.using(using).first()
    if counted is not None and counted.version >= ROLLUPS_VERSION:
        return
    for business in (
        Business.objects.using(using).filter(conversations__isnull=False).distinct().order_by("pk")
    ):
        schedule_rollup_rebuild(business, f"new analytics counts ({ROLLUPS_VERSION})")
    RollupsVersion.objects.using(using).update_or_create(
        pk=counted.pk if counted else None, defaults={"version": ROLLUPS_VERSION}
    )
