"""Single sign-on with OpenID Connect: end to end against a real provider (node-oidc-provider,
tests/sso_provider.py) through the live server, as a browser would follow the redirects, and
the rules that decide who is signed in and whether the provider's second factor counts."""

import pytest
import requests
from axes.models import AccessLog
from django.contrib.auth import get_user_model

from conversations.models import Business
from rules.access import Access, access_in_session
from signin.sso import SignInRefused, staff_account, vouches_for_second_factor
from tests.factories import BusinessFactory, MembershipFactory, UserFactory
from tests.pii import NAME, leaked, planted_conversation
from tests.sso_provider import (
    PROVIDER_NAME,
    STRANGER_EMAIL,
    STRANGER_LOGIN,
    UNVERIFIED_EMAIL,
    UNVERIFIED_LOGIN,
    VERIFIED_EMAIL,
    VERIFIED_LOGIN,
    sign_in_at_provider,
)

BANNER = "Personal data is masked until you verify a second factor."


@pytest.mark.django_db
def test_without_oidc_settings_the_sign_in_page_has_no_sso_button(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert "Sign in with" not in response.text
    assert 'name="username"' in response.text and 'name="password"' in response.text
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=x&state=y").status_code == 404


def test_the_id_token_vouches_for_a_second_factor_by_amr_or_a_configured_acr(settings):
    settings.OIDC_MFA_ACR_VALUES = ["urn:example:mfa"]

    assert vouches_for_second_factor({"amr": ["mfa"]})
    assert vouches_for_second_factor({"amr": ["pwd", "otp"]})
    assert vouches_for_second_factor({"amr": ["pwd", "hwk"]})
    assert vouches_for_second_factor({"amr": ["hwk", "pin"]})
    assert vouches_for_second_factor({"amr": ["fpt", "hwk"]})
    assert vouches_for_second_factor({"acr": "urn:example:mfa"})
    assert not vouches_for_second_factor({"amr": ["pwd"]})
    assert not vouches_for_second_factor({"amr": "mfa"})  # not a list: not as the spec says
    assert not vouches_for_second_factor({"acr": "urn:example:password"})
    assert not vouches_for_second_factor({})


def test_a_one_factor_passwordless_sign_in_does_not_vouch_for_a_second_factor():
    # RFC 8176: "otp" or "hwk" alone can be a code by email or SMS, a key without a PIN; and
    # two methods of the same kind (both something held) are one factor.
    assert not vouches_for_second_factor({"amr": ["otp"]})
    assert not vouches_for_second_factor({"amr": ["hwk"]})
    assert not vouches_for_second_factor({"amr": ["otp", "sms"]})
    assert not vouches_for_second_factor({"amr": ["pwd", "kba"]})


@pytest.mark.parametrize(
    ("trusted", "idp_second_factor", "otp_verified", "expected"),
    [
        (False, True, False, Access.MASKED),
        (True, True, False, Access.FULL),
        (True, False, False, Access.MASKED),
        (False, True, True, Access.FULL),
    ],
)
def test_the_providers_second_factor_counts_only_where_the_business_trusts_it(
    trusted, idp_second_factor, otp_verified, expected
):
    business = Business(require_second_factor=True, trust_idp_second_factor=trusted)

    access = access_in_session(
        Access.FULL,
        business,
        second_factor_verified=otp_verified,
        idp_second_factor=idp_second_factor,
    )

    assert access is expected


# --- End to end, against the provider ---------------------------------------------------------


@pytest.fixture
def sso(settings, oidc_provider):
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    return oidc_provider


@pytest.fixture
def business(transactional_db):
    return BusinessFactory(
        name="Acme Lending", require_second_factor=True, allow_single_sign_on=True
    )


@pytest.fixture
def staff(business):
    """A full viewer of the business whose account has the provider's verified address (in
    another case: the match ignores case)."""
    return MembershipFactory(
        business=business,
        user=UserFactory(email=VERIFIED_EMAIL.lower()),
        agent=True,
        view_personal_details=True,
    )


def sign_in(live_server, sso, login, *, mfa=False):
    browser = requests.Session()
    page = browser.get(f"{live_server.url}/accounts/login/", timeout=10)
    assert f"Sign in with {PROVIDER_NAME}" in page.text
    assert 'name="username"' in page.text and 'name="password"' in page.text
    start = f"{live_server.url}/accounts/oidc/authenticate/"
    return browser, sign_in_at_provider(browser, sso, start, login, mfa=mfa)


def test_staff_sign_in_with_the_provider_and_land_on_their_business(live_server, sso, staff):
    browser, landing = sign_in(live_server, sso, VERIFIED_LOGIN)

    assert landing.status_code == 200
    assert landing.url == f"{live_server.url}/"
    assert "Acme Lending" in landing.text
    # Signed in as the password would: the session recorded, django-axes's sign-in log.
    sessions = browser.get(f"{live_server.url}/accounts/sessions/", timeout=10)
    assert sessions.status_code == 200 and "This session" in sessions.text
    [sign_in_log] = AccessLog.objects.filter(username=staff.user.username)
    assert sign_in_log.path_info == "/accounts/oidc/callback/"


def test_an_address_the_provider_has_not_verified_is_refused(live_server, sso, business):
    MembershipFactory(business=business, user=UserFactory(email=UNVERIFIED_EMAIL), agent=True)

    browser, landing = sign_in(live_server, sso, UNVERIFIED_LOGIN)

    assert landing.url == f"{live_server.url}/accounts/login/"
    assert f"{PROVIDER_NAME} has not verified your email address" in landing.text
    assert browser.get(f"{live_server.url}/", timeout=10).url.startswith(
        f"{live_server.url}/accounts/login/"
    )


def test_an_address_without_an_account_is_refused_and_no_account_is_made(live_server, sso, staff):
    users_before = get_user_model().objects.count()

    browser, landing = sign_in(live_server, sso, STRANGER_LOGIN)

    assert landing.url == f"{live_server.url}/accounts/login/"
    assert f"No active account here has the email address {STRANGER_EMAIL}" in landing.text
    assert get_user_model().objects.count() == users_before
    assert not get_user_model().objects.filter(email__iexact=STRANGER_EMAIL).exists()


def test_staff_of_a_business_that_does_not_allow_single_sign_on_are_refused(
    live_server, sso, staff, business
):
    Business.objects.filter(pk=business.pk).update(allow_single_sign_on=False)

    browser, landing = sign_in(live_server, sso, VERIFIED_LOGIN)

    assert landing.url == f"{live_server.url}/accounts/login/"
    assert "A business you are staff of does not allow single sign-on" in landing.text
    assert browser.get(f"{live_server.url}/", timeout=10).url.startswith(
        f"{live_server.url}/accounts/login/"
    )


def test_an_inactive_account_is_refused(live_server, sso, staff):
    get_user_model().objects.filter(pk=staff.user.pk).update(is_active=False)

    browser, landing = sign_in(live_server, sso, VERIFIED_LOGIN)

    assert landing.url == f"{live_server.url}/accounts/login/"
    assert "No active account here" in landing.text


@pytest.mark.parametrize(
    ("trusted", "mfa", "sees_in_full"),
    [(False, True, False), (True, True, True), (True, False, False)],
    ids=["mfa-not-trusted", "mfa-trusted", "no-mfa-trusted"],
)
def test_the_providers_second_factor_counts_only_when_the_business_allows_it(
    live_server, sso, staff, business, trusted, mfa, sees_in_full
):
    Business.objects.filter(pk=business.pk).update(trust_idp_second_factor=trusted)
    conversation = planted_conversation(business)

    browser, _ = sign_in(live_server, sso, VERIFIED_LOGIN, mfa=mfa)
    chat = browser.get(f"{live_server.url}/c/{conversation.token}/", timeout=10)

    assert chat.status_code == 200
    if sees_in_full:
        assert NAME in chat.text
        assert BANNER not in chat.text
    else:
        assert leaked(chat.content) == []
        assert BANNER in chat.text


def test_refused_sign_ins_count_towards_the_lockout_as_wrong_passwords_do(
    live_server, sso, staff, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        sign_in(live_server, sso, STRANGER_LOGIN)

    _, landing = sign_in(live_server, sso, VERIFIED_LOGIN)

    assert landing.status_code == 429
    assert landing.url.startswith(f"{live_server.url}/accounts/oidc/callback/")


def staff_of(*allowed: bool, email="ana@acme.test"):
    """An account that is staff of one business per item, each allowing single sign-on or not."""
    user = UserFactory(email=email)
    for allows in allowed:
        MembershipFactory(user=user, business=BusinessFactory(allow_single_sign_on=allows))
    return user


@pytest.mark.django_db
def test_one_active_account_of_the_verified_address_in_any_case_is_the_match():
    ana = staff_of(True)
    UserFactory(email="ANA@acme.test", is_active=False)

    assert staff_account({"email": "Ana@Acme.test", "email_verified": True}) == ana


@pytest.mark.django_db
def test_staff_of_several_businesses_are_signed_in_when_every_one_allows_it():
    ana = staff_of(True, True)

    assert staff_account({"email": "ana@acme.test", "email_verified": True}) == ana


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("allowed", "reason"),
    [
        ((False,), "does not allow single sign-on"),
        ((True, False), "does not allow single sign-on"),
        ((), "not staff of any business"),
    ],
    ids=["not-allowed", "one-of-two-not-allowed", "no-membership"],
)
def test_staff_of_a_business_that_does_not_allow_it_are_refused(allowed, reason):
    staff_of(*allowed)

    with pytest.raises(SignInRefused, match=reason):
        staff_account({"email": "ana@acme.test", "email_verified": True})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"email": "ana@acme.test", "email_verified": False}, "has not verified"),
        ({"email": "ana@acme.test", "email_verified": "true"}, "has not verified"),
        ({"email": "ana@acme.test"}, "has not verified"),
        ({"email_verified": True}, "did not tell us your email address"),
        ({"email": "twice@acme.test", "email_verified": True}, "More than one account"),
        ({"email": "operator@acme.test", "email_verified": True}, "platform operator"),
    ],
    ids=[
        "unverified",
        "verified-as-text",
        "no-verified-claim",
        "no-email",
        "two-accounts",
        "operator",
    ],
)
def test_anything_but_one_verified_staff_match_is_refused_with_the_reason(claims, reason):
    staff_of(True)
    staff_of(True, email="twice@acme.test")
    staff_of(True, email="Twice@acme.test")
    UserFactory(email="operator@acme.test", is_staff=True, is_superuser=True)

    with pytest.raises(SignInRefused, match=reason):
        staff_account(claims)
