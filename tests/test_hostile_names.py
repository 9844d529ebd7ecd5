"""An end user who names themselves to stop the masker: the record is imported at once with
its neighbour, on both ways in, and an admin can still mark entities personal afterwards.

The name's parts are runs of one letter, each a prefix of the others; a pattern of them
backtracked on a message of that letter (1.4 s for 61 bytes), so the import API answered a 500
after 30 s, losing the good record beside it, and marking an entity personal timed out."""

import json
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from guardian.shortcuts import assign_perm

from conversations.models import PERSONAL_DETAILS_PERM, ApiKey, Business, Conversation, Entity
from tests.factories import MembershipFactory
from tests.records import BUSINESS, conversation, import_ok, message, setup_records

pytestmark = pytest.mark.django_db

CRAFTED_NAME = " ".join("q" * (9 + part % 3) for part in range(17))
CRAFTED_TEXT = ("q" * 61 + " ") * 40  # 2.4 KB
HANG = 5.0  # seconds: a guard against the hang, far above what an import takes


def crafted_records():
    return [
        conversation(
            "crafted",
            [message("x1", CRAFTED_TEXT), message("x2", "qqqqqqqqq qqqqqqqqqq")],
            user={"id": "u-crafted", "name": CRAFTED_NAME},
        ),
        conversation("neighbour", [message("n1", "my card is blocked")], user="u-good"),
    ]


@pytest.fixture
def business():
    import_ok(*setup_records())
    return Business.objects.get(slug=BUSINESS)


def test_the_api_imports_the_record_and_its_neighbour_at_once(client, business):
    key = ApiKey.issue(business)[1]

    started = time.perf_counter()
    response = client.post(
        "/api/v1/import",
        json.dumps(crafted_records()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )

    assert time.perf_counter() - started < HANG
    assert response.status_code == 200, response.content
    stored = Conversation.objects.filter(business=business)
    assert set(stored.values_list("external_id", flat=True)) == {"crafted", "neighbour"}


def test_import_data_takes_the_record_at_once(business, tmp_path):
    path = tmp_path / "crafted.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in crafted_records()) + "\n")

    started = time.perf_counter()
    call_command("import_data", str(path))

    assert time.perf_counter() - started < HANG
    assert Conversation.objects.filter(business=business).count() == 2


def test_an_admin_can_still_mark_an_entity_personal(client, business):
    import_ok(*crafted_records())
    admin = MembershipFactory(business=business, admin=True)
    assign_perm(PERSONAL_DETAILS_PERM, admin.user, business)
    client.force_login(admin.user)
    city = Entity.objects.get(bot__business=business, bot__slug="support", name="city")

    started = time.perf_counter()
    response = client.post(reverse("console-mark-personal", args=[business.slug, city.pk]))

    assert time.perf_counter() - started < HANG
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.personal
    masked = Conversation.objects.get(external_id="crafted").messages.get(external_id="x2")
    assert masked.masked_text == "[name]"
