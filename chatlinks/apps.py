from django.apps import AppConfig


class ChatLinksConfig(AppConfig):
    name = "chatlinks"
    verbose_name = "Chat links"
