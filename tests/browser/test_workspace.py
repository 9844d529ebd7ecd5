"""The everyday workspace (issue 24): a menu that fits every screen, lists that work on a phone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.pages import CONSOLE, LISTS, PHONE_390, WIDE
from tests.browser.test_accessibility import blocking_violations

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
    assert len(links) == 12
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
