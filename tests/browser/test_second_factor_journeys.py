"""The second factor, in a real browser: a permission holder of a business that requires it
sees the chat masked with a prompt, enrols an authenticator app, and then sees it in full;
a recovery code verifies a later session once."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.pii import NAME

pytestmark = pytest.mark.second_factor  # Acme Bank requires it, as every new business


def code_for(username):
    device = TOTPDevice.objects.get(user__username=username)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def test_enrol_see_masked_until_verified_then_in_full_and_a_recovery_code_once(
    page, sign_in, acme, live_server
):
    chat = f"{live_server.url}/c/{acme.planted.token}/"
    sign_in(page, acme.agent)
    page.goto(chat)
    expect(page.locator(".details")).not_to_contain_text(NAME)
    page.get_by_role("link", name="Verify now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up a second factor")
    expect(page.get_by_label("Key (for an app that cannot scan)")).to_have_value(
        TOTPDevice.objects.get(user__username=acme.agent).config_url
    )
    expect(page.locator(".qr-code svg")).to_be_visible()
    page.get_by_role("textbox", name="Code").fill(code_for(acme.agent))
    page.get_by_role("button", name="Confirm").click()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(chat)
    expect(page.locator(".details")).to_contain_text(NAME)

    for attempt in ("first", "second"):
        page.get_by_role("button", name="Sign out").click()
        sign_in(page, acme.agent)
        page.goto(chat)
        expect(page.locator(".details")).not_to_contain_text(NAME)
        page.get_by_role("link", name="Verify now").click()
        page.get_by_role("textbox", name="Code").fill(codes[0])
        page.get_by_role("button", name="Verify").click()
        if attempt == "first":
            expect(page).to_have_url(chat)
            expect(page.locator(".details")).to_contain_text(NAME)
        else:
            expect(page.get_by_role("alert")).to_contain_text("used already")
