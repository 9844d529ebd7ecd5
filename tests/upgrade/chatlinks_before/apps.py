from django.apps import AppConfig


class ChatLinksBeforeConfig(AppConfig):
    name = "tests.upgrade.chatlinks_before"
    label = "chatlinks"
