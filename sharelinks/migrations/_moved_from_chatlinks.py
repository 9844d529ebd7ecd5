"""The share links and the audit log were models of the project package, chatlinks, whose
migrations 0001-0005 built their tables; they are now apps of their own (sharelinks, audit),
and chatlinks is no longer an installed app. Their models keep the tables (`Meta.db_table`),
so their first migrations create the model in Django's state alone, then adopt the table where
a database has it and create it where it does not: an upgrade loses no row, and a new database
gets the same schema. (Not a migration: the loader skips modules whose name starts with "_".)
"""

from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

LAST_CHATLINKS_MIGRATION = ("chatlinks", "0005_audit_actors")


def refuse_a_database_midway_through_chatlinks(apps, schema_editor):
    """A database that applied some of chatlinks' migrations but not the last has tables that
    the models no longer describe (an audit log without its actor columns, or still named
    chatlinks_chatlinkview); adopting them would break the log, so the upgrade stops first."""
    applied = MigrationRecorder(schema_editor.connection).applied_migrations()
    if any(app == "chatlinks" for app, _ in applied) and LAST_CHATLINKS_MIGRATION not in applied:
        raise RuntimeError(
            "This database stopped partway through the chatlinks migrations. Run `migrate` "
            "with a release from before the share links and the audit log left chatlinks "
            "(one with chatlinks/migrations/0005_audit_actors.py) first, then with this one."
        )


def adopt_or_create(app_label, model_name):
    """The operation that adopts the model's table and its content type (with the permissions
    and admin history that point at it) where chatlinks left them, or creates the table.
    Backwards it does nothing: the table stays, with its rows, for the migration to adopt."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        if model._meta.db_table not in schema_editor.connection.introspection.table_names():
            schema_editor.create_model(model)
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        # Unless the new code, run before this migration, already made the new label its own.
        if not content_types.filter(app_label=app_label, model=model._meta.model_name).exists():
            content_types.filter(app_label="chatlinks", model=model._meta.model_name).update(
                app_label=app_label
            )

    return migrations.RunPython(forwards, migrations.RunPython.noop)
