# Share links were the project package's (chatlinks, migration 0002) until they became an app of
# their own. The model keeps its table: a database that has it adopts it as it is, with every row;
# a new one gets it created (_moved_from_chatlinks).

import conversations.models
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from sharelinks.migrations._moved_from_chatlinks import (
    adopt_or_create,
    refuse_a_database_midway_through_chatlinks,
)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('conversations', '0012_public_message_count'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_a_database_midway_through_chatlinks, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ShareLink',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(default=conversations.models.new_share_token, editable=False, max_length=40, unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('expires_at', models.DateTimeField()),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('conversation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='share_links', to='conversations.conversation')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'external share link',
                        'db_table': 'chatlinks_sharelink',
                        'ordering': ['-created_at'],
                    },
                ),
            ],
        ),
        adopt_or_create('sharelinks', 'ShareLink'),
    ]
