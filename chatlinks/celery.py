"""The Celery application that runs background jobs (ingest.tasks); see settings, CELERY_*."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatlinks.settings")

app = Celery("chatlinks")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
