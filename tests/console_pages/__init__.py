"""The business admin's console: one test module per page, fixtures in conftest.py."""

from django.urls import reverse

from audit.models import ActorKind, AuditEntry
from conversations.models import ApiKey, EndUser, Entity, Membership


def console_urls(business):
    """(method, URL) of every page and action of the console, for objects of `business`."""
    slug = business.slug
    member = Membership.objects.filter(business=business).first()
    entity = Entity.objects.filter(bot__business=business).first()
    api_key = ApiKey.objects.filter(business=business).first()
    end_user = EndUser.objects.filter(business=business).first()
    assert member and entity and api_key and end_user
    return [
        ("get", reverse("console-staff", args=[slug])),
        ("get", reverse("console-add-member", args=[slug])),
        ("post", reverse("console-add-member", args=[slug])),
        ("get", reverse("console-member", args=[slug, member.pk])),
        ("post", reverse("console-member", args=[slug, member.pk])),
        ("get", reverse("console-grant-personal-details", args=[slug, member.pk])),
        ("post", reverse("console-grant-personal-details", args=[slug, member.pk])),
        ("post", reverse("console-revoke-personal-details", args=[slug, member.pk])),
        ("get", reverse("console-deactivate", args=[slug, member.pk])),
        ("post", reverse("console-deactivate", args=[slug, member.pk])),
        ("post", reverse("console-email-password-link", args=[slug, member.pk])),
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
        ("get", reverse("console-privacy", args=[slug])),
        ("post", reverse("console-privacy-export", args=[slug, end_user.pk])),
        ("get", reverse("console-privacy-erase", args=[slug, end_user.pk])),
        ("post", reverse("console-privacy-erase", args=[slug, end_user.pk])),
    ]


def changes_of(business, kind):
    """The changes of `kind` that staff made in the console (the imports made their own)."""
    return list(
        AuditEntry.objects.filter(business=business, kind=kind, actor_kind=ActorKind.STAFF)
        .order_by("at", "id")
        .values_list("viewer__username", "what")
    )
