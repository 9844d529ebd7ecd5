"""Single sign-on in a real browser: from the sign-in page's button, through the real OpenID
provider's login form (tests/sso_provider.py), back signed in on the home page with the right
business; the provider's second factor shows the chat in full where the business trusts it."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from conversations.models import Business
from tests.browser.test_accessibility import blocking_violations
from tests.pii import NAME
from tests.sso_provider import PROVIDER_NAME, VERIFIED_EMAIL, VERIFIED_LOGIN

pytestmark = pytest.mark.second_factor  # Acme Bank requires it, as every new business


@pytest.fixture
def sso(settings, oidc_provider):
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)


def test_sign_in_with_the_provider_lands_on_the_right_business_with_its_second_factor(
    page, acme, sso, live_server, django_user_model
):
    django_user_model.objects.filter(username=acme.agent).update(email=VERIFIED_EMAIL)
    Business.objects.filter(slug=acme.slug).update(
        trust_idp_second_factor=True, allow_single_sign_on=True
    )

    page.goto("/accounts/login/")
    assert blocking_violations(Axe(), page) == []
    page.get_by_role("link", name=f"Sign in with {PROVIDER_NAME}").click()
    page.get_by_label("Login").fill(VERIFIED_LOGIN)
    page.get_by_label("I also used my authenticator").check()
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("main")).to_contain_text("Acme Bank")
    expect(page.get_by_role("main")).not_to_contain_text("ShopKart")
    page.goto(f"/c/{acme.planted.token}/")
    expect(page.locator(".details")).to_contain_text(NAME)
