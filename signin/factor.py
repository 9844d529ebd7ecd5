"""The second factor: an authenticator app (TOTP) and ten single-use recovery codes, kept by
django-otp. A session that has verified either is verified until it ends (django_otp.login);
rules.access.access_in_session shows personal data in full only then, where the business
requires it.

Wrong codes are limited per user (SECOND_FACTOR_FAILURE_LIMIT in
SECOND_FACTOR_WINDOW_MINUTES, in the cache, as django-axes limits passwords); django-otp's
own throttle (a wait that doubles with each wrong code of a device) applies as well.
"""

import segno
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from conversations.models import Membership
from ingest.actors import Actor
from signin.sessions import end_sessions

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


class TooManyWrongCodes(Exception):
    """The user entered SECOND_FACTOR_FAILURE_LIMIT wrong codes within the window."""


def authenticator(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, or None when they have not enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolling_authenticator(user) -> TOTPDevice:
    """The authenticator app the user is enrolling: its secret stays the same until they
    confirm it with a code, so a reload does not invalidate the QR code they scanned."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": AUTHENTICATOR_NAME}
    )
    return device


def set_authenticator_key(user, key: str) -> TOTPDevice:
    """Give the user a confirmed authenticator app of a known key (hex): the demo logins',
    whose key seed_demo prints."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True)


def qr_svg(uri: str) -> str:
    """The URI as a QR code, an inline SVG made here (nothing is fetched by the browser)."""
    return segno.make(uri, error="m").svg_inline(scale=4)


def _failures_key(user) -> str:
    return f"second-factor-failures:{user.pk}"


def _check_not_limited(user) -> None:
    if cache.get(_failures_key(user), 0) >= settings.SECOND_FACTOR_FAILURE_LIMIT:
        raise TooManyWrongCodes


def _count_failure(user) -> None:
    key = _failures_key(user)
    cache.add(key, 0, timeout=settings.SECOND_FACTOR_WINDOW_MINUTES * 60)
    cache.incr(key)


def confirm_authenticator(request: HttpRequest, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the enrolling `device` with a code it shows; the session is then verified.
    Returns the new recovery codes (shown once), or [] for a wrong code.
    Raises TooManyWrongCodes."""
    user = request.user
    _check_not_limited(user)
    if not device.verify_token(code.strip()):
        _count_failure(user)
        return []
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_recovery_codes(user)
    otp_login(request, device)
    return codes


def new_recovery_codes(user) -> list[str]:
    """Ten new recovery codes, each good once; any earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify(request: HttpRequest, code: str) -> bool:
    """Verify this session with a code from the user's authenticator app or a recovery code
    (which is then used up). Raises TooManyWrongCodes."""
    user = request.user
    _check_not_limited(user)
    code = code.strip().replace(" ", "")
    for device in [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user),
    ]:
        if device.verify_token(code):
            otp_login(request, device)
            return True
    _count_failure(user)
    return False


def reset_second_factor(actor: Actor, membership: Membership) -> None:
    """Remove the member's authenticator app and recovery codes, so they enrol anew (a lost
    phone), and end their sessions: whoever holds the lost phone is signed out. Audited."""
    user = membership.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        end_sessions(user)
        actor.audit(
            membership.business,
            AuditEntry.Kind.STAFF,
            f"Reset the second factor of {user.get_username()}",
        )
