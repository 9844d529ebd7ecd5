"""The README's screenshots, taken from the demo data that `make run` serves.

    SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_screenshots.py

writes docs/screenshots/*.png; without SCREENSHOTS=1 the pictures go to a temporary folder, and
the test still checks that every page of the full demo opens.
"""

import io
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command

from conversations.models import Conversation
from demo.records import DEMO_PASSWORD
from signin import factor
from tests.browser.pages import ANALYTICS, LISTS, PHONE, WIDE

README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def showcase_conversation():
    """An agent's chat that shows a bit of everything: a bot that failed, a hand-over, PII,
    a rating, and earlier and later chats of the same user to step through."""
    candidates = Conversation.objects.filter(
        business__slug="acme-bank",
        agent__username="acme_agent",
        csat_rating__isnull=False,
        message_count__range=(14, 20),
        messages__bot_break=True,
    ).order_by("-started_at")
    return next(
        conversation
        for conversation in candidates
        if Conversation.objects.previous_of(conversation)
        and Conversation.objects.next_of(conversation)
    )


def test_screenshots(new_page, sign_in, transactional_db, tmp_path):
    folder = README_SCREENSHOTS if os.environ.get("SCREENSHOTS") == "1" else tmp_path
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    # Tall enough for a chat's hand-over and its masked values to show.
    tall = {"width": WIDE["width"], "height": 1300}
    chat = f"/c/{showcase_conversation().token}/?from={LISTS}/my-chats/"
    folder.mkdir(parents=True, exist_ok=True)
    shots = [
        ("acme_agent", WIDE, "light", {"my-chats": f"{LISTS}/my-chats/"}),
        ("acme_agent", tall, "light", {"chat-full": chat}),
        ("acme_agent_masked", tall, "light", {"chat-masked": chat}),
        ("acme_agent", WIDE, "dark", {"chat-dark": chat}),
        ("acme_agent", PHONE, "light", {"chat-phone": chat}),
        (
            "acme_analyst",
            WIDE,
            "light",
            {
                "message-analysis": f"{ANALYTICS}/messages/",
                "word-analysis": f"{ANALYTICS}/words/?size=2",
                "csat": f"{ANALYTICS}/csat/",
            },
        ),
    ]

    # Acme Bank requires a second factor: each of the agent's sessions verifies with a
    # recovery code of its own (a code of the app works once per 30 seconds).
    recovery_codes = iter(
        factor.new_recovery_codes(get_user_model().objects.get(username="acme_agent"))
    )
    for username, viewport, color_scheme, pages in shots:
        # A phone has a touch screen (no keyboard hints), not a mouse.
        touch = {"has_touch": True, "is_mobile": True} if viewport is PHONE else {}
        page = new_page(viewport=viewport, color_scheme=color_scheme, **touch)
        sign_in(page, username, DEMO_PASSWORD)
        if username == "acme_agent":
            page.goto("/accounts/second-factor/")
            page.get_by_role("textbox", name="Code").fill(next(recovery_codes))
            with page.expect_navigation():
                page.get_by_role("button", name="Verify").click()
            assert "/accounts/second-factor/" not in page.url, "the recovery code was refused"
        for name, path in pages.items():
            assert page.goto(path).ok, path
            page.screenshot(path=folder / f"{name}.png")
