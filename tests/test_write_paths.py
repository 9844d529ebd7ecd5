"""Every way of changing what derived data depends on keeps it true: the import command, the
import API and the Django admin. An entity turning personal leaves no page showing its value;
a new time zone moves the rollups' days."""

import io
import json

import pytest
from django.core.management import call_command

from analytics.models import DailyPhraseCount
from conversations.models import ApiKey, Bot, Business, Job
from tests.admin_forms import bot_form
from tests.factories import MembershipFactory, UserFactory
from tests.pii import leaked
from tests.records import (
    BUSINESS,
    assert_rollups_match_a_recount,
    bot_record,
    conversation,
    import_ok,
    message,
    rollup_rows,
    setup_records,
)

pytestmark = pytest.mark.django_db

MOTHER = "Sunita Gavaskar"
EARLY = "2026-10-01T03:30:00+05:30"  # 22:00 UTC, the day before
ENTITIES = {"pan_number": True, "account_number": True, "city": False, "mother_name": False}


@pytest.fixture
def business():
    import_ok(
        *setup_records(),
        bot_record(entities=ENTITIES),
        conversation(
            "c-1",
            [
                message("m1", f"my mother {MOTHER} has the card", when=EARLY, bot_break=True),
                message("m2", "card blocked early morning", when=EARLY, bot_break=True),
            ],
            user={"id": "u-1", "attributes": {"mother_name": MOTHER, "city": "Pune"}},
            started_at=EARLY,
        ),
    )
    return Business.objects.get(slug=BUSINESS)


def by_import_command(tmp_path, client, record):
    path = tmp_path / "change.jsonl"
    path.write_text(json.dumps(record) + "\n")
    call_command("import_data", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def by_import_api(tmp_path, client, record):
    key = ApiKey.issue(Business.objects.get(slug=BUSINESS))[1]
    response = client.post(
        "/api/v1/import",
        json.dumps(record),
        content_type="application/json",
        headers={"authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.json()


def by_django_admin(tmp_path, client, record):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    if record["type"] == "business":
        business = Business.objects.get(slug=record["slug"])
        url = f"/admin/conversations/business/{business.pk}/change/"
        data = {"name": business.name, "timezone": record["timezone"]}
    else:
        bot = Bot.objects.get(business__slug=record["business"], slug=record["slug"])
        url = f"/admin/conversations/bot/{bot.pk}/change/"
        data = bot_form(bot, {e["name"]: e["personal"] for e in record["entities"]})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""


WRITE_PATHS = [by_import_command, by_import_api, by_django_admin]


@pytest.mark.parametrize("write", WRITE_PATHS)
def test_an_entity_turning_personal_leaves_every_page(write, tmp_path, client, business):
    assert DailyPhraseCount.objects.filter(phrase__contains="gavaskar").exists()

    write(tmp_path, client, bot_record(entities={**ENTITIES, "mother_name": True}))

    assert not DailyPhraseCount.objects.filter(phrase__contains="gavaskar").exists()
    assert Job.objects.get(business=business).state == Job.State.DONE
    assert_rollups_match_a_recount()
    chat = f"/c/{business.conversations.get().token}/"
    analytics = f"/b/{BUSINESS}/analytics/"
    pages = {
        "analyst": [
            chat,
            f"{analytics}words/",
            f"{analytics}words/phrases.csv",
            f"{analytics}words/?size=2",
            f"{analytics}messages/",
            f"{analytics}messages/messages.csv",
        ],
        "agent": [chat, f"/b/{BUSINESS}/my-chats/"],
        "team_lead": [chat, f"/b/{BUSINESS}/business/", f"/b/{BUSINESS}/teams/"],
    }
    for role, urls in pages.items():
        viewer = MembershipFactory(business=business, **{role: True})
        viewer.leads.set(business.teams.all())
        client.force_login(viewer.user)
        for url in urls:
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            assert response.status_code == 200, url
            assert "gavaskar" not in body.decode().lower(), url


@pytest.mark.parametrize("write", WRITE_PATHS)
def test_a_new_time_zone_moves_the_rollups_days(write, tmp_path, client, business):
    before = rollup_rows(business)

    write(tmp_path, client, {"type": "business", "slug": BUSINESS, "timezone": "UTC"})

    business.refresh_from_db()
    assert business.timezone == "UTC"
    assert Job.objects.get(business=business).state == Job.State.DONE
    assert rollup_rows(business) != before
    assert_rollups_match_a_recount()


def test_word_analysis_waits_for_a_pending_privacy_recount(client, business):
    Job.objects.create(business=business, kind=Job.Kind.ROLLUPS, reason="test", remasks=True)
    client.force_login(MembershipFactory(business=business, analyst=True).user)

    page = client.get(f"/b/{BUSINESS}/analytics/words/")
    csv = client.get(f"/b/{BUSINESS}/analytics/words/phrases.csv")
    phrase = client.get(f"/b/{BUSINESS}/analytics/words/phrase/", {"phrase": "gavaskar"})

    assert "being masked again" in page.content.decode()
    assert "gavaskar" not in page.content.decode().lower()
    assert csv.status_code == 503 and csv["Retry-After"] == "30"
    assert "gavaskar" not in phrase.content.decode().lower()
    assert leaked(page.content) == []
