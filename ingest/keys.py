"""A business's import API keys: issued and revoked only here."""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from conversations.models import ApiKey, Business
from ingest.actors import Actor


def issue_api_key(actor: Actor, business: Business, name: str) -> tuple[ApiKey, str]:
    """A new key named `name`; returns (ApiKey, raw key), the raw key never stored. A key's
    records can mark entities not personal, so only an actor who may reveal personal data
    issues one."""
    actor.check_may_reveal(business, "create an API key")
    with transaction.atomic():
        api_key, raw_key = ApiKey.issue(business, name)
        actor.audit(business, AuditEntry.Kind.API_KEY, f"Created API key {api_key.label}")
    return api_key, raw_key


def revoke_api_key(actor: Actor, api_key: ApiKey) -> bool:
    """Revoke an active key; False when it was revoked already (the first revocation's time
    is kept)."""
    with transaction.atomic():
        revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            actor.audit(
                api_key.business, AuditEntry.Kind.API_KEY, f"Revoked API key {api_key.label}"
            )
    return bool(revoked)
