"""Staff provisioning: a platform user's membership of a business, roles, teams, permission.

Whatever turns a staff member's view of the business's personal data to full (the permission
granted, a role that makes a holder Smart Agent Chat staff, an account let in again) is a
reveal: it is refused unless the actor sees that data in full themselves (ingest.actors).

Each change is written to the business's audit log in its transaction, naming the staff member
by username and the actor who made it: never end-user data.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from guardian.shortcuts import assign_perm, get_user_perms, remove_perm

from audit.models import AuditEntry
from conversations.models import (
    PERSONAL_DETAILS_CODENAME,
    PERSONAL_DETAILS_PERM,
    Business,
    Membership,
    Role,
    Team,
)
from ingest.actors import PERMISSION_NAME, Actor
from rules.access import Access, access_for

# Sent with `user` when a change took some of their access away (a role, the permission, the
# account itself), in its transaction: signin ends their sessions.
access_removed = Signal()


class MissingPassword(Exception):
    """A new user needs a password."""


def businesses_seen_in_full(user_id: int | None) -> set[Business]:
    """The businesses whose personal data the user sees in full, as stored now: the user is
    read afresh, as the objects at hand may hold permissions cached before a change."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return set()
    return {
        membership.business
        for membership in Membership.objects.filter(user=user).select_related("business")
        if access_for(user, membership) is Access.FULL
    }


def check_reveals(actor: Actor, user_id: int, seen_before: set[Business]) -> None:
    """Raise RevealRefused when the user now sees in full a business they did not see so in
    `seen_before`, and `actor` may not reveal that business's personal data."""
    for business in businesses_seen_in_full(user_id) - seen_before:
        actor.check_may_reveal(business, "let someone else see it in full")


@contextmanager
def reveals_checked(actor: Actor, user_id: int) -> Iterator[None]:
    """Around a change of one user's roles, permissions or account, inside its transaction,
    so that a refusal rolls the change back (see check_reveals)."""
    seen_before = businesses_seen_in_full(user_id)
    yield
    check_reveals(actor, user_id, seen_before)


def roles_text(roles: Iterable[str]) -> str:
    return ", ".join(Role(role).label.lower() for role in roles) or "no roles"


def names_text(objects: Iterable[object]) -> str:
    return ", ".join(sorted(str(obj) for obj in objects)) or "none"


def staff_state(membership: Membership | None, display_name: str) -> dict[str, str] | None:
    """What the audit log compares of a membership (None: there is none)."""
    if membership is None:
        return None
    return {
        "roles": roles_text(membership.roles),
        "teams": names_text(membership.teams.all()),
        "leads": names_text(membership.leads.all()),
        "display name": display_name,
    }


def audit_staff_change(actor: Actor, membership: Membership, before: dict[str, str] | None) -> None:
    username = membership.user.get_username()
    after = staff_state(membership, membership.user.get_full_name())
    assert after is not None
    if before is None:
        what = (
            f"Added {username} as {after['roles']}; teams {after['teams']}; leads {after['leads']}"
        )
    else:
        changes = [
            f"{field} {before[field] or 'none'} → {after[field] or 'none'}"
            for field in before
            if before[field] != after[field]
        ]
        if not changes:
            return
        what = f"Changed {username}: {'; '.join(changes)}"
    actor.audit(membership.business, AuditEntry.Kind.STAFF, what)


def provision_staff(
    actor: Actor,
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
        before = staff_state(
            Membership.objects.filter(user=user, business=business).first() if user else None,
            user.get_full_name() if user else "",
        )
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
        with reveals_checked(actor, user.pk):
            membership, _ = Membership.objects.get_or_create(user=user, business=business)
            if {role.value for role in membership.roles} - roles:
                access_removed.send(Membership, user=user)
            for role in Role:
                setattr(membership, f"is_{role.value}", role.value in roles)
            membership.save()
            membership.teams.set(teams)
            membership.leads.set(leads)
            audit_staff_change(actor, membership, before)
            set_personal_details_permission(actor, user, business, view_personal_details)
    return membership


class UsernameTaken(Exception):
    """An account of that name exists already."""


def create_staff(
    actor: Actor,
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
                actor,
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


def set_personal_details_permission(
    actor: Actor, user: Any, business: Business, granted: bool
) -> None:
    """Grant or revoke the permission for `business` (not one held platform-wide)."""
    if holds_permission_here(user, business) == granted:
        return
    with transaction.atomic(), reveals_checked(actor, user.pk):
        if granted:
            assign_perm(PERSONAL_DETAILS_PERM, user, business)
        else:
            remove_perm(PERSONAL_DETAILS_PERM, user, business)
            access_removed.send(Membership, user=user)
        audit_permission_change(actor, user, business, granted)


def holds_permission_here(user: Any, business: Business) -> bool:
    """Whether the permission is granted to `user` for `business` itself."""
    return PERSONAL_DETAILS_CODENAME in get_user_perms(user, business)


def audit_permission_change(actor: Actor, user: Any, business: Business, granted: bool) -> None:
    username = user.get_username()
    what = (
        f"Granted {PERMISSION_NAME} to {username}"
        if granted
        else f"Revoked {PERMISSION_NAME} from {username}"
    )
    actor.audit(business, AuditEntry.Kind.PERMISSION, what)


def set_display_name(user: Any, display_name: str) -> None:
    """The name pages show for a staff member instead of their username. It is kept whole in
    first_name, so get_full_name(), which every page asks, gives it back unchanged."""
    user.first_name, user.last_name = display_name.strip(), ""


def works_only_for(user: Any, business: Business) -> bool:
    """Whether `business` is the only business `user` is staff of: its admin then owns the
    account itself (its name, whether it may sign in), and changing it affects no one else."""
    return not Membership.objects.filter(user=user).exclude(business=business).exists()


def deactivate_staff(actor: Actor, membership: Membership) -> None:
    """Take every role, team and the permission in the membership's business away; the
    membership stays, so the conversations they handled still name them. An account that
    works for no other business can no longer sign in at all."""
    with transaction.atomic():
        access_removed.send(Membership, user=membership.user)
        for role in Role:
            setattr(membership, f"is_{role.value}", False)
        membership.save()
        membership.teams.clear()
        membership.leads.clear()
        set_personal_details_permission(actor, membership.user, membership.business, False)
        user = membership.user
        if user.is_active and works_only_for(user, membership.business):
            user.is_active = False
            user.save(update_fields=["is_active"])
        actor.audit(
            membership.business,
            AuditEntry.Kind.STAFF,
            f"Deactivated {user.get_username()}: no roles, teams or permission",
        )


def change_staff(
    actor: Actor,
    membership: Membership,
    *,
    display_name: str | None,
    roles: Iterable[str],
    teams: Iterable[Team],
    leads: Iterable[Team],
) -> None:
    """A member's roles, teams, teams led and display name (None: keep it), the permission
    for the business as it is; roles again let an account this business deactivated in."""
    business, user = membership.business, membership.user
    with transaction.atomic():
        provision_staff(
            actor,
            business,
            user.get_username(),
            password=None,
            email=None,
            roles=roles,
            teams=teams,
            leads=leads,
            view_personal_details=holds_permission_here(user, business),
            display_name=display_name,
        )
        if roles:
            _reactivate(actor, membership)


def _reactivate(actor: Actor, membership: Membership) -> None:
    """Let an account that only this business deactivated sign in again."""
    user = membership.user
    if not user.is_active and works_only_for(user, membership.business):
        with transaction.atomic(), reveals_checked(actor, user.pk):
            user.is_active = True
            user.save(update_fields=["is_active"])
            actor.audit(
                membership.business,
                AuditEntry.Kind.STAFF,
                f"Let {user.get_username()} sign in again",
            )
