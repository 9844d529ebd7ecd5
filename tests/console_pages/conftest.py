"""The fixtures the console's tests share: a business with staff, a bot with entities, an API
key and the conversation full of PII; the admins of it and of another business."""

import pytest
from guardian.shortcuts import assign_perm

from conversations.models import PERSONAL_DETAILS_PERM, ApiKey, Business, Membership
from tests.factories import MembershipFactory
from tests.pii import planted_conversation_record
from tests.records import BUSINESS, import_ok, setup_records
from tests.shared_db import shared_business


def imported():
    import_ok(*setup_records(), planted_conversation_record())
    business = Business.objects.get(slug=BUSINESS)
    ApiKey.issue(business)
    return business.pk


# Acme: its support bot (pan_number and account_number personal, city not), a team, the
# agent acme-asha, an API key and the planted conversation, opened once by the agent.
business_pk, business = shared_business(imported)


@pytest.fixture
def admin(business):
    """An admin of the business, without the personal-details permission."""
    return MembershipFactory(business=business, admin=True, user__username="ada_admin")


@pytest.fixture
def full_admin(business, admin):
    """The same admin, holding the permission: only they may reveal personal data to others
    (grant the permission, stop masking an entity, create an API key)."""
    assign_perm(PERSONAL_DETAILS_PERM, admin.user, business)
    return admin


@pytest.fixture
def agent(business):
    return Membership.objects.select_related("user").get(
        business=business, user__username=f"{BUSINESS}-asha"
    )


@pytest.fixture
def other_admin():
    """The admin of another business, with the permission there."""
    return MembershipFactory(admin=True, view_personal_details=True)
