"""Erasure of one end user on request: afterwards no row of the database holds any of their
data, in any formatting, and every value of another customer stays; what remains is a
tombstone that names no one, and the platform cannot send their conversations back."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from analytics.models import DailyPhraseCount
from audit.models import AuditEntry
from conversations.models import ApiKey, Business, Conversation, EndUser, ErasedId, Job
from ingest.actors import Actor, RevealRefused
from ingest.importer import import_records
from ingest.lifecycle import do_erase_end_user, holdings
from ingest.tasks import request_erasure
from rules.access import Access
from sharelinks.models import ShareLink
from tests.customers import (
    MEENAKSHI,
    RAVINDRA,
    customer_records,
    database_dump,
    found_in,
)
from tests.factories import MembershipFactory
from tests.records import (
    BUSINESS,
    IMPORT_DATA,
    assert_rollups_match_a_recount,
    conversation,
    import_ok,
    message,
    setup_records,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def business():
    import_ok(*setup_records(), *customer_records(RAVINDRA), *customer_records(MEENAKSHI))
    return Business.objects.get(slug=BUSINESS)


@pytest.fixture
def full_admin(business):
    return MembershipFactory(business=business, admin=True, view_personal_details=True)


def end_user(customer):
    return EndUser.objects.get(external_id=customer.user_id)


def looked_at(customer):
    """Their conversations opened, an attachment seen and shared, as staff do."""
    agent = EndUser.objects.get(external_id=customer.user_id).conversations.first().agent
    for chat in Conversation.objects.filter(end_user__external_id=customer.user_id):
        AuditEntry.objects.opened(agent, chat, Access.FULL)
        AuditEntry.objects.attachment_opened(agent, chat, f"a0 of message {chat.pk}")
        ShareLink.create_for(chat, agent)


@pytest.mark.django_db(transaction=True)
def test_no_row_holds_any_value_of_an_erased_customer_and_every_other_value_stays(
    business, full_admin
):
    looked_at(RAVINDRA)
    looked_at(MEENAKSHI)
    before = database_dump()
    # Planted where the test looks: every value is there to be found before.
    assert found_in(before, RAVINDRA.values()) == RAVINDRA.values()
    assert found_in(before, MEENAKSHI.values()) == MEENAKSHI.values()
    assert EndUser.objects.get(external_id=RAVINDRA.user_id).former_personal

    job = request_erasure(Actor.staff(full_admin.user), end_user(RAVINDRA))

    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    after = database_dump()
    assert found_in(after, RAVINDRA.values()) == []
    assert found_in(after, MEENAKSHI.values()) == MEENAKSHI.values()
    assert Conversation.objects.filter(business=business).count() == 2
    assert ShareLink.objects.count() == 2
    assert_rollups_match_a_recount()


def test_the_tombstone_names_the_erasure_by_a_keyed_hash_and_who_asked(business, full_admin):
    key = ErasedId.key_of(business.pk, ErasedId.Kind.USER, RAVINDRA.user_id)

    request_erasure(Actor.staff(full_admin.user), end_user(RAVINDRA))

    entries = list(
        AuditEntry.objects.filter(kind=AuditEntry.Kind.PRIVACY)
        .order_by("at", "id")
        .values_list("viewer", "what")
    )
    assert entries == [
        (
            full_admin.user.pk,
            f"Asked to erase end user (keyed hash {key}): 2 conversations, 9 messages, "
            "1 attachments, 0 share links",
        ),
        (
            full_admin.user.pk,
            f"Erased end user (keyed hash {key}): 2 conversations, 9 messages, "
            "1 attachments, 0 share links",
        ),
    ]
    assert ErasedId.objects.filter(business=business, kind="user", key=key).exists()
    assert ErasedId.objects.filter(business=business, kind="conversation").count() == 2
    job = Job.objects.get(kind=Job.Kind.ERASURE)
    assert RAVINDRA.user_id not in job.reason and job.end_user is None


def test_who_opened_an_erased_conversation_stays_in_the_audit_log_without_it(business, full_admin):
    looked_at(RAVINDRA)
    opened = AuditEntry.objects.filter(kind__in=["conversation", "attachment"])
    assert opened.count() == 4

    do_erase_end_user(Actor.staff(full_admin.user), end_user(RAVINDRA))

    assert list(opened.values_list("kind", "conversation", "share_link", "what")) == [
        (kind, None, None, "")
        for kind in ["attachment", "conversation", "attachment", "conversation"]
    ]


def test_the_analytics_are_recounted_without_them(business, full_admin):
    phrases = DailyPhraseCount.objects.filter(business=business)
    assert phrases.filter(phrase__contains=RAVINDRA.word).exists()

    do_erase_end_user(Actor.staff(full_admin.user), end_user(RAVINDRA))

    assert not phrases.filter(phrase__contains=RAVINDRA.word).exists()
    assert phrases.filter(phrase__contains=MEENAKSHI.word).exists()
    assert_rollups_match_a_recount()


def test_only_someone_who_sees_personal_data_in_full_may_erase(business):
    masked_admin = MembershipFactory(business=business, admin=True)

    with pytest.raises(RevealRefused):
        request_erasure(Actor.staff(masked_admin.user), end_user(RAVINDRA))

    assert EndUser.objects.filter(external_id=RAVINDRA.user_id).exists()
    assert not Job.objects.exists()


# --- Re-sent conversations -------------------------------------------------------------------


def erased(business):
    do_erase_end_user(IMPORT_DATA, end_user(RAVINDRA))
    return timezone.localdate(timezone.now(), business.tzinfo).isoformat()


def test_re_importing_an_erased_conversation_stores_nothing(business):
    day = erased(business)
    before = database_dump()

    result = import_records(
        ((f"line {n}", record) for n, record in enumerate(customer_records(RAVINDRA), 1)),
        IMPORT_DATA,
    )

    assert result.errors == [
        f"line 1: conversation.id: end user erased on {day}",
        f"line 2: conversation.id: end user erased on {day}",
    ]
    assert result.counts["conversation"] == result.counts["message"] == 0
    assert found_in(database_dump(), RAVINDRA.values()) == found_in(before, RAVINDRA.values())
    assert not EndUser.objects.filter(external_id=RAVINDRA.user_id).exists()


def test_an_earlier_conversation_of_theirs_with_a_new_id_is_refused_too(business):
    day = erased(business)

    result = import_records(
        [("line 1", conversation("never-seen", [message("x1", "hello")], user=RAVINDRA.user_id))],
        IMPORT_DATA,
    )

    assert result.errors == [
        f"line 1: conversation.user.id: end user erased on {day}; a conversation that "
        "started after that is kept, as a new person's"
    ]
    assert not EndUser.objects.filter(external_id=RAVINDRA.user_id).exists()


def test_a_new_conversation_of_the_same_user_id_after_the_erasure_is_a_new_person(business):
    erased(business)
    later = (timezone.now() + dt.timedelta(minutes=5)).isoformat()
    record = conversation(
        "after-erasure",
        [message("n1", "hello again", when=later)],
        user={"id": RAVINDRA.user_id},
        started_at=later,
    )

    result = import_records([("line 1", record), ("line 2", record)], IMPORT_DATA)

    assert result.ok, result.errors
    assert result.outcomes == {"line 1": "created", "line 2": "created"}
    (new_person,) = EndUser.objects.filter(external_id=RAVINDRA.user_id)
    assert (new_person.name, new_person.email, new_person.former_personal) == ("", "", [])
    assert new_person.conversations.get().external_id == "after-erasure"


def test_in_a_batch_only_the_erased_conversations_are_refused(business):
    erased(business)
    other = conversation("mixed-ok", [message("k1", "fine")], user=MEENAKSHI.user_id)

    result = import_records(
        [("line 1", customer_records(RAVINDRA)[0]), ("line 2", other)], IMPORT_DATA
    )

    assert [error.split(":")[0] for error in result.errors] == ["line 1"]
    assert result.outcomes == {"line 2": "created"}
    assert result.counts["conversation"] == 1
    assert Conversation.objects.filter(external_id="mixed-ok").exists()


def test_the_api_refuses_an_erased_conversation_and_keeps_a_new_one(client, business):
    day = erased(business)
    _, raw_key = ApiKey.issue(business)
    later = (timezone.now() + dt.timedelta(minutes=5)).isoformat()
    new = conversation(
        "api-after", [message("a1", "hi", when=later)], user=RAVINDRA.user_id, started_at=later
    )

    response = client.post(
        reverse("api-import"),
        json.dumps([customer_records(RAVINDRA)[1], new]),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw_key}",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [
        {"record": 0, "field": "conversation.id", "message": f"end user erased on {day}"}
    ]
    assert [result["result"] for result in body["results"]] == ["rejected", "created"]
    assert not Conversation.objects.filter(external_id=RAVINDRA.conversation_ids[1]).exists()
    assert EndUser.objects.get(external_id=RAVINDRA.user_id).conversations.count() == 1


# --- The command -----------------------------------------------------------------------------


def test_the_command_says_what_goes_and_erases_with_yes(business, capsys):
    call_command("erase_end_user", BUSINESS, RAVINDRA.user_id, "--yes")

    out = capsys.readouterr().out
    assert "2 conversations, 9 messages, 1 attachments, 0 share links" in out
    assert "Erased." in out
    assert not EndUser.objects.filter(external_id=RAVINDRA.user_id).exists()
    entry = AuditEntry.objects.filter(kind=AuditEntry.Kind.PRIVACY).latest("at", "id")
    assert (entry.actor_kind, entry.actor_name) == ("command", "manage.py erase_end_user")


def test_the_command_asks_first_and_erases_nothing_unless_told(business, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erase_end_user", BUSINESS, RAVINDRA.user_id)

    assert holdings(end_user(RAVINDRA)).conversations == 2
