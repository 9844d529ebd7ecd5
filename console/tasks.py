"""Background tasks of the console: the password-link email, whose sending the admin's page
does not wait for (signin.background)."""

import logging
import smtplib
from urllib.parse import urljoin

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import BadHeaderError

from console import staff
from conversations.models import Membership
from ingest.actors import Actor

logger = logging.getLogger(__name__)


@shared_task
def email_password_link(membership_id: int, admin_id: int, site: str) -> None:
    """Email the member their invitation or a new password link, as the admin `admin_id`
    asked (audited once sent), if they may still be sent one; links are to `site`. Nobody
    waits for it, so a mail server's failure is logged, not raised: the admin sends it again
    from the member's page."""
    membership = (
        Membership.objects.select_related("user", "business").filter(pk=membership_id).first()
    )
    if membership is None or not staff.may_email_password_link(membership):
        return
    admin = get_user_model().objects.get(pk=admin_id)
    try:
        staff.email_password_link(Actor.staff(admin), membership, lambda path: urljoin(site, path))
    except (smtplib.SMTPException, OSError, BadHeaderError):
        logger.exception("The password link email to %s could not be sent", membership.user)
