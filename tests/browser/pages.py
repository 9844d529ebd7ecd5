"""The main pages of the site, and who opens which, for the tests that visit them all."""

# The widest and the narrowest screens the site is made for.
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
PHONE_390 = {"width": 390, "height": 844}  # a common phone today

LISTS = "/b/acme-bank"
ANALYTICS = "/b/acme-bank/analytics"
CONSOLE = "/b/acme-bank/console"
CHAT = "{chat}"  # stands for the chat link of the conversation full of PII

# Who (an attribute of the `acme` fixture, None for a visitor not signed in) opens which pages.
PAGES_BY_ROLE = {
    None: [
        "/accounts/login/",
        "/accounts/login/?next=/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/expired-token/",
    ],
    "agent": [
        "/",
        f"{LISTS}/my-chats/",
        f"{LISTS}/my-chats/?rated=no",
        CHAT,
        "/accounts/password_change/",
        "/accounts/second-factor/",
        "/accounts/sessions/",
    ],
    "masked_agent": [f"{LISTS}/my-chats/", CHAT],
    "lead": [
        f"{LISTS}/teams/",
        f"{LISTS}/business/?q=nothing",
        f"{LISTS}/business/?start=2026-10-05&end=2026-10-01",  # a filter error
        CHAT,
    ],
    "analyst": [
        "/",
        f"{ANALYTICS}/messages/",
        f"{ANALYTICS}/messages/?tab=conversations",
        f"{ANALYTICS}/words/",
        f"{ANALYTICS}/words/phrase/?phrase=blocked",
        f"{ANALYTICS}/csat/",
        f"{ANALYTICS}/agents/",
        f"{ANALYTICS}/topics/",
        CHAT,
        f"{LISTS}/my-chats/",  # not one of theirs: the 403 page
    ],
    "outsider": [CHAT],  # the 404 page
    "admin": [
        f"{CONSOLE}/staff/",
        f"{CONSOLE}/staff/add/",
        f"{CONSOLE}/bots/",
        f"{CONSOLE}/api-keys/",
        f"{CONSOLE}/audit-log/",
        f"{CONSOLE}/settings/",
    ],
}


def url_of(path, acme):
    return path.replace(CHAT, f"/c/{acme.planted.token}/")
