"""The business admin's journeys through the console, each done in a real browser."""

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from conversations.models import ApiKey, Business, Entity, Membership
from tests.browser.test_journeys import MASKED_PLACEHOLDERS, chat_path, clipboard
from tests.pii import NAME, leaked


def open_section(page, title):
    """From home, or from the menu of any page of the business."""
    # Home's links end in an arrow (CSS), which counts in their accessible name.
    page.get_by_role("link", name=re.compile(rf"^{re.escape(title)}\W*$")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def staff_row(page, username):
    return page.get_by_role("row").filter(has_text=username)


def test_grant_lets_the_agent_see_full_details_and_revoke_masks_them_again(new_page, sign_in, acme):
    admin, agent = new_page(), new_page()
    sign_in(admin, acme.admin)
    sign_in(agent, acme.masked_agent)
    agent.goto(chat_path(acme.planted))
    expect(agent.get_by_text("[name]", exact=True).first).to_be_visible()

    open_section(admin, "Staff")
    admin.get_by_role("link", name=f"Grant to {acme.masked_agent}").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Grant")
    admin.get_by_role("button", name="Grant").click()
    expect(staff_row(admin, acme.masked_agent)).to_contain_text("Granted")

    agent.reload()
    expect(agent.locator(".details")).to_contain_text(NAME)

    staff_row(admin, acme.masked_agent).get_by_role("button", name="Revoke").click()
    expect(staff_row(admin, acme.masked_agent)).to_contain_text("Masked")

    # Taking the permission away signs them out at once; signed in again, they see it masked.
    agent.reload()
    expect(agent).to_have_url(re.compile("/accounts/login/"))
    sign_in(agent, acme.masked_agent)
    agent.goto(chat_path(acme.planted))
    for placeholder in MASKED_PLACEHOLDERS:
        expect(agent.get_by_text(placeholder, exact=True).first).to_be_visible()
    assert leaked(agent.content()) == []


def test_add_a_member_change_their_roles_then_deactivate_them(page, sign_in, acme):
    sign_in(page, acme.admin)
    open_section(page, "Staff")

    page.get_by_role("link", name="Add a staff member").click()
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Display name").fill("Nina Rao")
    page.get_by_label("Password").fill("a-long-new-password-1")
    page.get_by_role("group", name="Roles").get_by_label("Agent").check()
    page.get_by_role("group", name="Teams", exact=True).get_by_label("Cards & Payments").check()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_contain_text("nina can now sign in")
    expect(staff_row(page, "nina")).to_contain_text("Nina Rao")

    staff_row(page, "nina").get_by_role("link", name="Edit").click()
    page.get_by_role("group", name="Roles").get_by_label("Team lead").check()
    page.get_by_role("group", name="Teams led").get_by_label("Cards & Payments").check()
    page.get_by_role("button", name="Save").click()
    expect(staff_row(page, "nina")).to_contain_text("Team lead")

    staff_row(page, "nina").get_by_role("link", name="Deactivate").click()
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_contain_text("Deactivated nina")
    nina = Membership.objects.get(user__username="nina")
    assert nina.roles == [] and not nina.user.is_active


def test_mark_an_entity_personal_and_follow_the_job(page, sign_in, acme):
    sign_in(page, acme.admin)
    open_section(page, "Bots and entities")

    page.get_by_role("button", name=re.compile(r"^Mark personal\W+city$")).click()

    job = page.get_by_role("region", name="Latest background job")
    expect(job).to_contain_text("personal entities changed: city")
    expect(job).to_contain_text("Done")
    expect(job).to_contain_text("100%")
    assert Entity.objects.get(bot__business__slug=acme.slug, name="city").personal

    page.get_by_role("link", name=re.compile(r"^Mark not personal\W+city$")).click()
    page.get_by_role("button", name="Mark not personal").click()
    expect(page.get_by_role("button", name=re.compile(r"^Mark personal\W+city$"))).to_be_visible()


def test_create_copy_and_revoke_an_api_key(page, sign_in, acme):
    sign_in(page, acme.admin)
    open_section(page, "API keys")

    page.get_by_role("button", name="Create an API key").click()
    expect(page).to_have_url(re.compile("/api-keys/$"))  # a key needs a name: the browser asks
    page.get_by_label("Name").fill("Zendesk bot")
    page.get_by_role("button", name="Create an API key").click()
    shown = page.get_by_role("textbox").input_value()
    page.get_by_role("button", name="Copy the key").click()
    expect(page.get_by_role("status").filter(has_text="Key copied")).to_be_visible()
    assert clipboard(page) == shown
    api_key = ApiKey.objects.authenticate(shown)
    assert api_key is not None

    page.get_by_role("link", name="API keys").first.click()
    row = page.get_by_role("row").filter(has_text=api_key.prefix)
    expect(row.get_by_role("rowheader")).to_have_text("Zendesk bot")
    row.get_by_role("link", name="Revoke").click()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("row").filter(has_text=api_key.prefix)).to_contain_text("revoked")
    assert ApiKey.objects.authenticate(shown) is None


def test_read_filter_and_export_the_audit_log(page, sign_in, acme):
    sign_in(page, acme.masked_agent)
    page.goto(chat_path(acme.planted))  # an agent without the permission: a masked opening
    page.goto("/accounts/login/")
    sign_in(page, acme.admin)
    page.get_by_role("link", name="Audit log").click()

    page.get_by_label("Level").select_option(label="Masked")
    page.get_by_role("button", name="Filter").click()
    rows = page.get_by_role("row").filter(has_text="Opened a conversation")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(acme.masked_agent)
    assert leaked(page.content()) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(body)))
    assert [line[1:4] for line in lines[1:]] == [
        [acme.masked_agent, "Opened a conversation", "Masked"]
    ]
    assert leaked(body) == []


def test_rename_the_business_and_change_its_time_zone(page, sign_in, acme):
    sign_in(page, acme.admin)
    open_section(page, "Settings")

    page.get_by_label("Name").fill("Acme Bank Ltd")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text("time zone Asia/Kolkata → Europe/Berlin")
    expect(page.locator(".business-name")).to_have_text("Acme Bank Ltd")
    business = Business.objects.get(slug=acme.slug)
    assert (business.name, business.timezone) == ("Acme Bank Ltd", "Europe/Berlin")
