"""Background tasks of signing in: emails whose sending must not show in the answer's time."""

import logging
import smtplib

from celery import shared_task
from django.core.mail import BadHeaderError

from accounts.passwords import ThrottledPasswordResetForm

logger = logging.getLogger(__name__)


@shared_task
def email_password_reset(email: str, domain: str, use_https: bool) -> None:
    """The forgotten-password form's email to `email`, if it is an account's that may sign in
    (Django's form looks it up, throttled per address). Nobody waits for the answer, so a
    mail server's failure is logged, not raised."""
    form = ThrottledPasswordResetForm({"email": email})
    if not form.is_valid():
        return
    try:
        form.save(domain_override=domain, use_https=use_https)
    except (smtplib.SMTPException, OSError, BadHeaderError):
        logger.exception("The forgotten-password email could not be sent")
