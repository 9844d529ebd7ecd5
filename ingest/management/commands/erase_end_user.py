from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.models import Job
from ingest.actors import Actor
from ingest.lifecycle import holdings
from ingest.management.end_users import add_end_user_arguments, end_user_of
from ingest.tasks import request_erasure

ERASE_END_USER = Actor.management_command("erase_end_user")


class Command(BaseCommand):
    help = (
        "Erase everything stored about one end user of a business, for good (a privacy "
        "request), as a background job; their conversations can never be imported again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_end_user_arguments(parser)
        parser.add_argument("--yes", action="store_true", help="do not ask before erasing")

    def handle(self, business: str, user_id: str, yes: bool = False, **options: Any) -> None:
        end_user = end_user_of(business, user_id)
        self.stdout.write(f"This erases {holdings(end_user)} of that end user, with their details.")
        if not yes:
            answer = input("It cannot be undone. Type 'erase' to go on: ")
            if answer.strip() != "erase":
                raise CommandError("Nothing was erased.")
        job = request_erasure(ERASE_END_USER, end_user)
        job.refresh_from_db()
        if job.state == Job.State.DONE:
            self.stdout.write("Erased.")
        else:
            self.stdout.write(f"Erasure {job.get_state_display().lower()} as job {job.pk}.")
