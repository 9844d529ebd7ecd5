"""Bot-break topics in a browser: computed topics fit a phone, pass axe, and lead to their
messages and to the chat at an example."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.pages import PHONE
from tests.browser.test_accessibility import blocking_violations
from tests.factories import MembershipFactory
from tests.records import BUSINESS
from tests.topic_data import compute, topics_business

URL = f"/b/{BUSINESS}/analytics/topics/"
ANALYST = "topics_analyst"


@pytest.fixture
def analyst(transactional_db):
    business = topics_business()
    compute(business)
    MembershipFactory(business=business, analyst=True, user__username=ANALYST)
    return ANALYST


@pytest.fixture(scope="module")
def axe():
    return Axe()


def test_topics_fit_a_phone_and_pass_axe(new_page, sign_in, analyst, axe):
    page = new_page(viewport=PHONE)
    sign_in(page, analyst)

    page.goto(URL)

    assert page.locator("li.topic").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert blocking_violations(axe, page) == []


def test_a_topic_leads_to_its_messages_and_an_example_to_its_chat(page, sign_in, analyst):
    sign_in(page, analyst)
    page.goto(URL)
    first = page.locator("li.topic").first

    with page.expect_navigation():
        first.get_by_role("link", name="All its messages").click()
    assert "/analytics/topics/messages/?topic=" in page.url
    assert page.locator("table.analytics-table tbody tr").count() >= 3

    page.goto(URL)
    example = page.locator("li.topic").first.locator("ul.examples li").first
    text = example.inner_text().removesuffix("View Chat").strip()
    with page.expect_navigation():
        example.get_by_role("link", name="View Chat").click()
    # The chat opens at the example: its anchor, focused, holds the example's text.
    expect(page).to_have_url(re.compile(r"/c/[^/]+/\?.*#m\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    expect(page.locator(f"#{anchor}")).to_be_focused()
    expect(page.locator(f"#{anchor}")).to_contain_text(text)
