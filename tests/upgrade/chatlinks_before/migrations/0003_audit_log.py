# The log of chat link views becomes the audit log: it also records lists, exports and
# changes. A rename, so the views recorded so far stay in it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('chatlinks', '0002_share_links'),
        ('conversations', '0004_jobs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name='chatlinkview', name='view_business_time'),
        migrations.RenameModel(old_name='ChatLinkView', new_name='AuditEntry'),
        migrations.RenameField(model_name='auditentry', old_name='viewed_at', new_name='at'),
        migrations.AlterModelOptions(
            name='auditentry',
            options={'ordering': ['-at', '-id'], 'verbose_name': 'audit log entry', 'verbose_name_plural': 'audit log'},
        ),
        migrations.AddField(
            model_name='auditentry',
            name='kind',
            field=models.CharField(choices=[('conversation', 'Opened a conversation'), ('list', 'Listed conversations'), ('export', 'Exported'), ('staff', 'Changed staff'), ('permission', 'Changed a permission'), ('settings', 'Changed settings')], default='conversation', max_length=16),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='what',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='level',
            field=models.CharField(blank=True, choices=[('full', 'Full'), ('masked', 'Masked'), ('analytics', 'Analytics only'), ('external', 'External link')], max_length=10),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='conversation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='audit_entries', to='conversations.conversation'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='share_link',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_entries', to='chatlinks.sharelink'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='viewer',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='audit_entries', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='auditentry',
            index=models.Index(fields=['business', '-at', '-id'], name='audit_business_time'),
        ),
    ]
