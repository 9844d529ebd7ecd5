"""Rich conversations in a real browser: each element type in full and masked, and a chat
page that shows new messages of an open conversation without a reload."""

from playwright.sync_api import expect

from conversations.models import Conversation
from tests.pii import EMAIL, NAME, leaked, planted_rich_conversation_record
from tests.records import at, conversation, import_ok, message


def rich_chat(acme, status="closed"):
    import_ok(planted_rich_conversation_record(business=acme.slug, agent=acme.agent, status=status))
    return Conversation.objects.get(business__slug=acme.slug, external_id="planted-rich")


def test_agent_sees_every_element_like_a_chat_widget(page, sign_in, acme):
    chat = rich_chat(acme)
    sign_in(page, acme.agent)

    page.goto(f"/c/{chat.token}/")

    expect(page.locator(".conversation-status")).to_contain_text("Closed")
    expect(page.locator(".chip.chosen").first).to_contain_text(f"Mail {EMAIL}")
    expect(page.get_by_role("link", name="Write to us")).to_have_attribute(
        "rel", "noopener noreferrer nofollow"
    )
    expect(page.locator(".rich-card").first).to_contain_text(f"Platinum for {NAME}")
    expect(page.locator("img.thumbnail")).to_have_count(1)
    expect(page.locator(".file-link").first).to_be_visible()
    expect(page.locator(".coordinates").first).to_have_text("18.52044, 73.85674")
    expect(page.locator(".form-values")).to_contain_text(NAME)
    expect(page.locator(".private-note")).to_contain_text("Private note · staff only")


def test_masked_agent_sees_every_element_masked(page, sign_in, acme):
    chat = rich_chat(acme)
    sign_in(page, acme.masked_agent)

    page.goto(f"/c/{chat.token}/")

    expect(page.locator(".chip.chosen").first).to_contain_text("Mail [email]")
    expect(page.get_by_text("[image sent by the user · 117.2 KB]")).to_be_visible()
    expect(page.get_by_text("[location shared by the user]")).to_be_visible()
    expect(page.locator(".form-values")).to_contain_text("[name]")
    expect(page.locator(".private-note")).to_be_visible()
    assert page.locator(".transcript img").count() == 0
    assert leaked(page.content()) == []


def test_analyst_sees_no_private_note(page, sign_in, acme):
    chat = rich_chat(acme)
    sign_in(page, acme.analyst)

    page.goto(f"/c/{chat.token}/")

    expect(page.locator(".rich-card").first).to_contain_text("Platinum for [name]")
    expect(page.locator(".private-note")).to_have_count(0)
    assert leaked(page.content()) == []


def test_an_open_chat_shows_new_messages_without_a_reload_until_it_closes(page, sign_in, acme):
    record = conversation(
        "live",
        [message("l1", "hello")],
        business=acme.slug,
        user={"id": "u-live"},
        status="with_agent",
    )
    import_ok(record)
    chat = Conversation.objects.get(business__slug=acme.slug, external_id="live")
    sign_in(page, acme.masked_agent)
    page.goto(f"/c/{chat.token}/")
    expect(page.locator(".message")).to_have_count(1)

    record["messages"].append(message("l2", f"my mail is {EMAIL}", when=at(minute=1)))
    import_ok({**record, "status": "closed"})

    expect(page.locator("#m2")).to_contain_text("my mail is [email]", timeout=15_000)
    expect(page.locator(".live-status")).to_have_text("The conversation is closed.")
    assert leaked(page.content()) == []
