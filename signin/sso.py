"""Single sign-on with OpenID Connect (mozilla-django-oidc), on when OIDC_RP_CLIENT_ID is set.

A staff member who signs in through the identity provider is matched to their existing active
account by the email address the provider has verified, if every business the account is
staff of allows single sign-on; nobody is ever created, and no
membership or permission follows from signing in this way. The sign-in then goes on as a
password's does: django.contrib.auth.login (so the session is recorded and django-axes logs
it), and a refused one counts as a failed sign-in for django-axes.

The provider may vouch for a second factor (the ID token's `amr` names one of
OIDC_MFA_AMR_VALUES or methods of two kinds, or its `acr` is one of OIDC_MFA_ACR_VALUES):
the session then notes it (IDP_SECOND_FACTOR_SESSION_KEY), and it counts as verified only for
a business that trusts it (rules.access.access_in_session).
"""

import logging
from collections.abc import Mapping
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import resolve_url
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from rules.viewer import IDP_SECOND_FACTOR_SESSION_KEY

logger = logging.getLogger(__name__)

# Where, on the request, the backend leaves why it refused someone, for the page to say.
REFUSAL_ATTRIBUTE = "sso_refusal"


def sso_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def provider_name() -> str:
    return settings.OIDC_PROVIDER_NAME


class SignInRefused(SuspiciousOperation):
    """The identity provider signed someone in whom this site will not: its message says why."""


# The kind of factor each authentication method of RFC 8176 (the ID token's `amr`) is: two
# methods count as two factors only if their kinds differ ("otp" and "sms" are both something
# held). The others ("mca", "rba", "user", ...) are of no kind here.
AMR_FACTOR_KINDS = {
    **dict.fromkeys(["pwd", "pin", "kba"], "known"),
    **dict.fromkeys(["otp", "hwk", "swk", "sms", "tel", "sc"], "held"),
    **dict.fromkeys(["fpt", "face", "iris", "retina", "vbm"], "inherent"),
}


def vouches_for_second_factor(id_token: Mapping[str, Any]) -> bool:
    """Whether the ID token says the person used a second factor to sign in: its `amr` names
    a value that alone says so (OIDC_MFA_AMR_VALUES, "mfa") or methods of two different
    kinds, or its `acr` is one of OIDC_MFA_ACR_VALUES. "otp" or "hwk" alone is not: each
    can be a passwordless, one-factor sign-in (a code by email, a key without a PIN)."""
    methods = id_token.get("amr")
    if isinstance(methods, list):
        if set(methods) & set(settings.OIDC_MFA_AMR_VALUES):
            return True
        kinds = {AMR_FACTOR_KINDS.get(method) for method in methods} - {None}
        if len(kinds) >= 2:
            return True
    return id_token.get("acr") in settings.OIDC_MFA_ACR_VALUES


def staff_account(claims: Mapping[str, Any]):
    """The one active account whose email (in any case) the provider has verified as this
    person's; not a platform operator's (Django admin), whom a business's identity provider
    must not be able to sign in by naming their address; and only a member of at least one
    business, every one of which allows single sign-on (Business.allow_single_sign_on): the
    provider is one business's, and must not sign in another's staff who share an address
    with someone it knows. Raises SignInRefused."""
    email = claims.get("email")
    if not isinstance(email, str) or not email:
        raise SignInRefused(f"{provider_name()} did not tell us your email address.")
    if claims.get("email_verified") is not True:
        raise SignInRefused(
            f"{provider_name()} has not verified your email address, so it cannot sign you "
            "in here. Sign in with your password, or ask your identity provider's "
            "administrator to verify it."
        )
    accounts = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
    if not accounts:
        raise SignInRefused(
            f"No active account here has the email address {email}. Ask your business's "
            "admin to add you as staff (single sign-on does not create accounts)."
        )
    if len(accounts) > 1:
        raise SignInRefused(
            f"More than one account here has the email address {email}, so single sign-on "
            "cannot tell which is yours. Sign in with your password, or ask your admin."
        )
    [account] = accounts
    if account.is_staff or account.is_superuser:
        raise SignInRefused(
            "A platform operator's account signs in with its password, not single sign-on."
        )
    allowed = set(account.memberships.values_list("business__allow_single_sign_on", flat=True))
    if not allowed:
        raise SignInRefused(
            f"The account with the email address {email} is not staff of any business here. "
            "Ask your business's admin to add you as staff."
        )
    if allowed != {True}:
        raise SignInRefused(
            "A business you are staff of does not allow single sign-on: sign in with your "
            "password, or ask its admin to allow single sign-on on its Settings page."
        )
    return account


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Signs in existing staff only (`staff_account`), and marks the user it returns with
    `idp_second_factor` for the callback to note in the session."""

    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce; a password sign-in asks every backend too.
        if request is None or "nonce" not in kwargs or not sso_enabled():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException:
            logger.exception("Single sign-on: the identity provider did not answer")
            setattr(request, REFUSAL_ATTRIBUTE, f"{provider_name()} did not answer. Try again.")
            return None

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            user = staff_account(claims)
        except SignInRefused as refusal:
            logger.warning("Single sign-on refused for %s: %s", claims.get("sub"), refusal)
            setattr(self.request, REFUSAL_ATTRIBUTE, str(refusal))
            raise
        # `payload` is the signed ID token, which says how the person signed in.
        user.idp_second_factor = vouches_for_second_factor(payload)
        return user

    def create_user(self, claims):
        # mozilla-django-oidc's own way to an account (get_or_create_user, replaced above, or
        # any other of a later version) ends here: never one made by signing in.
        raise SignInRefused("Single sign-on never creates accounts.")

    def get_user(self, user_id):
        # ModelBackend's, which refuses inactive users (mozilla-django-oidc's does not).
        return ModelBackend.get_user(self, user_id)


class SignInWithProvider(OIDCAuthenticationRequestView):
    """Starts a sign-in at the identity provider (a GET, as a link to a sign-in page is: it
    changes no data, only notes the flow's state in the session, as the sign-in form's page
    does its CSRF token; and a form could not lead there: the Content-Security-Policy's
    form-action 'self' refuses a form whose answer redirects elsewhere). 404 when SSO is off."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ProviderCallback(OIDCAuthenticationCallbackView):
    """Where the identity provider sends the person back: signed in, with the session noting
    whether the provider vouched for a second factor, or back on the sign-in page saying why
    not."""

    def dispatch(self, request, *args, **kwargs):
        if not sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_URL)

    def login_success(self):
        response = super().login_success()
        vouched = self.user.idp_second_factor
        self.request.session[IDP_SECOND_FACTOR_SESSION_KEY] = vouched
        logger.info(
            "Single sign-on of %s (second factor vouched for: %s)",
            self.user.get_username(),
            "yes" if vouched else "no",
        )
        return response

    def login_failure(self):
        messages.error(
            self.request,
            getattr(
                self.request,
                REFUSAL_ATTRIBUTE,
                f"Signing in with {provider_name()} did not complete. Try again, or sign in "
                "with your password.",
            ),
        )
        return super().login_failure()
