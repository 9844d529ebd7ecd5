from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from conversations.models import ApiKey, Business


class Command(BaseCommand):
    help = "Create an import API key for a business (printed once), list its keys, or revoke one."

    def add_arguments(self, parser):
        parser.add_argument("business", help="the business's slug")
        parser.add_argument(
            "--revoke", metavar="PREFIX", help="revoke the key starting with PREFIX"
        )
        parser.add_argument("--list", action="store_true", help="list the business's keys")

    def handle(self, business, revoke=None, list=False, **options):
        found = Business.objects.filter(slug=business).first()
        if found is None:
            raise CommandError(f"no business with slug {business!r}")
        if list:
            for key in found.api_keys.order_by("created_at", "id"):
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                used = (
                    f"last used {key.last_used_at:%Y-%m-%d %H:%M} UTC"
                    if key.last_used_at
                    else "never used"
                )
                self.stdout.write(
                    f"{key.prefix}…  created {key.created_at:%Y-%m-%d}  {state}  {used}"
                )
        elif revoke is not None:
            if not revoke:
                raise CommandError("--revoke needs the start of the key to revoke")
            revoked = found.api_keys.active().filter(prefix__startswith=revoke)
            if revoked.count() != 1:
                raise CommandError(f"{revoked.count()} active keys start with {revoke!r}")
            revoked.update(revoked_at=timezone.now())
            self.stdout.write(f"revoked {revoke}…")
        else:
            _, raw_key = ApiKey.issue(found)
            self.stdout.write(raw_key)
            self.stderr.write("Store this key now: it is not shown again.")
