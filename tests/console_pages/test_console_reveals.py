"""Access changes are reveals: whatever turns someone's view of personal data to full (a grant,
a role that makes a permission holder Smart Agent Chat staff, an account let in again, an
entity made not personal, an API key) is refused to an actor who does not see that data in
full, on every path: the console, the import, the Django admin. The writer refuses it, so no
path can skip the check."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from conversations.models import ApiKey, Business, Entity, Membership
from ingest.actors import Actor
from ingest.importer import import_records
from rules.access import Access, access_for
from tests.admin_forms import bot_form
from tests.factories import MembershipFactory, UserFactory
from tests.records import bot_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(business):
    """An analyst who holds the permission, unused: analysts never see personal data."""
    return MembershipFactory(business=business, analyst=True, view_personal_details=True)


@pytest.fixture
def returning_holder(business):
    """A member deactivated here, who holds the permission platform-wide."""
    member = MembershipFactory(business=business, user__is_active=False)
    member.user.user_permissions.add(Permission.objects.get(codename="view_personal_details"))
    return member


def state(business):
    """Everything a reveal would change: each member's view, the entities, the keys."""
    views = {
        membership.user.username: access_for(
            membership.user.__class__.objects.get(pk=membership.user_id), membership
        )
        for membership in Membership.objects.filter(business=business).select_related("user")
    }
    entities = dict(Entity.objects.filter(bot__business=business).values_list("name", "personal"))
    return views, entities, ApiKey.objects.filter(business=business).count()


def console_reveals(client, business, admin, agent, analyst, returning_holder):
    slug = business.slug
    pan = Entity.objects.get(bot__business=business, bot__slug="support", name="pan_number")
    client.force_login(admin.user)
    return [
        client.post(reverse("console-grant-personal-details", args=[slug, agent.pk])),
        client.post(reverse("console-grant-personal-details", args=[slug, admin.pk])),
        client.post(
            reverse("console-member", args=[slug, analyst.pk]), {"roles": ["analyst", "agent"]}
        ),
        client.post(
            reverse("console-member", args=[slug, analyst.pk]), {"roles": ["analyst", "team_lead"]}
        ),
        client.post(
            reverse("console-member", args=[slug, returning_holder.pk]), {"roles": ["agent"]}
        ),
        client.post(reverse("console-mark-not-personal", args=[slug, pan.pk])),
        client.post(reverse("console-create-api-key", args=[slug])),
    ]


def import_reveals(business, admin, agent, analyst):
    staff = {"type": "staff", "business": business.slug}
    records = [
        {
            **staff,
            "username": agent.user.username,
            "roles": ["agent"],
            "view_personal_details": True,
        },
        {
            **staff,
            "username": analyst.user.username,
            "roles": ["analyst", "agent"],
            "view_personal_details": True,
        },
        bot_record(entities={"pan_number": False, "account_number": True, "city": False}),
    ]
    result = import_records(
        ((f"record {n}", record) for n, record in enumerate(records)), Actor.staff(admin.user)
    )
    return result


def operator_without_the_permission():
    operator = UserFactory(is_staff=True)
    operator.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "view_membership",
                "change_membership",
                "view_bot",
                "change_bot",
                "view_entity",
                "add_entity",
                "change_entity",
                "delete_entity",
                "view_user",
                "change_user",
            ]
        )
    )
    return operator


def django_admin_reveals(client, business, agent, analyst):
    client.force_login(operator_without_the_permission())
    bot = business.bots.get(slug="support")
    bot_data = bot_form(bot, {})  # none personal any more
    masked_agent = agent.user
    user_form = {
        "username": masked_agent.username,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "is_active": "on",
        "user_permissions": [Permission.objects.get(codename="view_personal_details").pk],
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    return [
        client.post(
            f"/admin/conversations/membership/{analyst.pk}/change/",
            {
                "user": analyst.user_id,
                "business": business.pk,
                "is_analyst": "on",
                "is_agent": "on",
            },
        ),
        client.post(f"/admin/conversations/bot/{bot.pk}/change/", bot_data),
        client.post(f"/admin/auth/user/{masked_agent.pk}/change/", user_form),
    ]


def test_a_masked_admin_reveals_nothing_on_any_path(
    client, business, admin, agent, analyst, returning_holder
):
    before = state(business)

    console = console_reveals(client, business, admin, agent, analyst, returning_holder)
    imported = import_reveals(business, admin, agent, analyst)
    django_admin = django_admin_reveals(client, business, agent, analyst)

    assert [response.status_code for response in console] == [403] * len(console)
    assert [response.status_code for response in django_admin] == [403] * len(django_admin)
    assert [(r.locator, r.field) for r in imported.rejections] == [
        ("record 0", "staff"),
        ("record 1", "staff"),
        ("record 2", "bot"),
    ]
    assert "sees its personal data in full" in imported.rejections[0].reason
    assert state(business) == before
    views = before[0]
    assert views[analyst.user.username] is Access.ANALYTICS
    assert views[returning_holder.user.username] is Access.NONE


def test_an_admin_who_sees_in_full_may_make_those_changes(
    client, business, full_admin, analyst, returning_holder
):
    client.force_login(full_admin.user)
    slug = business.slug

    client.post(reverse("console-member", args=[slug, analyst.pk]), {"roles": ["analyst", "agent"]})
    client.post(reverse("console-member", args=[slug, returning_holder.pk]), {"roles": ["agent"]})

    views = state(business)[0]
    assert views[analyst.user.username] is Access.FULL
    assert views[returning_holder.user.username] is Access.FULL


def test_changes_that_reveal_nothing_stay_open_to_a_masked_admin(client, business, admin, agent):
    """Roles of someone without the permission, and masking more, need no permission."""
    client.force_login(admin.user)
    city = Entity.objects.get(bot__business=business, bot__slug="support", name="city")

    client.post(
        reverse("console-member", args=[business.slug, agent.pk]), {"roles": ["agent", "team_lead"]}
    )
    client.post(reverse("console-mark-personal", args=[business.slug, city.pk]))

    agent.refresh_from_db()
    city.refresh_from_db()
    assert agent.is_team_lead and city.personal
    assert Business.objects.get(pk=business.pk).memberships.count() == 2
