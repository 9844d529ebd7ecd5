"""The everyday workspace (issue 24): a menu that fits every screen, lists that work on a phone."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.pages import CONSOLE, LISTS, PHONE_390, WIDE
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_journeys import clipboard
from tests.factories import MessageFactory

# For each link of the menu: is it inside the screen, and is its text whole (not cut off)?
MENU_LINKS_ON_SCREEN = """() => [...document.querySelectorAll('.sections-nav a')].map(link => {
  const box = link.getBoundingClientRect();
  return {
    text: link.textContent,
    onScreen: box.width > 0 && box.left >= 0 && box.right <= window.innerWidth && box.top >= 0,
    whole: link.scrollWidth <= link.clientWidth,
  };
})"""


@pytest.mark.parametrize("width", [1366, 1920])
def test_every_menu_link_of_an_admin_is_on_screen_and_whole(new_page, sign_in, acme, width):
    page = new_page(viewport={"width": width, "height": 900})
    sign_in(page, acme.admin)
    page.goto(f"{LISTS}/jobs/")  # the last section of the menu

    links = page.evaluate(MENU_LINKS_ON_SCREEN)

    assert [link["text"] for link in links][-1] == "Background jobs"
    assert len(links) == 14
    assert [link for link in links if not (link["onScreen"] and link["whole"])] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_on_a_phone_the_menu_button_opens_every_section(new_page, sign_in, acme):
    page = new_page(viewport=PHONE_390)
    sign_in(page, acme.admin)
    page.goto(f"{CONSOLE}/staff/")
    menu = page.locator(".sections-nav")
    expect(menu.get_by_role("link", name="Background jobs")).to_be_hidden()
    expect(menu.locator("summary")).to_have_text("Menu · Staff")  # the current section

    menu.get_by_text("Menu", exact=True).click()

    for name in ("Business", "CSAT / User Reviews", "Privacy requests", "Background jobs"):
        expect(menu.get_by_role("link", name=name)).to_be_in_viewport()


@pytest.mark.parametrize(
    "role, path",
    [("agent", "my-chats"), ("lead", "teams"), ("lead", "business"), ("admin", "search")],
)
def test_on_a_phone_each_row_is_a_card_with_its_links_on_screen(
    new_page, sign_in, acme, role, path
):
    page = new_page(viewport=PHONE_390)
    sign_in(page, getattr(acme, role))
    page.goto(f"{LISTS}/{path}/")
    filters = page.get_by_role("form", name="Filters")
    expect(filters).to_be_hidden()  # behind the disclosure, not filling the first screen

    first_row = page.locator(".chat-list tbody tr").first
    for name in ("Open", "Copy link"):
        expect(first_row.get_by_role("link", name=name)).to_be_in_viewport(ratio=1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]

    page.get_by_text("Filters", exact=True).click()
    expect(filters.get_by_label("Status")).to_be_visible()


def test_the_date_boxes_show_for_a_custom_range_alone(page, sign_in, acme):
    sign_in(page, acme.lead)
    page.goto(f"{LISTS}/business/")
    filters = page.get_by_role("form", name="Filters")
    expect(filters.get_by_label("Start")).to_be_hidden()

    filters.get_by_label("Period").select_option("Custom range")
    filters.get_by_label("Start").fill("2 Oct 2026")
    filters.get_by_label("End").fill("1 Oct 2026")
    filters.get_by_role("button", name="Filter").click()

    expect(filters).to_contain_text("The end date is before the start date.")
    expect(filters.get_by_label("Start")).to_have_value("2 Oct 2026")
    expect(page.locator(".count")).to_contain_text("0 conversations")

    filters.get_by_label("End").fill("3 Oct 2026")
    filters.get_by_role("button", name="Filter").click()
    expect(page.locator(".chat-list tbody tr")).to_have_count(1)  # the one of 3 Oct


@pytest.mark.parametrize("viewport", [WIDE, PHONE_390], ids=["wide", "phone"])
def test_the_new_menu_cards_and_filters_pass_axe(new_page, sign_in, acme, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, acme.lead)
    page.goto(f"{LISTS}/business/?rated=no")  # filtered: the filters are open
    if viewport is PHONE_390:
        page.locator(".sections-nav").get_by_text("Menu", exact=True).click()

    assert blocking_violations(Axe(), page) == []


# --- The chat page: the user's panel, keyboard hints, copying ---------------------------------

# Where the user panel and the transcript are: boxes relative to the screen.
BOXES = """() => {
  const box = selector => document.querySelector(selector).getBoundingClientRect();
  const [panel, transcript] = [box('.chat-meta'), box('.transcript')];
  return {panel: {top: panel.top, bottom: panel.bottom, left: panel.left},
          transcript: {top: transcript.top, right: transcript.right}};
}"""


# Where each part of the chat page's toolbar, and the page below it, is.
TOOLBAR_BOXES = """() => [...document.querySelectorAll('.chat-toolbar *, .chat-layout')]
  .map(element => JSON.stringify(element.getBoundingClientRect()))"""


def long_transcript(acme):
    """The planted conversation, long enough for the transcript to scroll past a screen."""
    conversation = acme.planted
    MessageFactory.create_batch(
        40,
        conversation=conversation,
        sent_at=conversation.started_at + dt.timedelta(hours=1),
        text="Still waiting for the card to be unblocked.",
    )
    return conversation


def test_on_a_desktop_the_user_panel_stays_beside_the_scrolling_transcript(page, sign_in, acme):
    conversation = long_transcript(acme)
    sign_in(page, acme.agent)
    page.goto(f"/c/{conversation.token}/")
    panel = page.locator(".chat-meta")
    expect(panel.get_by_role("heading", name="This user's conversations")).to_be_visible()
    expect(panel.locator("[aria-current=page]")).to_contain_text("(this one)")
    expect(panel.locator(".their-conversations li")).to_have_count(3)

    page.mouse.wheel(0, 2500)
    page.wait_for_function("window.scrollY > 2000")

    boxes = page.evaluate(BOXES)
    assert boxes["transcript"]["top"] < 0  # the transcript has scrolled up past the screen
    assert 0 <= boxes["panel"]["top"] < 100  # the panel has not: it sticks at the top
    assert boxes["panel"]["left"] >= boxes["transcript"]["right"]  # beside it
    others = panel.locator(".their-conversations").get_by_role("link")
    expect(others).to_have_count(2)
    expect(others.first).to_be_in_viewport()


def test_on_a_phone_the_user_panel_comes_first_and_folds(new_page, sign_in, acme):
    page = new_page(viewport=PHONE_390, has_touch=True, is_mobile=True)
    conversation = long_transcript(acme)
    sign_in(page, acme.agent)
    page.goto(f"/c/{conversation.token}/")

    boxes = page.evaluate(BOXES)
    assert boxes["panel"]["bottom"] <= boxes["transcript"]["top"]  # before the transcript
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_390["width"]
    panel = page.locator(".customer-panel")
    expect(panel.locator(".their-conversations")).to_be_visible()  # open at first

    panel.locator("summary").click()

    expect(panel.locator(".their-conversations")).to_be_hidden()
    assert page.evaluate(BOXES)["transcript"]["top"] < boxes["transcript"]["top"]
    # A touch screen has no keys to press: no hint of them.
    expect(page.locator(".shortcuts")).to_be_hidden()
    assert blocking_violations(Axe(), page) == []


def test_keyboard_hints_show_where_there_is_a_keyboard(page, sign_in, acme):
    sign_in(page, acme.agent)
    page.goto(f"/c/{acme.planted.token}/")

    expect(page.locator(".shortcuts")).to_be_visible()


@pytest.mark.parametrize("viewport", [WIDE, PHONE_390], ids=["wide", "phone"])
def test_copying_the_chat_link_moves_nothing(new_page, sign_in, acme, viewport):
    page = new_page(viewport=viewport)
    sign_in(page, acme.agent)
    page.goto(f"/c/{acme.planted.token}/")
    before = page.evaluate(TOOLBAR_BOXES)

    page.locator(".share").get_by_role("link", name="Copy link").click()

    expect(page.locator(".share .copy-status")).to_have_text("Link copied")
    assert page.evaluate(TOOLBAR_BOXES) == before


def test_a_new_share_link_is_shown_whole_and_copied(page, sign_in, acme):
    sign_in(page, acme.agent)
    page.goto(f"/c/{acme.planted.token}/")
    shares = page.locator(".share-panel")

    shares.get_by_role("button", name="Create external link").click()

    new_link = shares.locator(".share-links li").first
    url = new_link.locator(".share-link-url")
    expect(url).to_contain_text("/s/")
    assert url.evaluate("code => code.scrollWidth <= code.clientWidth")  # not cut off
    new_link.get_by_role("link", name=re.compile("Copy link")).click()
    expect(new_link.locator(".copy-status")).to_have_text("Link copied")
    assert clipboard(page) == url.text_content()
    assert blocking_violations(Axe(), page) == []
