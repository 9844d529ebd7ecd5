"""Privacy requests: a full-access admin finds a customer, exports their own copy and erases
them; masked admins are refused with the reason, other businesses get 404."""

import io
import json
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from conversations.models import EndUser, ErasedId, Job
from tests.customers import MEENAKSHI, RAVINDRA, customer_records, found_in
from tests.records import import_ok

pytestmark = pytest.mark.django_db

POST_FORM = re.compile(r'<form method="post".*?</form>', re.DOTALL)


@pytest.fixture
def customers(business):
    import_ok(*customer_records(RAVINDRA), *customer_records(MEENAKSHI))
    return EndUser.objects.get(external_id=RAVINDRA.user_id)


def privacy_url(business):
    return reverse("console-privacy", args=[business.slug])


def export(client, business, end_user, form):
    url = reverse("console-privacy-export", args=[business.slug, end_user.pk])
    return client.post(url, {"form": form})


def every_row():
    """Every row of every table of the project, to see that nothing changed."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_label in {"conversations", "audit", "sharelinks", "analytics"}
    }


@pytest.mark.parametrize(
    "query",
    [RAVINDRA.user_id, RAVINDRA.email.upper(), "98200-12345", RAVINDRA.phone],
    ids=["user id", "email", "phone digits", "phone"],
)
def test_a_full_admin_finds_the_customer_and_sees_what_would_go(
    client, business, full_admin, customers, query
):
    client.force_login(full_admin.user)

    response = client.get(privacy_url(business), {"q": query})

    assert response.status_code == 200
    found = [end_user for end_user, _ in response.context["found"]]
    # The console's planted conversation (tests/pii.py) is the same person's, by another id.
    assert customers in found
    assert EndUser.objects.get(external_id=MEENAKSHI.user_id) not in found
    page = response.content.decode()
    assert "2 conversations, 9 messages, 1 attachments, 0 share links" in page
    assert MEENAKSHI.email not in page


def test_no_search_lists_no_one(client, business, full_admin, customers):
    client.force_login(full_admin.user)

    response = client.get(privacy_url(business), {"q": "wa-9198"})

    assert response.context["found"] == []


def test_a_masked_admin_is_refused_everything_with_the_reason(client, business, admin, customers):
    client.force_login(admin.user)
    erase = reverse("console-privacy-erase", args=[business.slug, customers.pk])
    before = every_row()

    answers = [
        client.get(privacy_url(business), {"q": RAVINDRA.email}),
        export(client, business, customers, "json"),
        export(client, business, customers, "page"),
        client.get(erase),
        client.post(erase),
    ]

    assert [answer.status_code for answer in answers] == [403] * 5
    assert "answer privacy requests" in answers[0].content.decode()
    assert found_in(" ".join(a.content.decode() for a in answers), RAVINDRA.values()) == []
    assert every_row() == before


def test_the_admin_of_another_business_gets_404(client, business, other_admin, customers):
    client.force_login(other_admin.user)
    own = other_admin.business.slug

    answers = [
        client.get(privacy_url(business)),
        client.get(reverse("console-privacy-erase", args=[business.slug, customers.pk])),
        # The customer named from the admin's own console.
        client.get(reverse("console-privacy-erase", args=[own, customers.pk])),
        export(client, other_admin.business, customers, "json"),
    ]

    assert [answer.status_code for answer in answers] == [404] * 4
    assert EndUser.objects.filter(pk=customers.pk).exists()


def test_get_never_changes_anything(client, business, full_admin, customers):
    client.force_login(full_admin.user)
    before = every_row()

    client.get(privacy_url(business), {"q": RAVINDRA.email})
    confirm = client.get(reverse("console-privacy-erase", args=[business.slug, customers.pk]))
    export_by_get = client.get(
        reverse("console-privacy-export", args=[business.slug, customers.pk])
    )

    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.content.decode()
    assert export_by_get.status_code == 405
    assert every_row() == before


def test_the_forms_need_the_csrf_token(business, full_admin, customers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(full_admin.user)
    erase = reverse("console-privacy-erase", args=[business.slug, customers.pk])

    refused = [client.post(erase), export(client, business, customers, "json")]

    assert [answer.status_code for answer in refused] == [403, 403]
    assert EndUser.objects.filter(pk=customers.pk).exists()
    assert not AuditEntry.objects.filter(kind__in=["privacy", "export"]).exists()
    page = client.get(privacy_url(business), {"q": RAVINDRA.user_id}).content.decode()
    confirm = client.get(erase).content.decode()
    forms = POST_FORM.findall(page) + POST_FORM.findall(confirm)
    assert len(forms) >= 3
    assert [form for form in forms if "csrfmiddlewaretoken" not in form] == []


def test_a_full_admin_erases_the_customer(client, business, full_admin, customers):
    client.force_login(full_admin.user)

    response = client.post(reverse("console-privacy-erase", args=[business.slug, customers.pk]))

    assert response.status_code == 302 and response["Location"] == privacy_url(business)
    assert not EndUser.objects.filter(external_id=RAVINDRA.user_id).exists()
    assert EndUser.objects.filter(external_id=MEENAKSHI.user_id).exists()
    assert Job.objects.get(kind=Job.Kind.ERASURE).state == Job.State.DONE
    assert ErasedId.objects.filter(business=business, kind="user").count() == 1
    jobs = client.get(reverse("business-jobs", args=[business.slug])).content.decode()
    assert "Erase an end user" in jobs and found_in(jobs, RAVINDRA.values()) == []


def test_the_customer_s_copy_as_json(client, business, full_admin, customers):
    client.force_login(full_admin.user)

    response = export(client, business, customers, "json")

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    copy = json.loads(response.content)
    text = json.dumps(copy, ensure_ascii=False)
    assert found_in(text, RAVINDRA.values()) == RAVINDRA.values()
    assert found_in(text, MEENAKSHI.values()) == []
    assert copy["end_user"]["former_values"] == [{"email": RAVINDRA.former_email}]
    assert [c["id"] for c in copy["conversations"]] == RAVINDRA.conversation_ids
    image = copy["conversations"][1]["messages"][2]
    assert image["element"]["attachments"][0]["name"] == RAVINDRA.file_name


def test_the_customer_s_copy_as_a_page_to_print(client, business, full_admin, customers):
    client.force_login(full_admin.user)

    response = export(client, business, customers, "page")

    assert response.status_code == 200
    page = response.content.decode()
    assert found_in(page, RAVINDRA.values()) == RAVINDRA.values()
    assert found_in(page, MEENAKSHI.values()) == []
    assert "no-store" in response["Cache-Control"]
    assert "<dt>PAN number</dt>" in page and "pan_number" not in page  # labels as words


def test_every_export_is_audited_without_a_value(client, business, full_admin, customers):
    client.force_login(full_admin.user)
    key = ErasedId.key_of(business.pk, ErasedId.Kind.USER, RAVINDRA.user_id)

    export(client, business, customers, "json")
    export(client, business, customers, "page")
    call_command("export_end_user", business.slug, RAVINDRA.user_id, stdout=io.StringIO())

    entries = AuditEntry.objects.filter(kind=AuditEntry.Kind.EXPORT).order_by("at", "id")
    assert [(e.actor_name, e.what) for e in entries] == [
        (
            full_admin.user.username,
            f"Exported everything stored about end user (keyed hash {key}) as {form}: "
            "2 conversations",
        )
        for form in ["JSON", "page"]
    ] + [
        (
            "manage.py export_end_user",
            f"Exported everything stored about end user (keyed hash {key}) as JSON: "
            "2 conversations",
        )
    ]
    log = client.get(reverse("console-audit-log", args=[business.slug])).content.decode()
    assert "Exported everything stored" in log
    assert found_in(log, RAVINDRA.values()) == []


def test_the_export_command_prints_the_json(business, customers, capsys):
    call_command("export_end_user", business.slug, RAVINDRA.user_id)

    copy = json.loads(capsys.readouterr().out)
    assert copy["end_user"]["id"] == RAVINDRA.user_id
    assert len(copy["conversations"]) == 2


def test_the_page_is_in_the_administration_menu(client, business, full_admin):
    client.force_login(full_admin.user)

    home = client.get("/").content.decode()

    assert f'href="{privacy_url(business)}"' in home
