from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Intelligent Analytics"

    def ready(self) -> None:
        from analytics.percentiles import register_on_sqlite

        connection_created.connect(register_on_sqlite)
