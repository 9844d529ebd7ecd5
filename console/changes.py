"""The console's changes of a business's settings, entities and API keys, each audited.

Settings and entities change through ingest.writer, which keeps what is derived from them
(rollups by day, masked copies) and queues the background job that follows; the audit entry
is written in the same transaction, naming what changed without any end-user data.
"""

from django.db import transaction

from chatlinks.models import AuditEntry
from conversations.models import ApiKey, Business, Entity
from ingest import keys, writer
from ingest.actors import Actor


def audited(actor, business, what):
    AuditEntry.objects.changed(actor, business, AuditEntry.Kind.SETTINGS, what[:300])


def change_settings(actor, business: Business, *, name: str, timezone_name: str) -> list[str]:
    """The business's name and time zone; the changes made, as the audit log words them."""
    before = {"name": business.name, "time zone": business.timezone}
    after = {"name": name, "time zone": timezone_name}
    changes = [
        f"{field} {before[field]} → {after[field]}"
        for field in before
        if before[field] != after[field]
    ]
    if changes:
        with transaction.atomic():
            writer.update_business(Actor.staff(actor), business, name=name, timezone=timezone_name)
            audited(actor, business, "; ".join(changes))
    return changes


def mark_entity(actor, entity: Entity, personal: bool) -> None:
    """Mark one entity of a bot personal or not; the writer queues the masking again."""
    bot = entity.bot
    with transaction.atomic():
        entities = dict(bot.entities.values_list("name", "personal"))
        writer.set_entities(Actor.staff(actor), bot, {**entities, entity.name: personal})
        audited(
            actor,
            bot.business,
            f"Marked entity {entity.name} of bot {bot.slug} "
            f"{'personal' if personal else 'not personal'}",
        )


def create_api_key(actor, business: Business) -> tuple[ApiKey, str]:
    with transaction.atomic():
        api_key, raw_key = keys.issue_api_key(Actor.staff(actor), business)
        audited(actor, business, f"Created API key {api_key.prefix}…")
    return api_key, raw_key


def revoke_api_key(actor, api_key: ApiKey) -> None:
    with transaction.atomic():
        # Only an active key is revoked: a second click keeps the first revocation's time.
        if keys.revoke_api_key(Actor.staff(actor), api_key):
            audited(actor, api_key.business, f"Revoked API key {api_key.prefix}…")
