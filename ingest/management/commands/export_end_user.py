import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ingest.actors import Actor
from ingest.lifecycle import do_export_end_user
from ingest.management.end_users import add_end_user_arguments, end_user_of

EXPORT_END_USER = Actor.management_command("export_end_user")


class Command(BaseCommand):
    help = (
        "Print, as JSON, everything stored about one end user of a business (their own copy, "
        "for a subject access request); the export is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_end_user_arguments(parser)

    def handle(self, business: str, user_id: str, **options: Any) -> None:
        copy = do_export_end_user(EXPORT_END_USER, end_user_of(business, user_id), "JSON")
        self.stdout.write(json.dumps(copy, ensure_ascii=False, indent=2))
