"""Staff provisioning: a platform user's membership of a business, roles, teams, permission."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
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
    display_name: str | None = None,
) -> Membership:
    """Create or update the user and their membership of `business`, exactly as given
    (None for `email` or `display_name`: keep it)."""
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
        if display_name is not None:
            set_display_name(user, display_name)
        user.save()
        membership, _ = Membership.objects.get_or_create(user=user, business=business)
        for role in Role:
            setattr(membership, f"is_{role.value}", role.value in roles)
        membership.save()
        membership.teams.set(teams)
        membership.leads.set(leads)
        set_personal_details_permission(user, business, view_personal_details)
    return membership


class UsernameTaken(Exception):
    """An account of that name exists already."""


def create_staff(
    business: Business,
    username: str,
    *,
    password: str | None,
    email: str,
    roles: Iterable[str],
    teams: Iterable[Team],
    leads: Iterable[Team],
    display_name: str,
) -> Membership:
    """A new account and its membership of `business`, without the permission; without a
    `password`, it has none until they choose one by an emailed link. Never an existing
    account, which may be another business's: raises UsernameTaken, also when one of that
    name is made meanwhile."""
    User = get_user_model()
    try:
        with transaction.atomic():
            if User.objects.filter(username__iexact=username).exists():
                raise UsernameTaken(username)
            User.objects.create_user(username, email=email, password=password)
            return provision_staff(
                business,
                username,
                password=None,
                email=None,
                roles=roles,
                teams=teams,
                leads=leads,
                view_personal_details=False,
                display_name=display_name,
            )
    except IntegrityError as error:
        raise UsernameTaken(username) from error


def set_personal_details_permission(user, business: Business, granted: bool) -> None:
    if granted:
        assign_perm(PERSONAL_DETAILS_PERM, user, business)
    else:
        remove_perm(PERSONAL_DETAILS_PERM, user, business)


def set_display_name(user, display_name: str) -> None:
    """The name pages show for a staff member instead of their username. It is kept whole in
    first_name, so get_full_name(), which every page asks, gives it back unchanged."""
    user.first_name, user.last_name = display_name.strip(), ""


def works_only_for(user, business: Business) -> bool:
    """Whether `business` is the only business `user` is staff of: its admin then owns the
    account itself (its name, whether it may sign in), and changing it affects no one else."""
    return not Membership.objects.filter(user=user).exclude(business=business).exists()


def deactivate_staff(membership: Membership) -> None:
    """Take every role, team and the permission in the membership's business away; the
    membership stays, so the conversations they handled still name them. An account that
    works for no other business can no longer sign in at all."""
    with transaction.atomic():
        for role in Role:
            setattr(membership, f"is_{role.value}", False)
        membership.save()
        membership.teams.clear()
        membership.leads.clear()
        set_personal_details_permission(membership.user, membership.business, False)
        user = membership.user
        if user.is_active and works_only_for(user, membership.business):
            user.is_active = False
            user.save(update_fields=["is_active"])


def reactivate_staff(membership: Membership) -> None:
    """Let an account that only this business deactivated sign in again."""
    user = membership.user
    if not user.is_active and works_only_for(user, membership.business):
        user.is_active = True
        user.save(update_fields=["is_active"])
