"""The Staff page: roles, teams, the permission, new members, deactivation, all audited."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEntry
from conversations.models import ApiKey, Membership, Team
from rules.access import Access, access_for
from tests.console_pages import changes_of
from tests.factories import PASSWORD, BusinessFactory, MembershipFactory, TeamFactory
from tests.pii import leaked

pytestmark = pytest.mark.django_db
STAFF, PERMISSION = AuditEntry.Kind.STAFF, AuditEntry.Kind.PERMISSION


def url(name, business, *args):
    return reverse(name, args=[business.slug, *args])


def access_of(membership):
    membership = Membership.objects.select_related("user", "business").get(pk=membership.pk)
    return access_for(membership.user, membership)


def test_lists_the_staff_with_roles_teams_and_the_permission(client, business, admin, agent):
    lead = MembershipFactory(
        business=business, team_lead=True, view_personal_details=True, user__first_name="Lena"
    )
    lead.leads.add(Team.objects.get(business=business, slug="cards"))
    client.force_login(admin.user)

    response = client.get(url("console-staff", business))

    body = response.content.decode()
    members = {m.user.username: grant for m, grant, _, _ in response.context["members"]}
    assert members == {"ada_admin": None, agent.user.username: None, lead.user.username: "here"}
    assert "Lena" in body and "Team lead" in body and "Cards" in body
    assert f'action="{url("console-revoke-personal-details", business, lead.pk)}"' in body
    assert leaked(body) == []


def test_a_platform_wide_grant_shows_but_is_not_revocable_here(client, business, admin):
    superuser = MembershipFactory(business=business, agent=True, user__is_superuser=True)
    client.force_login(admin.user)

    body = client.get(url("console-staff", business)).content.decode()

    assert "Granted by the platform operator" in body
    assert url("console-revoke-personal-details", business, superuser.pk) not in body


@pytest.mark.parametrize("count", [3, 40])
def test_constant_number_of_queries_and_pages(
    client, business, admin, django_assert_max_num_queries, count
):
    team = TeamFactory(business=business)
    for _ in range(count):
        member = MembershipFactory(business=business, agent=True, view_personal_details=True)
        member.teams.add(team)
        member.leads.add(team)
    client.force_login(admin.user)

    with django_assert_max_num_queries(15):
        response = client.get(url("console-staff", business))

    assert len(response.context["members"]) == min(count + 2, 25)
    assert response.context["page"].paginator.count == count + 2


def test_grant_after_a_confirmation_then_revoke_at_once(client, business, full_admin, agent):
    client.force_login(full_admin.user)
    assert access_of(agent) is Access.MASKED
    staff_page = client.get(url("console-staff", business)).content.decode()
    assert f'href="{url("console-grant-personal-details", business, agent.pk)}"' in staff_page

    # Granting reveals personal data: it asks first.
    confirmation = client.get(url("console-grant-personal-details", business, agent.pk))
    assert confirmation.status_code == 200
    assert b"Grant Chat Agent View Personal Details to acme-asha?" in confirmation.content
    assert access_of(agent) is Access.MASKED  # asking changes nothing

    client.post(url("console-grant-personal-details", business, agent.pk))
    assert access_of(agent) is Access.FULL

    # Revoking is the safe way: one button, no question.
    response = client.post(url("console-revoke-personal-details", business, agent.pk))
    assert response.status_code == 302
    assert access_of(agent) is Access.MASKED
    assert changes_of(business, PERMISSION) == [
        ("ada_admin", "Granted Chat Agent View Personal Details to acme-asha"),
        ("ada_admin", "Revoked Chat Agent View Personal Details from acme-asha"),
    ]


def test_revoke_requires_post(client, business, full_admin, agent):
    client.force_login(full_admin.user)
    client.post(url("console-grant-personal-details", business, agent.pk))

    assert client.get(url("console-revoke-personal-details", business, agent.pk)).status_code == 405
    assert access_of(agent) is Access.FULL


def test_add_a_member_who_then_signs_in(client, business, admin):
    client.force_login(admin.user)
    cards = Team.objects.get(business=business, slug="cards")

    response = client.post(
        url("console-add-member", business),
        {
            "username": "nina",
            "display_name": "Nina Rao",
            "email": "nina@acme.test",
            "password": "a-long-new-password-1",
            "roles": ["agent", "team_lead"],
            "teams": [cards.pk],
            "leads": [cards.pk],
        },
    )

    assert response.status_code == 302
    member = Membership.objects.get(business=business, user__username="nina")
    assert (member.is_agent, member.is_team_lead, member.is_admin) == (True, True, False)
    assert list(member.teams.all()) == [cards] == list(member.leads.all())
    assert member.user.get_full_name() == "Nina Rao"
    assert access_of(member) is Access.MASKED  # the permission is granted separately
    assert changes_of(business, STAFF) == [
        ("ada_admin", "Added nina as agent, team lead; teams Cards; leads Cards")
    ]
    client.logout()
    signed_in = client.post(
        reverse("login"), {"username": "nina", "password": "a-long-new-password-1"}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")


@pytest.mark.parametrize(
    "fields, field, error",
    [
        ({"username": "acme-asha"}, "username", "That username is taken; choose another."),
        ({"username": "bad name!"}, "username", None),
        ({"password": "123"}, "password", None),
        (
            {"password": ""},
            "password",
            "Give a password, or an email address to send an invitation to.",
        ),
    ],
    ids=["taken", "invalid username", "weak password", "no password"],
)
def test_adding_a_member_explains_what_is_wrong(client, business, admin, fields, field, error):
    client.force_login(admin.user)
    data = {"username": "nina", "password": "a-long-new-password-1", "roles": ["agent"], **fields}

    response = client.post(url("console-add-member", business), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    if error:
        assert response.context["form"].errors[field] == [error]
    assert not Membership.objects.filter(business=business, user__username="nina").exists()


def test_an_existing_account_of_another_business_is_never_taken_over(client, business, admin):
    stranger = MembershipFactory(user__username="stranger", agent=True)
    client.force_login(admin.user)

    client.post(
        url("console-add-member", business),
        {"username": "stranger", "password": "a-long-new-password-1", "roles": ["admin"]},
    )

    assert not Membership.objects.filter(business=business, user=stranger.user).exists()
    stranger.user.refresh_from_db()
    assert stranger.user.check_password(PASSWORD)


def test_change_roles_teams_and_display_name(client, business, admin, agent):
    client.force_login(admin.user)
    cards = Team.objects.get(business=business, slug="cards")
    form = client.get(url("console-member", business, agent.pk)).context["form"]
    assert form.initial["roles"] == ["agent"] and form.initial["teams"] == [cards]

    client.post(
        url("console-member", business, agent.pk),
        {"display_name": "Asha Menon", "roles": ["agent", "team_lead"], "leads": [cards.pk]},
    )

    agent.refresh_from_db()
    agent.user.refresh_from_db()
    assert (agent.is_agent, agent.is_team_lead) == (True, True)
    assert list(agent.teams.all()) == [] and list(agent.leads.all()) == [cards]
    assert agent.user.get_full_name() == "Asha Menon"
    assert changes_of(business, STAFF) == [
        (
            "ada_admin",
            "Changed acme-asha: roles agent → agent, team lead; teams Cards → none; "
            "leads none → Cards; display name none → Asha Menon",
        )
    ]


def test_saving_unchanged_writes_no_audit_entry(client, business, admin, agent):
    client.force_login(admin.user)
    cards = Team.objects.get(business=business, slug="cards")

    client.post(
        url("console-member", business, agent.pk), {"roles": ["agent"], "teams": [cards.pk]}
    )

    assert changes_of(business, STAFF) == []


def test_the_display_name_of_someone_working_elsewhere_too_is_the_operators(
    client, business, admin
):
    shared = MembershipFactory(business=business, agent=True, user__first_name="Multi")
    MembershipFactory(user=shared.user, business=BusinessFactory(), agent=True)
    client.force_login(admin.user)

    form = client.get(url("console-member", business, shared.pk)).context["form"]
    client.post(
        url("console-member", business, shared.pk), {"display_name": "Renamed", "roles": ["admin"]}
    )

    assert form.fields["display_name"].disabled
    shared.refresh_from_db()
    shared.user.refresh_from_db()
    assert shared.user.get_full_name() == "Multi" and shared.is_admin


def test_an_admin_cannot_take_away_their_own_admin_role(client, business, admin):
    client.force_login(admin.user)

    response = client.post(url("console-member", business, admin.pk), {"roles": ["agent"]})

    assert "You cannot take away your own admin role" in str(response.context["form"].errors)
    admin.refresh_from_db()
    assert admin.is_admin


def test_deactivate_with_a_confirmation(client, business, admin, agent):
    client.force_login(admin.user)
    client.post(url("console-grant-personal-details", business, agent.pk))

    confirmation = client.get(url("console-deactivate", business, agent.pk))
    agent.refresh_from_db()
    assert confirmation.status_code == 200 and agent.roles == ["agent"]

    client.post(url("console-deactivate", business, agent.pk))

    agent.refresh_from_db()
    agent.user.refresh_from_db()
    assert agent.roles == [] and list(agent.teams.all()) == []
    assert access_of(agent) is Access.NONE
    assert not agent.user.is_active  # they worked for this business only
    assert changes_of(business, STAFF)[-1] == (
        "ada_admin",
        "Deactivated acme-asha: no roles, teams or permission",
    )
    # Roles again bring them back.
    client.post(url("console-member", business, agent.pk), {"roles": ["agent"]})
    agent.user.refresh_from_db()
    assert agent.user.is_active
    assert client.get(url("console-staff", business)).status_code == 200


def test_deactivating_someone_who_works_elsewhere_too_leaves_their_account(client, business, admin):
    shared = MembershipFactory(business=business, agent=True)
    elsewhere = MembershipFactory(user=shared.user, business=BusinessFactory(), agent=True)
    client.force_login(admin.user)

    client.post(url("console-deactivate", business, shared.pk))

    shared.user.refresh_from_db()
    elsewhere.refresh_from_db()
    assert shared.user.is_active and elsewhere.roles == ["agent"]


def test_an_admin_cannot_deactivate_themselves(client, business, admin):
    client.force_login(admin.user)

    response = client.post(url("console-deactivate", business, admin.pk))

    admin.refresh_from_db()
    assert response.status_code == 302 and admin.is_admin
    assert get_user_model().objects.get(pk=admin.user_id).is_active


def test_display_names_come_in_with_staff_records(run_import, business):
    result = run_import(
        {
            "type": "staff",
            "business": business.slug,
            "username": "acme-asha",
            "display_name": "Asha Menon",
            "roles": ["agent"],
        },
        {"type": "staff", "business": business.slug, "username": "acme-asha", "roles": ["agent"]},
    )

    assert result.ok, result.errors
    assert get_user_model().objects.get(username="acme-asha").get_full_name() == "Asha Menon"


def test_an_admin_without_the_permission_cannot_reveal_personal_data(
    client, business, admin, agent
):
    """Not to themselves, nor through another member, an entity or an API key's records."""
    client.force_login(admin.user)
    pan = business.bots.get(slug="support").entities.get(name="pan_number")
    keys = ApiKey.objects.count()

    refused = [
        client.post(url("console-grant-personal-details", business, admin.pk)),
        client.post(url("console-grant-personal-details", business, agent.pk)),
        client.get(url("console-mark-not-personal", business, pan.pk)),
        client.post(url("console-mark-not-personal", business, pan.pk)),
        client.post(url("console-create-api-key", business)),
    ]

    assert [response.status_code for response in refused] == [403] * 5
    assert b"Only an admin who holds Chat Agent View Personal Details" in refused[0].content
    assert access_of(admin) is access_of(agent) is Access.MASKED
    pan.refresh_from_db()
    assert pan.personal and ApiKey.objects.count() == keys
    staff_page = client.get(url("console-staff", business)).content.decode()
    assert "console-grant" not in staff_page and "/grant/" not in staff_page
