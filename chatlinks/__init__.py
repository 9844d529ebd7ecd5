# Loaded with Django, so that tasks sent by the web processes use the configured broker.
from chatlinks.celery import app as celery_app

__all__ = ["celery_app"]
