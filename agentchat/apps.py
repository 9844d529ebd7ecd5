from django.apps import AppConfig


class AgentChatConfig(AppConfig):
    name = "agentchat"
    verbose_name = "Smart Agent Chat"
