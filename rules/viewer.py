"""Who is looking, resolved once per request: their membership, access and presenter.

The page guards (`viewer_page`, and the chat page's in chats.views) make one `Viewer` and
hand it to the view; views, helpers and templates ask it what the viewer may do by name
(`sees_personal_data`, `may_reveal_personal_data`, `sees_private_notes`, ...), never by
working it out again from the membership or from what is masked.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from conversations.models import Business, Membership
from rules.access import Access, View, access_for, access_in_session, business_page
from rules.presenter import Presenter
from rules.sections import Section

# The session key under which a single sign-on (signin.sso) notes that the identity provider
# vouched for a second factor; whether that counts is the business's (access_in_session).
IDP_SECOND_FACTOR_SESSION_KEY = "signin_idp_second_factor"


@dataclass(frozen=True)
class Viewer:
    """One viewer of one business's conversations (README, "Who sees what")."""

    user: Any
    membership: Membership | None
    business: Business
    access: Access
    presenter: Presenter
    # An external share link: anyone who has it, always masked, one conversation only.
    through_share_link: bool = False
    # A full viewer shown it masked until they verify a second factor in this session.
    awaits_second_factor: bool = False

    @classmethod
    def of(
        cls,
        user: Any,
        membership: Membership | None,
        business: Business,
        *,
        second_factor_verified: bool,
        idp_second_factor: bool = False,
    ) -> "Viewer":
        """`user`, with `membership` of `business` (or None), in a session that has or has not
        verified a second factor (or been vouched for by the identity provider)."""
        entitled = access_for(user, membership)
        access = access_in_session(
            entitled,
            business,
            second_factor_verified=second_factor_verified,
            idp_second_factor=idp_second_factor,
        )
        return cls(
            user,
            membership,
            business,
            access,
            Presenter(access, business),
            awaits_second_factor=access is not entitled,
        )

    @classmethod
    def of_membership(cls, membership: Membership, *, second_factor_verified: bool) -> "Viewer":
        """The member themselves (the page guard has loaded its user and business)."""
        return cls.of(
            membership.user,
            membership,
            membership.business,
            second_factor_verified=second_factor_verified,
        )

    @classmethod
    def through_link(cls, user: Any, business: Business) -> "Viewer":
        """Whoever opens an external share link, signed in or not: masked, as any link."""
        return cls(user, None, business, Access.MASKED, Presenter(Access.MASKED, business), True)

    def for_analytics(self) -> "Viewer":
        """This viewer as Intelligent Analytics shows its pages to anyone: no personal data,
        whatever their own access (a page or CSV is the same for every analyst and admin)."""
        return dataclasses.replace(
            self, access=Access.ANALYTICS, presenter=Presenter(Access.ANALYTICS, self.business)
        )

    @property
    def may_open(self) -> bool:
        """Whether they may open the business's conversations at all."""
        return self.access is not Access.NONE

    @property
    def sees_personal_data(self) -> bool:
        """Texts, names and user details as imported, searched as such; attachments open."""
        return self.access is Access.FULL

    @property
    def may_reveal_personal_data(self) -> bool:
        """Give others sight of personal data (rules.access.may_reveal_personal_data)."""
        return self.access.may_reveal_personal_data

    @property
    def may_share_by_link(self) -> bool:
        """Make and revoke a conversation's external share links: full viewers only."""
        return self.sees_personal_data and not self.through_share_link

    @property
    def shows_personal_fields(self) -> bool:
        """The user-details panel lists name, email, phone and personal entities (masked or
        not); analytics-only viewers get none of them."""
        return self.access.shows_personal_fields

    @property
    def sees_private_notes(self) -> bool:
        """Agents' internal notes: for Smart Agent Chat staff, never through a share link."""
        return self.access.sees_private_notes and not self.through_share_link

    @property
    def sees_other_conversations(self) -> bool:
        """The chat page leads to the previous and next conversation; a share link does not."""
        return not self.through_share_link


def viewer_of_request(
    request: HttpRequest, membership: Membership | None, business: Business
) -> Viewer:
    """The page guards' one Viewer of a request: whether its session has verified a second
    factor is django-otp's (OTPMiddleware), or the identity provider's at a single sign-on
    (IDP_SECOND_FACTOR_SESSION_KEY). A viewer who awaits that verification is offered
    it on every page (`request.awaits_second_factor`, read by base.html's banner)."""
    viewer = Viewer.of(
        request.user,
        membership,
        business,
        second_factor_verified=request.user.is_verified(),  # type: ignore[union-attr]
        idp_second_factor=bool(request.session.get(IDP_SECOND_FACTOR_SESSION_KEY)),
    )
    request.awaits_second_factor = viewer.awaits_second_factor  # type: ignore[attr-defined]
    return viewer


def viewer_page(section: Section) -> Callable[[View], View]:
    """`business_page`, handing the view the member's `Viewer` instead of their membership."""
    return business_page(
        section,
        lambda request, membership: viewer_of_request(request, membership, membership.business),
    )
