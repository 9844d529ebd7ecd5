"""Who may open which business page and conversation, and how much personal data they see.

Every page asks this module, so the rule is the same on the chat page, the lists, the
analytics, the exports and the administration pages. The role table (README, "Who sees what"):

| membership of the business           | chat links                     | business pages        |
|--------------------------------------|--------------------------------|-----------------------|
| none (any user, superusers included) | 404                            | 404                   |
| a membership with no roles           | 404                            | 403, naming the page  |
| agent, team lead or admin, with      | FULL                           | their sections        |
|   "Chat Agent View Personal Details" |                                |                       |
| agent, team lead or admin, without   | MASKED                         | their sections        |
| analyst only                         | ANALYTICS: masked, no details  | Intelligent Analytics |

* The permission counts when granted for the business (guardian) or globally; superusers
  hold every permission, so a superuser who is Smart Agent Chat staff of a business sees it
  in full. Being a superuser opens no business by itself: platform operators work in the
  Django admin, and a business's pages and links follow its memberships alone.
* Analysts see no personal data even when someone granted them the permission.
* Intelligent Analytics pages show no personal data to anyone (Access.ANALYTICS).
* Inactive users are treated as signed out.
* Step-up: a business that requires a second factor (Business.require_second_factor, on by
  default) shows a FULL viewer what a MASKED one sees until they have verified a second
  factor in this session (`access_in_session`); every page, CSV, search, update and
  attachment asks the one Viewer made from it. A second factor the identity provider says
  the person used at a single sign-on counts only where the business trusts it
  (Business.trust_idp_second_factor, off by default).
* Only staff with FULL access may reveal personal data to others (`may_reveal_personal_data`):
  grant the permission, give a holder an agent, team lead or admin role, mark an entity not
  personal, issue an API key. The writer enforces it whatever the path (ingest.actors).
"""

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from conversations.models import PERSONAL_DETAILS_PERM, Business, Membership, Role
from rules.sections import Section

SMART_AGENT_CHAT_ROLES = (Role.AGENT, Role.TEAM_LEAD, Role.ADMIN)


class Access(enum.IntEnum):
    NONE = 0
    # Intelligent Analytics only: the transcript, masked, and no personal details at all.
    ANALYTICS = 1
    # Smart Agent Chat staff without the permission: personal details shown as placeholders.
    MASKED = 2
    FULL = 3

    @property
    def masked(self) -> bool:
        return self != Access.FULL

    @property
    def may_reveal_personal_data(self) -> bool:
        """See `may_reveal_personal_data`: only who sees personal data in full."""
        return self is Access.FULL

    @property
    def shows_personal_fields(self) -> bool:
        """Whether the user-details panel lists name, email, phone and personal entities."""
        return self >= Access.MASKED

    @property
    def sees_private_notes(self) -> bool:
        """Agents' internal notes are for Smart Agent Chat staff, never for analysts."""
        return self >= Access.MASKED


def may_view_personal_details(user: Any, business: Business) -> bool:
    """The permission, granted for this business (guardian) or globally, or as superuser."""
    return bool(
        user.has_perm(PERSONAL_DETAILS_PERM) or user.has_perm(PERSONAL_DETAILS_PERM, business)
    )


def may_reveal_personal_data(user: Any, membership: Membership) -> bool:
    """Whether `user` may give others sight of personal data: grant the permission, mark an
    entity not personal, or issue an API key (whose bot records can do either). Only someone
    who sees it in full may; otherwise an admin without the permission would unmask it all
    by granting it to themselves."""
    return access_for(user, membership).may_reveal_personal_data


def membership_of(user: Any, business: Business) -> Membership | None:
    """The active user's staff membership of `business`, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    membership = Membership.objects.filter(user=user, business=business).first()
    if membership is not None:
        membership.user, membership.business = user, business  # both loaded already
    return membership


def access_for(user: Any, membership: Membership | None) -> Access:
    """The view `user`, with `membership` of a business (or None), gets of its conversations."""
    if membership is None or not user.is_authenticated or not user.is_active:
        return Access.NONE
    if any(membership.has_role(role) for role in SMART_AGENT_CHAT_ROLES):
        if may_view_personal_details(user, membership.business):
            return Access.FULL
        return Access.MASKED
    if membership.has_role(Role.ANALYST):
        return Access.ANALYTICS
    return Access.NONE


def access_in_session(
    entitled: Access,
    business: Business,
    *,
    second_factor_verified: bool,
    idp_second_factor: bool = False,
) -> Access:
    """The view a member `entitled` to it (access_for) gets in a session that has, or has not,
    verified a second factor: FULL turns MASKED while the business requires the factor and the
    session has not verified it (the pages then offer to verify: no lock-out). A session signed
    in by an identity provider that vouched for a second factor (`idp_second_factor`) counts
    as verified only for a business that trusts it."""
    verified = second_factor_verified or (idp_second_factor and business.trust_idp_second_factor)
    if entitled is Access.FULL and business.require_second_factor and not verified:
        return Access.MASKED
    return entitled


def section_membership(user: Any, business_slug: str, section: Section) -> Membership:
    """The user's membership of a business, for a page of `section`.

    404 when they are not staff of that business (or it does not exist), so a URL never tells
    outsiders which businesses exist; 403 with a reason when their roles there lack the section.
    """
    membership = (
        Membership.objects.filter(user=user, business__slug=business_slug)
        .select_related("business")
        .first()
    )
    if membership is None or not user.is_active:
        raise Http404
    membership.user = user  # already loaded: the page header starts from it
    if not section.allows(membership):
        raise PermissionDenied(
            f"Your roles in {membership.business.name} do not include {section.title}."
        )
    return membership


View = Callable[..., HttpResponse]


def business_page(
    section: Section,
    hand: Callable[[HttpRequest, Membership], Any] = lambda request, membership: membership,
) -> Callable[[View], View]:
    """For signed-in staff whose roles in the URL's business open `section`: the view is
    called with what `hand` makes of the request and their membership (by default the
    membership itself, with its business; rules.viewer.viewer_page hands a Viewer) instead of
    the business's slug.

    Every such page may show personal data to someone, so none is kept by a browser or a
    shared cache (Cache-Control: private, no-store), whatever it answers."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, business: str, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = section_membership(request.user, business, section)
            response = view(request, hand(request, membership), *args, **kwargs)
            patch_cache_control(response, private=True, no_store=True)
            return response

        wrapped.business_section = section  # type: ignore[attr-defined]
        return wrapped

    return decorator
