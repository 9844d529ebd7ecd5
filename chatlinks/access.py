"""Who may open which conversation, and how much of its personal data they see.

Every page that shows a conversation or its user asks this module, so the rule is the same
on the chat page, the lists, the analytics and the exports.
"""

import enum

from django.core.exceptions import PermissionDenied
from django.db.models import Subquery
from django.http import Http404

from conversations.models import Conversation, Membership

PERSONAL_DETAILS_PERM = "conversations.view_personal_details"


class Access(enum.IntEnum):
    NONE = 0
    # Intelligent Analytics only: the transcript, masked, and no personal details at all.
    ANALYTICS = 1
    # Smart Agent Chat staff without the permission: personal details shown as placeholders.
    MASKED = 2
    FULL = 3

    @property
    def masked(self):
        return self != Access.FULL

    @property
    def shows_personal_fields(self):
        """Whether the user-details panel lists name, email, phone and personal entities."""
        return self >= Access.MASKED


def may_view_personal_details(user, business):
    """The permission, granted for this business (guardian) or globally, or as superuser."""
    return user.has_perm(PERSONAL_DETAILS_PERM) or user.has_perm(PERSONAL_DETAILS_PERM, business)


_UNKNOWN = object()


def membership_of(user, business):
    """The user's staff membership of `business`, or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, business=business).select_related("business").first()
    )


def access_for(user, business, membership=_UNKNOWN):
    """The view `user` gets of `business`'s conversations.

    Pass the user's membership of the business (or None for none) if the caller has it.
    """
    if not user.is_authenticated or not user.is_active:
        return Access.NONE
    if user.is_superuser:
        return Access.FULL
    if membership is _UNKNOWN:
        membership = membership_of(user, business)
    if membership is None:
        return Access.NONE
    if not membership.is_smart_agent_chat_staff:
        # Analysts see no personal data even if someone granted them the permission.
        return Access.ANALYTICS
    if may_view_personal_details(user, business):
        return Access.FULL
    return Access.MASKED


def conversation_access(user, conversation):
    return access_for(user, conversation.business)


def openable_conversations(user, queryset=None):
    """Narrow `queryset` (default: all conversations) to those `user` may open at all."""
    if queryset is None:
        queryset = Conversation.objects.all()
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    businesses = Membership.objects.filter(user=user).values("business_id")
    return queryset.filter(business_id__in=Subquery(businesses))


def section_membership(request, business_slug, section):
    """The signed-in user's membership of a business, for a page of `section` (a Section).

    It is also kept as `request.membership`, from which the page header builds its menu.

    404 when they are not staff of that business (or it does not exist), so a URL never tells
    outsiders which businesses exist; 403 with a reason when their roles there lack the section.
    """
    membership = (
        Membership.objects.filter(user=request.user, business__slug=business_slug)
        .select_related("business")
        .first()
    )
    if membership is None:
        raise Http404
    if not section.allows(membership):
        raise PermissionDenied(
            f"Your roles in {membership.business.name} do not include {section.title}."
        )
    request.membership = membership
    return membership
