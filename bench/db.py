"""The benchmark database: dropped, recreated and migrated, then filled through the importer."""

import sys
import time
from dataclasses import dataclass

import psycopg
from django.core.management import call_command
from django.core.management.base import OutputWrapper
from django.db import connection
from psycopg import sql

from ingest.actors import Actor
from ingest.importer import PrintedProgress, import_records
from ingest.records import parse_lines

# The benchmarks load their data as `manage.py import_data` would.
BENCH = Actor.management_command("bench")
MAINTENANCE_DATABASE = "postgres"  # only connected to, to drop and create the benchmark's


def recreate():
    """Drop and recreate the (throwaway) benchmark database, and migrate it."""
    settings = connection.settings_dict
    name = settings["NAME"]
    if connection.vendor != "postgresql" or "bench" not in name:
        raise SystemExit(
            f"refusing to recreate {name!r}: the benchmark's database has 'bench' in it"
        )
    connection.close()
    server = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname=MAINTENANCE_DATABASE, autocommit=True, **server) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    call_command("migrate", verbosity=0)


@dataclass(frozen=True)
class ImportRun:
    conversations: int
    messages: int
    seconds: float

    @property
    def rate(self):
        return self.messages / self.seconds


def import_file(path):
    """Import a JSON Lines file as `import_data` does, timed; then VACUUM ANALYZE (untimed),
    as autovacuum would soon after a bulk load, so every scale starts with fresh statistics."""
    progress = PrintedProgress(OutputWrapper(sys.stderr), every=30)
    started = time.perf_counter()
    with path.open(encoding="utf-8") as stream:
        result = import_records(parse_lines(stream), BENCH, progress=progress)
    seconds = time.perf_counter() - started
    if result.errors:
        raise SystemExit(f"{path.name}: {len(result.errors)} records rejected: {result.errors[0]}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return ImportRun(result.counts["conversation"], result.counts["message"], seconds)
