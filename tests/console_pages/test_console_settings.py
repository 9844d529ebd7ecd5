"""Settings: the business's name and time zone, through the writer, audited."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from conversations.models import Business, Job
from tests.console_pages import changes_of

pytestmark = pytest.mark.django_db


def save(client, business, **data):
    return client.post(reverse("console-settings", args=[business.slug]), data)


def test_shows_the_current_settings(client, business, admin):
    client.force_login(admin.user)

    form = client.get(reverse("console-settings", args=[business.slug])).context["form"]

    assert form.initial == {
        "name": "Acme",
        "timezone": "Asia/Kolkata",
        "retention_days": None,
        "require_second_factor": False,
        "trust_idp_second_factor": False,
        "allow_single_sign_on": False,
    }


def test_a_retention_is_set_and_cleared_audited(client, business, full_admin):
    client.force_login(full_admin.user)
    kept = {"name": "Acme", "timezone": "Asia/Kolkata"}

    save(client, business, **kept, retention_days="30")
    business.refresh_from_db()
    assert business.retention_days == 30
    save(client, business, **kept, retention_days="")

    business.refresh_from_db()
    assert business.retention_days is None
    assert changes_of(business, AuditEntry.Kind.SETTINGS) == [
        ("ada_admin", "retention forever → 30 days"),
        ("ada_admin", "retention 30 days → forever"),
    ]
    assert not Job.objects.filter(business=business).exists()


@pytest.mark.parametrize("days", ["0", "-3", "many"])
def test_a_retention_is_a_whole_number_of_days(client, business, full_admin, days):
    client.force_login(full_admin.user)

    response = save(client, business, name="Acme", timezone="Asia/Kolkata", retention_days=days)

    assert response.status_code == 200
    assert response.context["form"].errors["retention_days"]
    assert Business.objects.get(pk=business.pk).retention_days is None


def test_a_new_name_and_time_zone_recount_the_rollups_in_the_background(client, business, admin):
    client.force_login(admin.user)

    response = save(client, business, name="Acme Bank", timezone="Europe/Berlin")

    assert response.status_code == 302
    business.refresh_from_db()
    assert (business.name, business.timezone) == ("Acme Bank", "Europe/Berlin")
    job = Job.objects.get(business=business)
    assert job.reason == "time zone changed from Asia/Kolkata to Europe/Berlin"
    assert changes_of(business, AuditEntry.Kind.SETTINGS) == [
        ("ada_admin", "name Acme → Acme Bank; time zone Asia/Kolkata → Europe/Berlin")
    ]


def test_a_new_name_alone_recounts_nothing(client, business, admin):
    client.force_login(admin.user)

    save(client, business, name="Acme Bank", timezone="Asia/Kolkata")

    assert Business.objects.get(pk=business.pk).name == "Acme Bank"
    assert not Job.objects.filter(business=business).exists()


def test_allowing_single_sign_on_and_taking_it_back_are_audited(client, business, admin):
    client.force_login(admin.user)
    kept = {"name": "Acme", "timezone": "Asia/Kolkata"}

    save(client, business, **kept, allow_single_sign_on="on")
    assert Business.objects.get(pk=business.pk).allow_single_sign_on
    save(client, business, **kept)

    assert not Business.objects.get(pk=business.pk).allow_single_sign_on
    assert changes_of(business, AuditEntry.Kind.SETTINGS) == [
        ("ada_admin", "single sign-on allowed no → yes"),
        ("ada_admin", "single sign-on allowed yes → no"),
    ]


def test_saving_unchanged_settings_writes_no_audit_entry(client, business, admin):
    client.force_login(admin.user)

    save(client, business, name="Acme", timezone="Asia/Kolkata")

    assert changes_of(business, AuditEntry.Kind.SETTINGS) == []


@pytest.mark.parametrize(
    "data, field",
    [
        ({"name": "", "timezone": "UTC"}, "name"),
        ({"name": "A", "timezone": "Mars/Base"}, "timezone"),
        ({"name": "Acme\nBank", "timezone": "UTC"}, "name"),
    ],
    ids=["no name", "no such time zone", "two lines"],
)
def test_errors_are_explained_and_nothing_changes(client, business, admin, data, field):
    client.force_login(admin.user)

    response = save(client, business, **data)

    assert response.status_code == 200 and field in response.context["form"].errors
    business.refresh_from_db()
    assert (business.name, business.timezone) == ("Acme", "Asia/Kolkata")
