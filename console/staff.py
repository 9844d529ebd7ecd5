"""The rules of the Staff page: who holds the permission, who may be renamed or emailed.

Every change goes through ingest.staff (the one writer of staff), which writes it to the audit
log with its actor.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from guardian.models import GroupObjectPermission, UserObjectPermission

from audit.models import AuditEntry
from conversations.models import PERSONAL_DETAILS_CODENAME, Business, Membership
from ingest.actors import Actor
from ingest.staff import works_only_for


class Grant:
    """How a staff member holds the permission for a business."""

    HERE = "here"  # granted for this business: its admin may revoke it
    PLATFORM = "platform"  # globally, through a group, or as superuser: the operator's


def permission_holders(business: Business, user_ids) -> dict[int, str]:
    """{user id: Grant} for those of `user_ids` who hold the permission for `business`; in
    three queries whatever their number."""
    user_ids = list(user_ids)
    business_type = ContentType.objects.get_for_model(Business)
    for_this_business = {
        "permission__codename": PERSONAL_DETAILS_CODENAME,
        "content_type": business_type,
        "object_pk": str(business.pk),
    }
    granted_here = set(
        UserObjectPermission.objects.filter(user_id__in=user_ids, **for_this_business).values_list(
            "user_id", flat=True
        )
    )
    global_permission = Q(codename=PERSONAL_DETAILS_CODENAME, content_type=business_type)
    holders_elsewhere = set(
        get_user_model()
        .objects.filter(pk__in=user_ids)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=business_type.permission_set.filter(global_permission))
            | Q(groups__permissions__in=business_type.permission_set.filter(global_permission))
        )
        .values_list("pk", flat=True)
    )
    holders_elsewhere |= set(
        GroupObjectPermission.objects.filter(
            group__user__in=user_ids, **for_this_business
        ).values_list("group__user", flat=True)
    )
    holders = {user_id: Grant.PLATFORM for user_id in holders_elsewhere}
    holders.update({user_id: Grant.HERE for user_id in granted_here})
    return holders


def may_email_password_link(membership: Membership) -> bool:
    """An admin sends a link to choose a password only to an account of their business alone
    (as for its name), that may sign in and has an email address."""
    user = membership.user
    return bool(user.is_active and user.email and works_only_for(user, membership.business))


def email_password_link(actor: Actor, membership: Membership, absolute_url) -> None:
    """Email the member a link to choose a password: their invitation when they have none yet,
    else a new one they asked their admin for. `absolute_url(path)` gives the link's address.
    Raises what the mail server raises; nothing is audited then."""
    user, business = membership.user, membership.business
    invitation = not user.has_usable_password()
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "business": business,
        "invitation": invitation,
        "link": absolute_url(path),
        "days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
    }
    subject = (
        f"You are invited to Chat Links for {business.name}"
        if invitation
        else "Choose a new Chat Links password"
    )
    subject = " ".join(subject.split())  # a header is one line, whatever a name holds
    send_mail(
        subject, render_to_string("console/password_link_email.txt", context), None, [user.email]
    )
    actor.audit(
        business,
        AuditEntry.Kind.STAFF,
        f"Emailed {user.get_username()} "
        + ("an invitation" if invitation else "a link to choose a new password"),
    )


def may_rename(membership: Membership) -> bool:
    """A display name belongs to the account: only an admin of its one business renames it."""
    return works_only_for(membership.user, membership.business)
