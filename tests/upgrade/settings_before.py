"""The installed apps as they were before the move: chatlinks with its migrations, none of the
apps that took over its models, nor those that import them (they have no migrations: the
database's schema is the same without them). `manage.py migrate --skip-checks` with these
settings builds the database an operator upgrades from."""

from chatlinks.test_settings import *  # noqa: F403

NOT_YET = {
    *(
        "accounts",
        "sharelinks",
        "audit",
        "chats",
        "agentchat",
        "ingest",
        "signin",
        "console",
        "topics",
    ),
    "demo",
}
INSTALLED_APPS = [
    *(app for app in INSTALLED_APPS if app not in NOT_YET),  # noqa: F405
    "tests.upgrade.chatlinks_before.apps.ChatLinksBeforeConfig",
]
