from django.apps import AppConfig


class TopicsConfig(AppConfig):
    name = "topics"
    verbose_name = "Bot-break topics"

    def ready(self):
        # The background jobs' runner (ingest.tasks) sits below this app: it learns here what
        # a topics job does.
        from conversations.models import Job
        from ingest.tasks import JOB_WORK
        from topics.jobs import refresh_topics

        JOB_WORK[Job.Kind.TOPICS] = refresh_topics
