"""Signing in: the forgotten-password form, open to anyone, so bounded; and the page of the
emailed link, for accounts that may sign in."""

import hashlib
from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.cache import cache

# One email per address in this many seconds, however often the form is sent.
RESET_EMAIL_INTERVAL = 5 * 60


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's form, sending at most one email per address every RESET_EMAIL_INTERVAL, so
    that nobody can fill a member's inbox through it. The page says the same either way."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        digest = hashlib.sha256(to_email.casefold().encode()).hexdigest()
        if cache.add(f"password-reset-email:{digest}", True, timeout=RESET_EMAIL_INTERVAL):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class ActiveAccountPasswordResetConfirmView(PasswordResetConfirmView):
    """Django's page, but a link sent before the account was deactivated (an invitation, a new
    password) no longer sets a password: reactivated, it would let the holder back in."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None
