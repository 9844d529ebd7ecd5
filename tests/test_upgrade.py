"""Upgrading a filled database across the move of share links and the audit log out of the
project package (chatlinks) into apps of their own: every row stays, and the new models read
them. On the database of the suite's kind: a SQLite file, or a PostgreSQL database of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.upgrade.rows import AUDIT_COLUMNS, SHARE_LINK_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture
def database_url(tmp_path):
    """An empty database, dropped afterwards."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
        return
    name = f"{database['NAME']}_upgrade"
    server = {
        "host": database["HOST"] or "127.0.0.1",
        "port": database["PORT"] or 5432,
        "user": database["USER"],
        "password": database["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as maintenance:
        maintenance.execute(f'DROP DATABASE IF EXISTS "{name}"')
        maintenance.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{server['password']}" if server["password"] else ""
        yield f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as maintenance:
            maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(database_url, *args, settings_module="chatlinks.test_settings", check=True):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": settings_module}
    result = subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0 or not check, result.stderr
    return result


def build_before_the_move(database_url, *chatlinks_target):
    """The database as `migrate` left it before the move, chatlinks at its last migration or
    at `chatlinks_target`."""
    target = ("chatlinks", *chatlinks_target) if chatlinks_target else ()
    command = ("manage.py", "migrate", "--no-input", "--skip-checks", *target)
    run(database_url, *command, settings_module="tests.upgrade.settings_before")


def rows(database_url, command):
    return json.loads(run(database_url, "-m", "tests.upgrade.rows", command).stdout)


def columns(rows, names):
    return [[row[name] for name in names] for row in rows]


# The table prefixes of apps installed after the move, whose tables an upgrade adds.
NEW_APPS = {"signin", "otp", "topics"}


ROLLUP_TABLES = {
    "analytics_dailymessagecount",
    "analytics_dailyconversationcount",
    "analytics_dailyphrasecount",
    "analytics_conversationfacts",
}


def without_ids(rows):
    return sorted(repr(sorted((k, v) for k, v in row.items() if k != "id")) for row in rows)


def test_upgrading_a_filled_database_keeps_every_row(database_url):
    build_before_the_move(database_url)
    run(database_url, "-m", "tests.upgrade.rows", "fill")
    before = rows(database_url, "dump")
    assert len(before["chatlinks_sharelink"]) == 2
    assert len(before["chatlinks_auditentry"]) >= 4
    assert before["conversations_message"]

    migrated = run(database_url, "manage.py", "migrate", "--no-input")
    assert "Applying audit.0001_initial... OK" in migrated.stdout
    after = rows(database_url, "dump")

    # The content types of the moved models are theirs now: same ids, so the permissions,
    # the group holding one and the admin log entry still point at them.
    moved = {"sharelink": "sharelinks", "auditentry": "audit"}
    renamed = [
        {**row, "app_label": moved[row["model"]]} if row["app_label"] == "chatlinks" else row
        for row in before["django_content_type"]
    ]
    kept = {**before, "django_content_type": renamed}
    # Apps installed since (the second factor's) add their tables, content types and
    # permissions; every row that was there stays as it was.
    grown = {"django_content_type", "auth_permission"}
    # The rollups are counted by a version new to this database: recounted once, by a job,
    # to the same counts in new rows.
    recounted = {table for table in kept if table in ROLLUP_TABLES}
    unchanged = grown | recounted | {"conversations_job", "analytics_rollupsversion"}
    # A column added since (the list view's query key) is empty in the rows that were there.
    for row in after["chatlinks_auditentry"]:
        assert row.pop("query_key") == ""
    assert {table: after[table] for table in kept if table not in unchanged} == {
        table: rows for table, rows in kept.items() if table not in unchanged
    }
    for table in grown:
        assert [row for row in after[table] if row in kept[table]] == kept[table], table
    for table in recounted:
        assert without_ids(after[table]) == without_ids(kept[table]), table
    assert [(job["kind"], job["state"]) for job in after["conversations_job"]] == [
        ("rollups", "done")
    ]
    assert {table.split("_")[0] for table in set(after) - set(before)} <= NEW_APPS

    read = rows(database_url, "read")
    assert read["share_links"] == columns(before["chatlinks_sharelink"], SHARE_LINK_COLUMNS)
    assert read["audit_entries"] == columns(before["chatlinks_auditentry"], AUDIT_COLUMNS)
    # Their times read back as they were written: one link is still active, one revoked.
    assert read["active_share_links"] == ["share-active-token"]
    assert len(read["entries_through_links"]) == 1
    content_type_ids = {f"{row['app_label']}.{row['model']}": row["id"] for row in renamed}
    assert read["content_types"] == {
        "sharelinks.ShareLink": content_type_ids["sharelinks.sharelink"],
        "audit.AuditEntry": content_type_ids["audit.auditentry"],
    }
    # New rows take ids after the old ones (PostgreSQL's identity columns went along).
    assert read["new_ids"] == {
        "share_link": max(row["id"] for row in before["chatlinks_sharelink"]) + 1,
        "audit_entry": max(row["id"] for row in before["chatlinks_auditentry"]) + 1,
    }


def test_a_database_midway_through_chatlinks_migrations_is_not_upgraded(database_url):
    """Its audit log lacks the actor columns: adopting it would break every audited page."""
    build_before_the_move(database_url, "0004_attachment_audit")

    migrated = run(database_url, "manage.py", "migrate", "--no-input", check=False)

    assert migrated.returncode != 0
    assert "stopped partway through the chatlinks migrations" in migrated.stderr
    shown = run(database_url, "manage.py", "showmigrations", "sharelinks", "audit").stdout
    assert shown.count("[ ] 0001_initial") == 2
