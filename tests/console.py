"""What the console's tests share: a business with staff, a bot with entities, an API key and
the conversation full of PII, and every URL of the console with the method that opens it."""

import pytest
from django.urls import reverse

from chatlinks.models import AuditEntry
from conversations.models import ApiKey, Business, Entity, Membership
from tests.factories import MembershipFactory
from tests.pii import planted_conversation_record
from tests.records import BUSINESS, import_ok, setup_records


@pytest.fixture
def business():
    """Acme: its support bot (pan_number and account_number personal, city not), a team, the
    agent acme-asha, and the planted conversation, opened once by the agent."""
    import_ok(*setup_records(), planted_conversation_record())
    business = Business.objects.get(slug=BUSINESS)
    ApiKey.issue(business)
    return business


@pytest.fixture
def admin(business):
    """An admin of the business, without the personal-details permission."""
    return MembershipFactory(business=business, admin=True, user__username="ada_admin")


@pytest.fixture
def agent(business):
    return Membership.objects.select_related("user").get(
        business=business, user__username=f"{BUSINESS}-asha"
    )


@pytest.fixture
def other_admin():
    """The admin of another business, with the permission there."""
    return MembershipFactory(admin=True, view_personal_details=True)


def console_urls(business):
    """(method, URL) of every page and action of the console, for objects of `business`."""
    slug = business.slug
    member = Membership.objects.filter(business=business).first()
    entity = Entity.objects.filter(bot__business=business).first()
    api_key = ApiKey.objects.filter(business=business).first()
    assert member and entity and api_key
    return [
        ("get", reverse("console-staff", args=[slug])),
        ("get", reverse("console-add-member", args=[slug])),
        ("post", reverse("console-add-member", args=[slug])),
        ("get", reverse("console-member", args=[slug, member.pk])),
        ("post", reverse("console-member", args=[slug, member.pk])),
        ("post", reverse("console-grant-personal-details", args=[slug, member.pk])),
        ("get", reverse("console-revoke-personal-details", args=[slug, member.pk])),
        ("post", reverse("console-revoke-personal-details", args=[slug, member.pk])),
        ("get", reverse("console-deactivate", args=[slug, member.pk])),
        ("post", reverse("console-deactivate", args=[slug, member.pk])),
        ("get", reverse("console-bots", args=[slug])),
        ("post", reverse("console-mark-personal", args=[slug, entity.pk])),
        ("get", reverse("console-mark-not-personal", args=[slug, entity.pk])),
        ("post", reverse("console-mark-not-personal", args=[slug, entity.pk])),
        ("get", reverse("console-api-keys", args=[slug])),
        ("post", reverse("console-create-api-key", args=[slug])),
        ("get", reverse("console-revoke-api-key", args=[slug, api_key.pk])),
        ("post", reverse("console-revoke-api-key", args=[slug, api_key.pk])),
        ("get", reverse("console-audit-log", args=[slug])),
        ("get", reverse("console-audit-log-csv", args=[slug])),
        ("get", reverse("console-settings", args=[slug])),
        ("post", reverse("console-settings", args=[slug])),
    ]


def changes_of(business, kind):
    return list(
        AuditEntry.objects.filter(business=business, kind=kind)
        .order_by("at", "id")
        .values_list("viewer__username", "what")
    )
