"""Staff provisioning: a platform user's membership of a business, roles, teams, permission."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from conversations.models import PERSONAL_DETAILS_PERM, Business, Membership, Role, Team


class MissingPassword(Exception):
    """A new user needs a password."""


def provision_staff(
    business: Business,
    username: str,
    *,
    password: str | None,
    email: str | None,
    roles: Iterable[str],
    teams: Iterable[Team],
    leads: Iterable[Team],
    view_personal_details: bool,
) -> Membership:
    """Create or update the user and their membership of `business`, exactly as given."""
    User = get_user_model()
    roles = set(roles)
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if user is None:
            if not password:
                raise MissingPassword
            user = User(username=username)
        if password:
            user.set_password(password)
        if email is not None:
            user.email = email
        user.save()
        membership, _ = Membership.objects.get_or_create(user=user, business=business)
        for role in Role:
            setattr(membership, f"is_{role.value}", role.value in roles)
        membership.save()
        membership.teams.set(teams)
        membership.leads.set(leads)
        set_personal_details_permission(user, business, view_personal_details)
    return membership


def set_personal_details_permission(user, business: Business, granted: bool) -> None:
    if granted:
        assign_perm(PERSONAL_DETAILS_PERM, user, business)
    else:
        remove_perm(PERSONAL_DETAILS_PERM, user, business)
