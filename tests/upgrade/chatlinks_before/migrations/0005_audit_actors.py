from django.db import migrations, models

ACTOR_KINDS = [
    ("staff", "Staff member"),
    ("api_key", "API key"),
    ("command", "Management command"),
    ("operator", "Platform operator"),
]


def changes_so_far_were_the_consoles(apps, schema_editor):
    """Until now only the console logged changes: each was made by its staff member."""
    AuditEntry = apps.get_model("chatlinks", "AuditEntry")
    AuditEntry.objects.filter(kind__in=["staff", "permission", "settings"]).update(
        actor_kind="staff"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("chatlinks", "0004_attachment_audit"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="actor_kind",
            field=models.CharField(blank=True, choices=ACTOR_KINDS, max_length=16),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="actor_name",
            field=models.CharField(blank=True, max_length=160),
        ),
        migrations.RunPython(changes_so_far_were_the_consoles, migrations.RunPython.noop),
    ]
