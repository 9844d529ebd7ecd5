"""Run on the database of DATABASE_URL by tests/test_upgrade.py, one command a process:

- `fill`: fills a database built with settings_before.py as a deployment of those days would
  have it: conversations through the importer; share links and audit entries written into the
  tables chatlinks' migrations made, by SQL (never through the models that adopt them, which
  are what is tested); chatlinks' content types with their permissions, a group holding one,
  and an admin log entry pointing at one.
- `dump`: prints every table's rows (but django_migrations'), as JSON.
- `read`: after the upgrade, prints what the share link and audit models read, and the ids
  that new rows get, as JSON.
"""

import datetime as dt
import json
import sys
from contextlib import contextmanager

import django

if __name__ == "__main__":  # a process of its own; the test imports the column names alone
    django.setup()

from django.contrib.admin.models import CHANGE, LogEntry  # noqa: E402
from django.contrib.auth.models import Group, Permission, User  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from conversations.models import Business, Conversation  # noqa: E402
from tests.records import at, conversation, import_ok, message, setup_records  # noqa: E402

SHARE_LINK_COLUMNS = ["id", "token", "conversation_id", "created_by_id"]
AUDIT_COLUMNS = [
    "id",
    "business_id",
    "viewer_id",
    "kind",
    "level",
    "conversation_id",
    "share_link_id",
    "actor_kind",
    "actor_name",
    "what",
]


def insert(table, **values):
    """A row written as SQL, datetimes as the database stores them; returns its id."""
    adapt = connection.ops.adapt_datetimefield_value
    values = {k: adapt(v) if isinstance(v, dt.datetime) else v for k, v in values.items()}
    columns = ", ".join(values)
    placeholders = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            list(values.values()),
        )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


@contextmanager
def audit_columns_of_today():
    """Today's importer writes today's audit entries, and the table of those days lacks the
    columns added since the move: they are there while it imports, and gone again after, so the
    upgrade finds the table as those days left it."""
    from audit.models import AuditEntry

    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, AuditEntry._meta.db_table)
    present = {column.name for column in table}
    missing = [f for f in AuditEntry._meta.local_concrete_fields if f.column not in present]
    with connection.schema_editor() as editor:
        for field in missing:
            editor.add_field(AuditEntry, field)
    yield
    with connection.schema_editor() as editor:
        for field in missing:
            editor.remove_field(AuditEntry, field)


def import_today():
    user = {"id": "u-1", "name": "Octavia Blenkinsop", "email": "octavia@example.com"}
    import_ok(
        *setup_records(),
        conversation(
            "c-1",
            [
                message("m-1", "My card 4111 1111 1111 1111 was charged twice"),
                message("m-2", "Let me check that for you", sender="bot"),
            ],
            user=user,
        ),
        conversation(
            "c-2",
            [message("m-3", "Thanks, all sorted", when=at(hour=11))],
            user=user,
            started_at=at(hour=11),
        ),
    )


def fill():
    with audit_columns_of_today():
        import_today()
    business = Business.objects.get()
    agent = User.objects.get(username="acme-asha")
    first, second = Conversation.objects.order_by("external_id")
    now = timezone.now()
    active = insert(
        "chatlinks_sharelink",
        token="share-active-token",
        conversation_id=first.pk,
        created_by_id=agent.pk,
        created_at=now - dt.timedelta(days=1),
        expires_at=now + dt.timedelta(days=6),
    )
    insert(
        "chatlinks_sharelink",
        token="share-revoked-token",
        conversation_id=second.pk,
        created_by_id=None,
        created_at=now - dt.timedelta(days=2),
        expires_at=now + dt.timedelta(days=88),
        revoked_at=now - dt.timedelta(days=1),
    )
    opened = {"kind": "conversation", "conversation_id": first.pk}
    entries = [
        {**opened, "viewer_id": agent.pk, "level": "full"},
        {**opened, "level": "external", "share_link_id": active},
        {"viewer_id": agent.pk, "kind": "list", "level": "masked", "what": "My Chats, page 1"},
        {"kind": "settings", "actor_kind": "command", "actor_name": "import_data", "what": "TZ"},
    ]
    for entry in entries:
        insert(
            "chatlinks_auditentry",
            **{"what": "", "actor_kind": "", "actor_name": "", "level": "", **entry},
            business_id=business.pk,
            at=now,
        )
    # What `migrate` made for chatlinks' models back then, and what an operator made of it.
    auditors = Group.objects.create(name="Auditors")
    for model in ("sharelink", "auditentry"):
        content_type = ContentType.objects.create(app_label="chatlinks", model=model)
        for action in ("add", "change", "delete", "view"):
            permission = Permission.objects.create(
                content_type=content_type, codename=f"{action}_{model}", name=f"Can {action}"
            )
            if action == "view":
                auditors.permissions.add(permission)
    LogEntry.objects.create(
        user=User.objects.create_superuser("operator", password="operator-pass-1"),
        content_type=ContentType.objects.get(app_label="chatlinks", model="auditentry"),
        object_id="1",
        object_repr="audit log entry",
        action_flag=CHANGE,
        action_time=timezone.now(),
    )


def dump():
    tables = {}
    for table in sorted(connection.introspection.table_names()):
        if table == "django_migrations":
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table} ORDER BY 1")  # noqa: S608
            names = [column[0] for column in cursor.description]
            tables[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return tables


def read():
    from audit.models import AuditEntry
    from sharelinks.models import ShareLink

    share_links = ShareLink.objects.order_by("id")
    entries = AuditEntry.objects.order_by("id")
    read = {
        "share_links": [list(row) for row in share_links.values_list(*SHARE_LINK_COLUMNS)],
        "audit_entries": [list(row) for row in entries.values_list(*AUDIT_COLUMNS)],
        "active_share_links": list(ShareLink.objects.active().values_list("token", flat=True)),
        "entries_through_links": list(
            AuditEntry.objects.filter(share_link__isnull=False).values_list("id", flat=True)
        ),
        "content_types": {
            model._meta.label: ContentType.objects.get_for_model(model).pk
            for model in (ShareLink, AuditEntry)
        },
    }
    conversation = Conversation.objects.order_by("external_id").first()
    new_link = ShareLink.create_for(conversation, None)
    new_entry = AuditEntry.objects.opened(None, conversation, None, new_link)
    read["new_ids"] = {"share_link": new_link.pk, "audit_entry": new_entry.pk}
    return read


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "fill":
        fill()
    else:
        json.dump({"dump": dump, "read": read}[command](), sys.stdout, default=str)
