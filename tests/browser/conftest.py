"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

They run with the rest of the suite. Without /usr/bin/chromium they are skipped, except under
CI=true, where a missing browser fails them: CI must never pass by testing nothing.
"""

import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from tests.browser.pages import WIDE
from tests.factories import (
    PASSWORD,
    BusinessFactory,
    ConversationFactory,
    MembershipFactory,
    MessageFactory,
    TeamFactory,
)
from tests.pii import CARD, planted_conversation

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="package", autouse=True)
def allow_database_calls_beside_playwright():
    """Playwright's sync API keeps an event loop running in the test thread while it is open,
    and Django refuses database calls from a thread with a running loop. The test code and the
    browser never run at once, so allow them here; only here, so that the rest of the suite,
    and the programs it starts (`manage.py check --deploy`), keep Django's guard."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


# One browser for all the browser tests; it closes with them, and with it Playwright's loop.
@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        reason = f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run them")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens a page in a fresh browser context: its own cookies, clipboard and screen.

    Every page fails the test if the browser refuses anything under the Content-Security-Policy
    (an inline script, style or handler) or a script throws.
    """
    contexts, problems = [], []

    def note_refusal(message):
        if "Content Security Policy" in message.text:
            problems.append(message.text)

    def open_page(viewport=WIDE, color_scheme="light", **options):
        """`options`: more of the context's, such as has_touch for a touch screen."""
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            color_scheme=color_scheme,
            permissions=["clipboard-read", "clipboard-write"],
            **options,
        )
        contexts.append(context)
        # Pages of a local server answer within seconds; fail fast instead of after 30 s.
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("console", note_refusal)
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert problems == [], "the browser refused or failed on something"


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def sign_in():
    """Signs in through the sign-in form, from wherever the page is (or goes to the form)."""

    def sign_in_as(page, username, password=PASSWORD):
        if "/accounts/login/" not in page.url:
            page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        assert "/accounts/login/" not in page.url, f"{username} could not sign in"

    return sign_in_as


@dataclass(frozen=True)
class Acme:
    """Acme Bank: its staff's usernames, and one end user's conversations, oldest first.

    The middle conversation carries PII of every kind (tests/pii.py); the agent handles the
    first two, a second agent the last, all in the team the lead leads.
    """

    slug: str
    agent: str
    masked_agent: str
    second_agent: str
    lead: str
    analyst: str
    outsider: str
    conversations: list
    admin: str = "ada_admin"

    @property
    def planted(self):
        return self.conversations[1]


@pytest.fixture
def acme(transactional_db):
    business = BusinessFactory(slug="acme-bank", name="Acme Bank")
    cards = TeamFactory(business=business, slug="cards", name="Cards & Payments")

    def staff(username, **roles):
        membership = MembershipFactory(business=business, user__username=username, **roles)
        membership.teams.add(cards)
        return membership

    agent = staff("asha", agent=True, view_personal_details=True, user__first_name="Asha").user
    second_agent = staff("bilal", agent=True, user__first_name="Bilal").user
    staff("masked_mira", agent=True)
    staff("lena_lead", team_lead=True, view_personal_details=True).leads.add(cards)
    staff("arun_analyst", analyst=True)
    staff("ada_admin", admin=True, view_personal_details=True, user__first_name="Ada")
    MembershipFactory(
        business=BusinessFactory(slug="shopkart", name="ShopKart"),
        user__username="sam_shopkart",
        admin=True,
    )

    planted = planted_conversation(business, agent=agent, team=cards)
    # A message the bot failed to understand, so that Word Analysis has a phrase to open.
    MessageFactory(
        conversation=planted,
        text=f"my card {CARD} is blocked",
        bot_break=True,
        sent_at=planted.started_at + dt.timedelta(minutes=10),
    )
    neighbours = [
        ConversationFactory(
            business=business,
            bot=planted.bot,
            end_user=planted.end_user,
            started_at=planted.started_at + dt.timedelta(days=days),
            agent=handler,
            team=cards,
        )
        for days, handler in ((-2, agent), (2, second_agent))
    ]
    for conversation in neighbours:
        MessageFactory(conversation=conversation, text="Is my card blocked?")
    call_command("rebuild_rollups", business.slug, stdout=io.StringIO())

    return Acme(
        slug=business.slug,
        agent=agent.username,
        masked_agent="masked_mira",
        second_agent=second_agent.username,
        lead="lena_lead",
        analyst="arun_analyst",
        outsider="sam_shopkart",
        conversations=[neighbours[0], planted, neighbours[1]],
    )
