"""How the pages hold up: on a phone, in dark mode, on paper, and under a strict CSP."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.pages import ANALYTICS, CHAT, CONSOLE, LISTS, PHONE, PHONE_390, url_of

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# What the Content-Security-Policy refuses: scripts and styles not from /static/, handlers.
INLINE = re.compile(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)


@pytest.mark.parametrize("phone", [PHONE, PHONE_390], ids=["360px", "390px"])
@pytest.mark.parametrize(
    "role, paths",
    [
        ("agent", ["/", f"{LISTS}/my-chats/", CHAT]),
        ("lead", [f"{LISTS}/teams/", f"{LISTS}/business/"]),
        ("analyst", [f"{ANALYTICS}/messages/", f"{ANALYTICS}/words/", f"{ANALYTICS}/csat/"]),
        ("admin", [f"{CONSOLE}/staff/", f"{CONSOLE}/audit-log/", f"{LISTS}/jobs/"]),
    ],
)
def test_pages_fit_a_phone_screen(new_page, sign_in, acme, role, paths, phone):
    page = new_page(viewport=phone)
    sign_in(page, getattr(acme, role))
    too_wide = {}

    for path in paths:
        page.goto(url_of(path, acme))
        # Wide tables scroll inside their own box; the page itself never scrolls sideways.
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > phone["width"]:
            too_wide[path] = width

    assert too_wide == {}


def test_dark_mode_follows_the_system_preference(new_page):
    def background(color_scheme):
        page = new_page(color_scheme=color_scheme)
        page.goto("/accounts/login/")
        color = page.evaluate("getComputedStyle(document.body).backgroundColor")
        return sum(int(part) for part in re.findall(r"\d+", color)[:3])

    assert background("light") > 600
    assert background("dark") < 150


def test_printed_chat_page_is_the_transcript_and_details_alone(page, sign_in, acme):
    sign_in(page, acme.agent)
    page.goto(f"/c/{acme.planted.token}/")

    page.emulate_media(media="print")

    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Next Conversation")).to_be_hidden()
    expect(page.get_by_role("link", name="Copy link")).to_be_hidden()
    expect(page.locator(".transcript")).to_be_visible()
    expect(page.locator(".details")).to_be_visible()


def test_templates_have_no_inline_script_style_or_handler():
    found = {
        str(path.relative_to(TEMPLATES)): INLINE.findall(path.read_text())
        for path in TEMPLATES.rglob("*.html")
    }

    assert {name: hits for name, hits in found.items() if hits} == {}
