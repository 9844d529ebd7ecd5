import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ingest.actors import Actor
from ingest.importer import ImportResult, PrintedProgress, import_records
from ingest.records import parse_lines

IMPORT_DATA = Actor.management_command("import_data")


class Command(BaseCommand):
    help = "Import businesses, bots, teams, staff and conversations from JSON Lines files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="a .jsonl file, or - for stdin"
        )

    def handle(self, files: list[str], **options: Any) -> None:
        failed = False
        for path in files:
            result = self.import_file(path)
            for error in result.errors:
                self.stderr.write(error)
            self.stdout.write(f"{path}: {result.summary()}")
            failed = failed or not result.ok
        if failed:
            raise CommandError("some records were rejected")

    def import_file(self, path: str) -> ImportResult:
        reporter = PrintedProgress(self.stderr)
        try:
            if path == "-":
                # Bytes where there are any, so each line is decoded on its own: one line
                # that is not UTF-8 is rejected by its number, and the others are kept.
                stdin = getattr(sys.stdin, "buffer", sys.stdin)
                return import_records(parse_lines(stdin), IMPORT_DATA, progress=reporter)
            with open(path, "rb") as stream:
                return import_records(parse_lines(stream), IMPORT_DATA, progress=reporter)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from None
