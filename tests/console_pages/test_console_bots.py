"""Bots and entities: an admin marks an entity personal or not, through the writer, and follows
the background job that masks the stored texts again."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from conversations.models import Conversation, Entity, Job
from tests.console_pages import changes_of
from tests.factories import BotFactory, EntityFactory
from tests.pii import CARD, EMAIL, leaked
from tests.records import import_ok

pytestmark = pytest.mark.django_db


def entity(business, name):
    return Entity.objects.get(bot__business=business, bot__slug="support", name=name)


def test_lists_each_bot_with_its_entities(client, business, admin):
    client.force_login(admin.user)

    response = client.get(reverse("console-bots", args=[business.slug]))

    body = response.content.decode()
    [(support, label, entities)] = [row for row in response.context["bots"] if row[1] == "Support"]
    assert {name: e.personal for e, name in entities} == {
        "account_number": True,
        "city": False,
        "pan_number": True,
    }
    assert (
        reverse("console-mark-personal", args=[business.slug, entity(business, "city").pk]) in body
    )


def test_a_bot_name_holding_pii_is_masked_for_an_admin_without_the_permission(
    client, business, admin
):
    import_ok(
        {
            "type": "bot",
            "business": business.slug,
            "slug": "leaky",
            "name": f"Bot {EMAIL} {CARD}",
        }
    )
    client.force_login(admin.user)

    body = client.get(reverse("console-bots", args=[business.slug])).content.decode()

    assert leaked(body) == []


def test_marking_an_entity_personal_masks_it_again_in_a_job_shown_on_the_page(
    client, business, admin
):
    planted = Conversation.objects.get(business=business, external_id="planted")
    assert "Pune" in planted.messages.get(external_id="p6").masked_text
    client.force_login(admin.user)

    response = client.post(
        reverse("console-mark-personal", args=[business.slug, entity(business, "city").pk]),
        follow=True,
    )

    assert entity(business, "city").personal
    assert "Pune" not in planted.messages.get(external_id="p6").masked_text
    job = Job.objects.get(business=business)
    assert job.remasks and job.state == Job.State.DONE
    assert response.context["latest_job"] == job
    assert b"personal entities changed: city" in response.content
    assert changes_of(business, AuditEntry.Kind.SETTINGS) == [
        ("ada_admin", "Marked entity city of bot support personal")
    ]


def test_marking_an_entity_not_personal_asks_first(client, business, full_admin):
    pan = entity(business, "pan_number")
    url = reverse("console-mark-not-personal", args=[business.slug, pan.pk])
    client.force_login(full_admin.user)

    confirmation = client.get(url)
    assert confirmation.status_code == 200 and entity(business, "pan_number").personal

    client.post(url)

    assert not entity(business, "pan_number").personal
    assert Job.objects.filter(business=business, remasks=True).exists()


def test_marking_personal_requires_post(client, business, admin):
    client.force_login(admin.user)
    city = entity(business, "city")

    response = client.get(reverse("console-mark-personal", args=[business.slug, city.pk]))

    assert response.status_code == 405 and not entity(business, "city").personal


@pytest.mark.parametrize("count", [2, 15])
def test_constant_number_of_queries_and_pages(
    client, business, admin, django_assert_max_num_queries, count
):
    for _ in range(count):
        EntityFactory(bot=BotFactory(business=business))
    client.force_login(admin.user)

    with django_assert_max_num_queries(14):
        response = client.get(reverse("console-bots", args=[business.slug]))

    assert response.context["page"].paginator.count == count + 2
    assert len(response.context["bots"]) == min(count + 2, 10)
