from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.models import API_KEY_PREFIX_LENGTH, Business
from ingest.actors import Actor
from ingest.keys import issue_api_key, revoke_api_key

API_KEY = Actor.management_command("api_key")


class Command(BaseCommand):
    help = "Create an import API key for a business (printed once), list its keys, or revoke one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("business", help="the business's slug")
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--revoke",
            metavar="PREFIX",
            help=f"revoke the key with this prefix ({API_KEY_PREFIX_LENGTH} characters, as "
            "--list shows it; the whole key will do)",
        )
        action.add_argument("--list", action="store_true", help="list the business's keys")
        parser.add_argument(
            "--name", default="", help="a new key's name: what it is for (required to create one)"
        )

    def handle(
        self,
        business: str,
        revoke: str | None = None,
        list: bool = False,
        name: str = "",
        **options: Any,
    ) -> None:
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
                    f"{key.label}  created {key.created_at:%Y-%m-%d}  {state}  {used}"
                )
        elif revoke is not None:
            # Only the prefix is ever compared or repeated: the whole key may have been given.
            prefix = revoke[:API_KEY_PREFIX_LENGTH]
            if len(prefix) < API_KEY_PREFIX_LENGTH:
                raise CommandError(
                    f"--revoke needs the key's {API_KEY_PREFIX_LENGTH}-character prefix, as "
                    "--list shows it"
                )
            keys = [*found.api_keys.active().filter(prefix=prefix)]  # `list` is the option
            if not keys:
                raise CommandError(f"no active key has the prefix {prefix!r}")
            for key in keys:
                revoke_api_key(API_KEY, key)
            self.stdout.write(f"revoked {prefix}…")
        elif not name.strip():
            raise CommandError("a new key needs a name: --name 'what it is for'")
        else:
            _, raw_key = issue_api_key(API_KEY, found, name.strip())
            self.stdout.write(raw_key)
            self.stderr.write("Store this key now: it is not shown again.")
