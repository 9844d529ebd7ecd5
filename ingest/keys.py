"""A business's import API keys: issued and revoked only here."""

from django.db import transaction
from django.utils import timezone

from conversations.models import ApiKey, Business
from ingest.actors import Actor


def issue_api_key(actor: Actor, business: Business) -> tuple[ApiKey, str]:
    """A new key; returns (ApiKey, raw key), the raw key never stored. A key's records can
    mark entities not personal, so only an actor who may reveal personal data issues one."""
    actor.check_may_reveal(business, "create an API key")
    with transaction.atomic():
        return ApiKey.issue(business)


def revoke_api_key(actor: Actor, api_key: ApiKey) -> bool:
    """Revoke an active key; False when it was revoked already (the first revocation's time
    is kept)."""
    with transaction.atomic():
        return bool(
            ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        )
