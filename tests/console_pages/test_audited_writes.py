"""Actions that audit themselves: every write path that changes staff, permissions, entities,
settings or API keys (the console, the import API, `import_data`, `api_key`, the Django admin)
goes through a writer action that writes the business's audit entry, naming its actor, in the
same transaction: one entry a change, whoever made it."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import ActorKind, AuditEntry
from conversations.models import ApiKey, Entity, Team
from tests.admin_forms import bot_form
from tests.factories import UserFactory
from tests.records import BUSINESS, bot_record

pytestmark = pytest.mark.django_db

SETTINGS, STAFF, PERMISSION, API_KEY = (
    AuditEntry.Kind.SETTINGS,
    AuditEntry.Kind.STAFF,
    AuditEntry.Kind.PERMISSION,
    AuditEntry.Kind.API_KEY,
)
NOT_PERSONAL = {"pan_number": False, "account_number": True, "city": False}


def entity(business, name):
    return Entity.objects.get(bot__business=business, bot__slug="support", name=name)


def console(client, business, full_admin, agent):
    client.force_login(full_admin.user)
    return client


def by_console_entity(client, business, full_admin, agent):
    console(client, business, full_admin, agent).post(
        reverse("console-mark-personal", args=[business.slug, entity(business, "city").pk])
    )
    return (
        ActorKind.STAFF,
        full_admin.user.username,
        SETTINGS,
        "Marked entity city of bot support personal",
    )


def by_console_grant(client, business, full_admin, agent):
    console(client, business, full_admin, agent).post(
        reverse("console-grant-personal-details", args=[business.slug, agent.pk])
    )
    what = f"Granted Chat Agent View Personal Details to {agent.user.username}"
    return ActorKind.STAFF, full_admin.user.username, PERMISSION, what


def by_console_api_key(client, business, full_admin, agent):
    console(client, business, full_admin, agent).post(
        reverse("console-create-api-key", args=[business.slug]), {"name": "Zendesk bot"}
    )
    return ActorKind.STAFF, full_admin.user.username, API_KEY, "Created API key Zendesk bot (cl_"


def by_console_settings(client, business, full_admin, agent):
    console(client, business, full_admin, agent).post(
        reverse("console-settings", args=[business.slug]),
        {"name": business.name, "timezone": "UTC"},
    )
    return ActorKind.STAFF, full_admin.user.username, SETTINGS, "time zone Asia/Kolkata → UTC"


def by_import_api(client, business, full_admin, agent):
    api_key, raw_key = ApiKey.issue(business)
    response = client.post(
        "/api/v1/import",
        json.dumps(bot_record(entities=NOT_PERSONAL)),
        content_type="application/json",
        headers={"authorization": f"Bearer {raw_key}"},
    )
    assert response.status_code == 200, response.json()
    what = "Marked entity pan_number of bot support not personal"
    return ActorKind.API_KEY, f"{api_key.prefix}…", SETTINGS, what


def by_import_data(client, business, full_admin, agent, tmp_path):
    path = tmp_path / "staff.jsonl"
    staff = {
        "type": "staff",
        "business": BUSINESS,
        "username": agent.user.username,
        "roles": ["agent"],
        "teams": ["cards"],
        "view_personal_details": True,
    }
    path.write_text(json.dumps(staff) + "\n")
    call_command("import_data", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    what = f"Granted Chat Agent View Personal Details to {agent.user.username}"
    return ActorKind.COMMAND, "manage.py import_data", PERMISSION, what


def by_api_key_command(client, business, full_admin, agent):
    call_command(
        "api_key", BUSINESS, "--name", "Zendesk bot", stdout=io.StringIO(), stderr=io.StringIO()
    )
    return ActorKind.COMMAND, "manage.py api_key", API_KEY, "Created API key Zendesk bot (cl_"


def operator(client):
    user = UserFactory(is_staff=True, is_superuser=True, username="platform_op")
    client.force_login(user)
    return user.username


def by_django_admin_entities(client, business, full_admin, agent):
    name = operator(client)
    bot = business.bots.get(slug="support")
    data = bot_form(bot, NOT_PERSONAL)
    assert client.post(f"/admin/conversations/bot/{bot.pk}/change/", data).status_code == 302
    what = "Marked entity pan_number of bot support not personal"
    return ActorKind.OPERATOR, name, SETTINGS, what


def by_django_admin_membership(client, business, full_admin, agent):
    name = operator(client)
    cards = Team.objects.get(business=business, slug="cards")
    data = {
        "user": agent.user_id,
        "business": business.pk,
        "is_agent": "on",
        "is_team_lead": "on",
        "teams": [cards.pk],
    }
    response = client.post(f"/admin/conversations/membership/{agent.pk}/change/", data)
    assert response.status_code == 302
    what = f"Changed {agent.user.username}: roles agent → agent, team lead"
    return ActorKind.OPERATOR, name, STAFF, what


def by_django_admin_business(client, business, full_admin, agent):
    name = operator(client)
    data = {"name": "Acme Bank", "timezone": business.timezone}
    assert (
        client.post(f"/admin/conversations/business/{business.pk}/change/", data).status_code == 302
    )
    return ActorKind.OPERATOR, name, SETTINGS, "name Acme → Acme Bank"


def by_django_admin_api_key(client, business, full_admin, agent):
    name = operator(client)
    api_key = ApiKey.objects.filter(business=business).first()
    data = {"action": "revoke", "_selected_action": [api_key.pk]}
    assert client.post("/admin/conversations/apikey/", data).status_code == 302
    return ActorKind.OPERATOR, name, API_KEY, f"Revoked API key {api_key.label}"


def by_django_admin_team(client, business, full_admin, agent):
    name = operator(client)
    team = Team.objects.get(business=business, slug="cards")
    data = {"name": "Card services"}
    assert client.post(f"/admin/conversations/team/{team.pk}/change/", data).status_code == 302
    return ActorKind.OPERATOR, name, SETTINGS, "Renamed team cards: Cards → Card services"


WRITE_PATHS = [
    by_console_entity,
    by_console_grant,
    by_console_api_key,
    by_console_settings,
    by_import_api,
    by_import_data,
    by_api_key_command,
    by_django_admin_entities,
    by_django_admin_membership,
    by_django_admin_business,
    by_django_admin_api_key,
    by_django_admin_team,
]


@pytest.mark.parametrize("write", WRITE_PATHS)
def test_every_write_path_audits_its_change_once_with_its_actor(
    write, client, business, full_admin, agent, tmp_path
):
    before = set(AuditEntry.objects.values_list("pk", flat=True))

    if write is by_import_data:
        expected = write(client, business, full_admin, agent, tmp_path)
    else:
        expected = write(client, business, full_admin, agent)

    actor_kind, actor_name, kind, what = expected
    new = list(
        AuditEntry.objects.exclude(pk__in=before)
        .filter(kind__in=[SETTINGS, STAFF, PERMISSION, API_KEY])
        .values_list("business__slug", "actor_kind", "actor_name", "kind", "what")
    )
    assert len(new) == 1, new
    [(slug, entry_actor_kind, entry_actor_name, entry_kind, entry_what)] = new
    assert (slug, entry_actor_kind, entry_kind) == (BUSINESS, actor_kind, kind)
    assert entry_actor_name == actor_name
    assert entry_what.startswith(what), entry_what


def test_an_api_key_marking_an_entity_not_personal_shows_in_the_audit_log(
    client, business, full_admin, agent
):
    _, key_name, _, what = by_import_api(client, business, full_admin, agent)
    client.force_login(full_admin.user)

    page = client.get(reverse("console-audit-log", args=[business.slug]))
    exported = client.get(reverse("console-audit-log-csv", args=[business.slug]))

    body = page.content.decode()
    assert f"API key {key_name}" in body and what in body
    csv = b"".join(exported).decode()
    assert f"API key {key_name},Changed settings,,,,{what}" in csv
