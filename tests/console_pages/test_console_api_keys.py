"""API keys: created and shown once, listed by prefix with their last use, revoked after a
confirmation; the import API notes each key's use, at most once a minute."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from conversations.models import ApiKey
from tests.console_pages import changes_of

pytestmark = pytest.mark.django_db


def push(client, raw_key, records=()):
    return client.post(
        reverse("api-import"),
        json.dumps(list(records)),
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw_key}"},
    )


def test_create_shows_the_key_once_with_a_copy_button(client, business, full_admin):
    client.force_login(full_admin.user)

    response = client.post(
        reverse("console-create-api-key", args=[business.slug]), {"name": "Zendesk bot"}
    )

    raw_key = response.context["raw_key"]
    api_key = response.context["api_key"]
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert f'data-copy-link="{raw_key}"' in response.content.decode()
    assert ApiKey.objects.authenticate(raw_key) == api_key
    listing = client.get(reverse("console-api-keys", args=[business.slug])).content.decode()
    assert api_key.prefix in listing and "Zendesk bot" in listing and raw_key not in listing
    assert changes_of(business, AuditEntry.Kind.API_KEY) == [
        ("ada_admin", f"Created API key Zendesk bot ({api_key.prefix}…)")
    ]
    audit_log = client.get(reverse("console-audit-log", args=[business.slug])).content.decode()
    assert "<td>Changed API keys</td>\n      <td>—</td>" in audit_log


@pytest.mark.parametrize("name", ["", "   ", "two\nlines"])
def test_a_key_needs_a_name_of_one_line(client, business, full_admin, name):
    client.force_login(full_admin.user)
    keys_before = ApiKey.objects.count()

    response = client.post(reverse("console-create-api-key", args=[business.slug]), {"name": name})

    assert "raw_key" not in response.context
    assert response.context["form"].errors["name"]
    assert ApiKey.objects.count() == keys_before
    assert not changes_of(business, AuditEntry.Kind.API_KEY)


def test_the_list_shows_each_keys_last_use(client, business, admin):
    api_key, raw_key = ApiKey.issue(business)
    client.force_login(admin.user)
    assert "never" in client.get(reverse("console-api-keys", args=[business.slug])).content.decode()

    assert push(client, raw_key).status_code == 200

    api_key.refresh_from_db()
    assert api_key.last_used_at is not None
    page = client.get(reverse("console-api-keys", args=[business.slug]))
    assert api_key.last_used_at in [key.last_used_at for key in page.context["page"]]


def test_last_use_is_written_at_most_once_a_minute(business, django_assert_num_queries):
    api_key, raw_key = ApiKey.issue(business)
    ApiKey.objects.authenticate(raw_key)
    first_use = ApiKey.objects.get(pk=api_key.pk).last_used_at

    with django_assert_num_queries(1):  # the lookup alone: no write within the minute
        ApiKey.objects.authenticate(raw_key)

    api_key.refresh_from_db()
    assert api_key.last_used_at == first_use
    api_key.note_use(now=first_use + dt.timedelta(minutes=2))
    api_key.refresh_from_db()
    assert api_key.last_used_at == first_use + dt.timedelta(minutes=2)


def test_revoke_after_a_confirmation(client, business, admin):
    api_key, raw_key = ApiKey.issue(business)
    url = reverse("console-revoke-api-key", args=[business.slug, api_key.pk])
    client.force_login(admin.user)

    confirmation = client.get(url)
    assert confirmation.status_code == 200 and api_key.prefix in confirmation.content.decode()
    assert push(client, raw_key).status_code == 200

    client.post(url)

    assert push(client, raw_key).status_code == 401
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert changes_of(business, AuditEntry.Kind.API_KEY)[-1] == (
        "ada_admin",
        f"Revoked API key {api_key.prefix}…",
    )
    # Revoked already: nothing more to confirm, nor to audit.
    assert client.post(url).status_code == 302
    assert len(changes_of(business, AuditEntry.Kind.API_KEY)) == 1


@pytest.mark.parametrize("count", [2, 40])
def test_constant_number_of_queries_and_pages(
    client, business, admin, django_assert_max_num_queries, count
):
    for _ in range(count):
        ApiKey.issue(business)
    client.force_login(admin.user)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("console-api-keys", args=[business.slug]))

    assert response.context["page"].paginator.count == count + 1
    assert len(response.context["page"]) == min(count + 1, 25)


def test_times_are_in_the_business_time_zone(client, business, admin):
    api_key, _ = ApiKey.issue(business)
    ApiKey.objects.filter(pk=api_key.pk).update(
        created_at=dt.datetime(2026, 10, 1, 20, 0, tzinfo=dt.UTC)
    )
    client.force_login(admin.user)

    body = client.get(reverse("console-api-keys", args=[business.slug])).content.decode()

    assert "2 Oct 2026, 01:30" in body  # Asia/Kolkata
