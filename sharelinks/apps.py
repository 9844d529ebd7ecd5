from django.apps import AppConfig


class ShareLinksConfig(AppConfig):
    name = "sharelinks"
    verbose_name = "External share links"
