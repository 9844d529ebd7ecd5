# The audit log was the project package's (chatlinks, migrations 0001 and 0003-0005) until it
# became an app of its own. The model keeps its table and index names: a database that has the
# table adopts it as it is, with every entry; a new one gets it created (sharelinks'
# _moved_from_chatlinks, which also refuses a database midway through chatlinks' migrations).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from sharelinks.migrations._moved_from_chatlinks import adopt_or_create


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('conversations', '0012_public_message_count'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('sharelinks', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('conversation', 'Opened a conversation'), ('attachment', 'Opened an attachment'), ('list', 'Listed conversations'), ('export', 'Exported'), ('staff', 'Changed staff'), ('permission', 'Changed a permission'), ('settings', 'Changed settings')], default='conversation', max_length=16)),
                        ('level', models.CharField(blank=True, choices=[('full', 'Full'), ('masked', 'Masked'), ('analytics', 'Analytics only'), ('external', 'External link')], max_length=10)),
                        ('actor_kind', models.CharField(blank=True, choices=[('staff', 'Staff member'), ('api_key', 'API key'), ('command', 'Management command'), ('operator', 'Platform operator')], max_length=16)),
                        ('actor_name', models.CharField(blank=True, max_length=160)),
                        ('what', models.CharField(blank=True, max_length=300)),
                        ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='conversations.business')),
                        ('conversation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='audit_entries', to='conversations.conversation')),
                        ('share_link', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_entries', to='sharelinks.sharelink')),
                        ('viewer', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_entries', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'audit log entry',
                        'verbose_name_plural': 'audit log',
                        'db_table': 'chatlinks_auditentry',
                        'ordering': ['-at', '-id'],
                        'indexes': [models.Index(fields=['business', '-at', '-id'], name='audit_business_time')],
                    },
                ),
            ],
        ),
        adopt_or_create('audit', 'AuditEntry'),
    ]
