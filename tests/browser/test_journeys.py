"""The journeys of the people who use chat links, each done in a real browser as they would."""

import re

from playwright.sync_api import expect

from tests.pii import NAME, leaked

MASKED_PLACEHOLDERS = ["[name]", "[card number]", "[PAN]", "[Aadhaar number]", "[PAN number]"]


def chat_path(conversation):
    return f"/c/{conversation.token}/"


def clipboard(page):
    return page.evaluate("navigator.clipboard.readText()")


def copy_chat_link(page, within):
    """Click the copy control in `within` (a row, or the whole page) and wait until it is done."""
    within.get_by_role("link", name="Copy link").click()
    expect(within.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    return clipboard(page)


def test_agent_copies_the_user_info_link_then_steps_through_the_users_chats(
    page, sign_in, acme, live_server
):
    first, planted, last = acme.conversations
    sign_in(page, acme.agent)
    page.get_by_role("link", name="My Chats").click()
    row = page.get_by_role("row").filter(has_text=planted.external_id)

    link = copy_chat_link(page, row)

    assert link == f"{live_server.url}{chat_path(planted)}"
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Conversation {planted.external_id}")
    expect(page.locator(".details")).to_contain_text(NAME)

    previous = page.get_by_role("link", name="Previous Conversation")
    following = page.get_by_role("link", name="Next Conversation")
    following.click()
    expect(page).to_have_url(f"{live_server.url}{chat_path(last)}")
    expect(following).to_have_attribute("aria-disabled", "true")
    assert following.get_attribute("href") is None
    previous.click()
    expect(page).to_have_url(f"{live_server.url}{chat_path(planted)}")
    previous.click()
    expect(page).to_have_url(f"{live_server.url}{chat_path(first)}")
    expect(previous).to_have_attribute("aria-disabled", "true")
    assert previous.get_attribute("href") is None


def test_agent_without_the_permission_sees_the_same_link_masked(page, sign_in, acme, live_server):
    link = f"{live_server.url}{chat_path(acme.planted)}"
    sign_in(page, acme.masked_agent)

    page.goto(link)

    for placeholder in MASKED_PLACEHOLDERS:
        expect(page.get_by_text(placeholder, exact=True).first).to_be_visible()
    assert copy_chat_link(page, page) == link
    assert leaked(page.content()) == []
    assert leaked(page.title()) == []
    # Next stays within the same rules.
    page.get_by_role("link", name="Next Conversation").click()
    expect(page).to_have_url(f"{live_server.url}{chat_path(acme.conversations[2])}")
    assert leaked(page.content()) == []


def test_analyst_opens_a_masked_chat_from_each_analytics_page(page, sign_in, acme):
    sign_in(page, acme.analyst)

    page.get_by_role("link", name="Message Analysis").click()
    open_view_chat_and_come_back(page, row_text=acme.planted.external_id)

    page.get_by_role("link", name="Word Analysis").click()
    page.get_by_role("link", name="blocked", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages containing “blocked”")
    open_view_chat_and_come_back(page, row_text=acme.planted.external_id)

    page.get_by_role("link", name="CSAT / User Reviews").click()
    open_view_chat_and_come_back(page, row_text="here, call me on")  # the masked review


def open_view_chat_and_come_back(page, row_text):
    """From an analytics page: open View Chat in the row showing `row_text` (a conversation
    full of PII), check that the chat is masked, and go back."""
    assert leaked(page.content()) == []
    analytics_url = page.url
    row = page.get_by_role("row").filter(has_text=row_text).first

    row.get_by_role("link", name="View Chat").click()

    expect(page.get_by_text("Analytics view: personal details are not shown.")).to_be_visible()
    expect(page.locator(".transcript")).to_contain_text("[card number]")
    assert leaked(page.content()) == []
    page.get_by_role("link", name="Back to the list").click()
    expect(page).to_have_url(analytics_url)


def test_team_lead_filters_by_agent_opens_a_chat_and_returns_to_the_filtered_list(
    page, sign_in, acme
):
    bilals_chat = acme.conversations[2]
    sign_in(page, acme.lead)
    page.get_by_role("link", name="Teams →", exact=True).click()
    rows = page.locator(".chat-list tbody tr")
    expect(rows).to_have_count(3)

    page.get_by_label("Agent").select_option(label="Bilal")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    filtered_list = page.url
    rows.get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Conversation {bilals_chat.external_id}"
    )
    page.get_by_role("link", name="Back to the list").click()

    expect(page).to_have_url(filtered_list)
    expect(page.get_by_label("Agent")).to_have_value(acme.second_agent)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(bilals_chat.external_id)


def test_member_of_another_business_gets_the_not_found_page(page, sign_in, acme):
    sign_in(page, acme.outsider)

    response = page.goto(chat_path(acme.planted))

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert acme.planted.external_id not in page.content()
    assert leaked(page.content()) == []


def test_anonymous_visitor_signs_in_and_lands_on_the_link(page, sign_in, acme, live_server):
    link = f"{live_server.url}{chat_path(acme.planted)}"

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    sign_in(page, acme.agent)

    expect(page).to_have_url(link)
    expect(page.locator(".details")).to_contain_text(NAME)


def test_agent_searches_by_keyboard_and_lands_on_the_matching_message(page, sign_in, acme):
    _, planted, last = acme.conversations
    sign_in(page, acme.agent)
    page.get_by_role("link", name="My Chats").click()
    page.wait_for_load_state()  # the shortcuts' script is deferred to the end of loading

    page.keyboard.press("/")
    expect(page.get_by_label("Search")).to_be_focused()
    page.keyboard.type("Kumaraswamy card blocked")
    page.keyboard.press("Enter")
    row = page.locator(".chat-list tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("mark").first).to_be_visible()
    row.get_by_role("link", name="Open").click()

    expect(page).to_have_url(re.compile(rf"/c/{planted.token}/\?page=1.*#m4$"))
    expect(page.locator("#m4")).to_be_focused()
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(rf"{chat_path(last)}\?from="))
    page.keyboard.press("p")
    expect(page).to_have_url(re.compile(rf"{chat_path(planted)}\?from="))


def test_a_masked_agents_search_for_a_hidden_name_finds_nothing(page, sign_in, acme):
    sign_in(page, acme.masked_agent)
    page.get_by_role("link", name="Search").click()

    page.get_by_label("Search").fill("Kumaraswamy")
    page.get_by_role("button", name="Filter").click()

    expect(page.locator(".chat-list tbody")).to_contain_text("No conversations")
    page.get_by_label("Search").fill("blocked")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".chat-list tbody tr")).to_have_count(3)
    assert leaked(page.content()) == []
