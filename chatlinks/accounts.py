"""Signing in: the forgotten-password form, open to anyone, so bounded."""

import hashlib

from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache

# One email per address in this many seconds, however often the form is sent.
RESET_EMAIL_INTERVAL = 5 * 60


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's form, sending at most one email per address every RESET_EMAIL_INTERVAL, so
    that nobody can fill a member's inbox through it. The page says the same either way."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs
    ):
        digest = hashlib.sha256(to_email.casefold().encode()).hexdigest()
        if cache.add(f"password-reset-email:{digest}", True, timeout=RESET_EMAIL_INTERVAL):
            super().send_mail(
                subject_template_name, email_template_name, context, from_email, to_email, **kwargs
            )
