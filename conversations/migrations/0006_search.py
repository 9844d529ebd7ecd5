from django.db import migrations, models

# Search (agentchat.search) on PostgreSQL: full-text indexes on the messages' texts, raw and
# masked, and trigram indexes for parts of ids, names, addresses and phone numbers. SQLite has
# neither and scans one business's rows.
FULL_TEXT = [("msg_text_search", "text"), ("msg_masked_text_search", "masked_text")]
TRIGRAM = [
    ("conversation", "conv_external_id_trgm", "external_id"),
    ("conversation", "conv_masked_id_trgm", "masked_external_id"),
    ("enduser", "end_user_external_id_trgm", "external_id"),
    ("enduser", "end_user_masked_id_trgm", "masked_external_id"),
    ("enduser", "end_user_name_trgm", "name"),
    ("enduser", "end_user_email_trgm", "email"),
    ("enduser", "end_user_phone_trgm", "phone_digits"),
]


def digits(phone):
    return "".join(char for char in phone if char.isdigit())


def fill_phone_digits(apps, schema_editor):
    EndUser = apps.get_model("conversations", "EndUser")
    changed = []
    for end_user in EndUser.objects.exclude(phone="").only("phone").iterator(chunk_size=2000):
        end_user.phone_digits = digits(end_user.phone)
        changed.append(end_user)
    EndUser.objects.bulk_update(changed, ["phone_digits"], batch_size=2000)


def full_text_index(name, field):
    # Built by Django from the same expression the search filters on, so the planner uses it.
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector(field, config="simple"), name=name)


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    message = apps.get_model("conversations", "Message")
    for name, field in FULL_TEXT:
        schema_editor.add_index(message, full_text_index(name, field))
    for model, name, column in TRIGRAM:
        table = apps.get_model("conversations", model)._meta.db_table
        # Django's icontains is UPPER(column::text) LIKE UPPER(%s): the index is on that.
        schema_editor.execute(
            f"CREATE INDEX {name} ON {table} USING gin ((UPPER(({column})::text)) gin_trgm_ops)"
        )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [name for name, _ in FULL_TEXT] + [name for _, name, _ in TRIGRAM]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("conversations", "0005_masked_copies")]

    operations = [
        migrations.AddField(
            model_name="enduser",
            name="phone_digits",
            field=models.CharField(blank=True, max_length=50),
        ),
        migrations.RunPython(fill_phone_digits, migrations.RunPython.noop),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
