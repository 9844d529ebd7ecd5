"""The lists' preview becomes what the customer last said, not the last message of all (nearly
always the platform's "Conversation closed by …"): the fields are renamed and filled again from
the stored messages and their masked copies."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 500
LAST_MESSAGE_LENGTH = 300  # as ingest.copies keeps it


def fill_last_user_messages(apps, schema_editor):
    Conversation = apps.get_model("conversations", "Conversation")
    Message = apps.get_model("conversations", "Message")
    last_user_message = Message.objects.filter(
        conversation=OuterRef("pk"), sender="user", private=False
    ).order_by("-sent_at", "-id")
    conversations = Conversation.objects.annotate(
        last_user_message_id=Subquery(last_user_message.values("pk")[:1])
    ).order_by("pk")
    last_pk = 0
    while batch := list(conversations.filter(pk__gt=last_pk)[:BATCH]):
        messages = Message.objects.in_bulk([c.last_user_message_id for c in batch])
        for conversation in batch:
            message = messages.get(conversation.last_user_message_id)
            if message is None:
                conversation.last_user_message_text = ""
                conversation.masked_last_user_message_text = ""
                continue
            # As ingest.copies.note_last_user_message: a picture's kind stands in for its text.
            standing_in = f"({message.get_kind_display()})"
            conversation.last_user_message_text = (message.text or standing_in)[
                :LAST_MESSAGE_LENGTH
            ]
            # The copy is masked already, so a cut shows no half value; the writer's next
            # write cuts it at a word's end, and every page shortens it further anyway.
            conversation.masked_last_user_message_text = (message.masked_text or standing_in)[
                :LAST_MESSAGE_LENGTH
            ]
        Conversation.objects.bulk_update(
            batch, ["last_user_message_text", "masked_last_user_message_text"]
        )
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("conversations", "0013_lifecycle")]

    operations = [
        migrations.RenameField("conversation", "last_message_text", "last_user_message_text"),
        migrations.RenameField(
            "conversation", "masked_last_message_text", "masked_last_user_message_text"
        ),
        migrations.RunPython(fill_last_user_messages, migrations.RunPython.noop),
    ]
