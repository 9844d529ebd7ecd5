from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_public_messages(apps, schema_editor):
    """Each stored conversation's messages that are not private notes."""
    Conversation = apps.get_model("conversations", "Conversation")
    Message = apps.get_model("conversations", "Message")
    public = (
        Message.objects.filter(conversation=OuterRef("pk"), private=False)
        .order_by()
        .values("conversation")
        .annotate(count=Count("pk"))
        .values("count")
    )
    Conversation.objects.update(public_message_count=Coalesce(Subquery(public), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0011_analytics_indexes_without_private_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="public_message_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(count_public_messages, migrations.RunPython.noop),
    ]
