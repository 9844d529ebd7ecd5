"""The privacy boundary across pages: what a masked viewer searches, filters and counts is
what they are shown, every string they are shown is masked, and the stored masked copies follow
every change of what masking hides."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.models import DailyPhraseCount
from audit.models import LIST_VIEW_WINDOW, AuditEntry
from conversations.models import Business, Conversation, EndUser, Job, Message
from ingest import writer
from rules.masking import MASKER_VERSION, shorten
from sharelinks.models import ShareLink
from tests.chat_lists import sign_in_leading_every_team
from tests.pii import CARD, EMAIL, NAME, USER_ID, leaked, planted_conversation_record
from tests.records import BUSINESS, IMPORT_DATA, conversation, import_ok, message, setup_records
from tests.shared_db import shared_business

pytestmark = pytest.mark.django_db

MESSAGES = f"/b/{BUSINESS}/analytics/messages/"
CHATS = f"/b/{BUSINESS}/business/"
TEAMS = f"/b/{BUSINESS}/teams/"
SURNAME = NAME.split()[1]


def imported():
    import_ok(*setup_records(), planted_conversation_record())
    return Business.objects.get(slug=BUSINESS).pk


business_pk, business = shared_business(imported)


def count(response):
    return response.context["page"].paginator.count


# --- 1. Searches and filters see only what the viewer sees ---------------------------------


@pytest.mark.parametrize("roles", [{"analyst": True}, {"team_lead": True}])
def test_no_prefix_of_a_masked_card_changes_the_message_count(client, business, roles):
    sign_in_leading_every_team(client, business, **roles)
    counts = {
        prefix: count(client.get(MESSAGES, {"text": f"card {prefix}"}))
        for prefix in [CARD[:length] for length in range(1, len(CARD) + 1)]
    }

    assert set(counts.values()) == {0}
    assert count(client.get(MESSAGES, {"text": "card"})) > 0  # the words around it are found


def test_a_full_email_finds_no_message_in_message_analysis(client, business):
    sign_in_leading_every_team(client, business, team_lead=True, view_personal_details=True)

    assert count(client.get(MESSAGES, {"text": EMAIL})) == 0
    assert count(client.get(MESSAGES, {"text": "[email]"})) == 1


def test_a_phrase_made_of_a_masked_surname_lists_no_message(client, business):
    sign_in_leading_every_team(client, business, analyst=True)

    response = client.get(f"/b/{BUSINESS}/analytics/words/phrase/", {"phrase": SURNAME})
    assert response.status_code == 200
    assert count(response) == 0
    found = client.get(f"/b/{BUSINESS}/analytics/words/phrase/", {"phrase": "blocked"})
    assert count(found) == 1


@pytest.mark.parametrize("url", [CHATS, TEAMS])
def test_a_masked_viewer_cannot_confirm_a_user_id_by_searching_it(client, business, url):
    sign_in_leading_every_team(client, business, team_lead=True)
    search = {"q": USER_ID} if url == CHATS else {}

    if url == CHATS:
        assert count(client.get(url, search)) == 0
        assert count(client.get(url, {"q": "[phone]"})) == 1  # the id as they see it
    assert USER_ID not in client.get(url).content.decode()


def test_a_full_viewer_searches_the_raw_ids(client, business):
    sign_in_leading_every_team(client, business, team_lead=True, view_personal_details=True)

    assert count(client.get(CHATS, {"q": USER_ID})) == 1
    assert count(client.get(CHATS, {"q": "[phone]"})) == 0


def test_channels_are_chosen_by_the_name_a_masked_viewer_sees(client, business):
    import_ok(conversation("by-phone", [message("x", "hello")], channel=f"wa-{USER_ID}"))
    sign_in_leading_every_team(client, business, team_lead=True)

    response = client.get(CHATS)
    choices = [value for value, _label in response.context["form"].fields["channel"].choices]
    assert "wa-[phone]" in choices
    assert USER_ID not in response.content.decode()
    listed = client.get(CHATS, {"channel": "wa-[phone]"}).context["rows"]
    assert [row.conversation.external_id for row in listed] == ["by-phone"]


# --- 2. Every string shown is masked ---------------------------------------------------------

ODD_ID = f"wa:+{USER_ID}:{EMAIL}"


@pytest.fixture
def odd_conversation(business):
    import_ok(
        conversation(
            ODD_ID,
            [message("m1", "hello")],
            user={"id": ODD_ID, "attributes": {"PAN_Number": "ABCPK1234F", f"note {EMAIL}": "x"}},
            channel=f"wa {EMAIL}",
            csat={"rating": 1, "review": f"mail {EMAIL}"},
        ),
        {**planted_bot_named(f"Bot of {EMAIL}")},
    )
    return Conversation.objects.get(external_id=ODD_ID)


def planted_bot_named(name):
    return {"type": "bot", "business": BUSINESS, "slug": "support", "name": name}


@pytest.mark.parametrize("roles", [{"agent": True, "team_lead": True}, {"analyst": True}])
def test_ids_channels_bot_names_and_attribute_keys_are_masked(client, odd_conversation, roles):
    sign_in_leading_every_team(client, odd_conversation.business, **roles)

    body = client.get(f"/c/{odd_conversation.token}/").content.decode()

    assert "<title>Conversation wa:[phone]:[email]" in body
    assert "<h1>Conversation wa:[phone]:[email]</h1>" in body
    for secret in (USER_ID, EMAIL, "ABCPK1234F"):
        assert secret not in body


def test_an_attribute_key_in_another_case_than_a_personal_entity_is_masked(
    client, odd_conversation
):
    sign_in_leading_every_team(client, odd_conversation.business, agent=True)

    body = client.get(f"/c/{odd_conversation.token}/").content.decode()

    assert "ABCPK1234F" not in body
    assert "[PAN number]" in body


@pytest.mark.parametrize("roles", [{"agent": True}, {"analyst": True}])
def test_an_attribute_key_holding_the_users_own_name_is_masked(client, business, roles):
    import_ok(
        conversation(
            "tiers",
            [message("t1", "hello")],
            user={
                "id": "u-tier",
                "name": "Octavia Blenkinsop",
                "attributes": {"Octavia Blenkinsop loyalty tier": "gold"},
            },
        )
    )
    sign_in_leading_every_team(client, business, **roles)

    body = client.get(f"/c/{Conversation.objects.get(external_id='tiers').token}/").content.decode()

    assert "Octavia" not in body and "Blenkinsop" not in body
    assert "[name] loyalty tier" in body


def test_list_links_and_labels_show_the_masked_id(client, odd_conversation):
    sign_in_leading_every_team(client, odd_conversation.business, team_lead=True)

    body = client.get(CHATS).content.decode()

    assert 'aria-label="Chat link of wa:[phone]:[email]"' in body
    assert USER_ID not in body and EMAIL not in body


def test_the_external_share_page_shows_the_masked_id(client, odd_conversation):
    share = ShareLink.create_for(odd_conversation, None)

    body = client.get(f"/s/{share.token}/").content.decode()

    assert "Conversation wa:[phone]:[email]" in body
    assert USER_ID not in body and EMAIL not in body


def test_a_preview_is_masked_before_it_is_cut(client, business):
    text = "x" * 280 + f" card {CARD} and more"
    import_ok(conversation("long", [message("l1", text)]))
    stored = Conversation.objects.get(external_id="long")
    sign_in_leading_every_team(client, business, team_lead=True)

    body = client.get(CHATS).content.decode()

    assert "4111" not in stored.masked_last_user_message_text
    assert "4111" not in body and "[card num…" not in body


@pytest.mark.parametrize(
    "text, length, shortened",
    [
        ("short", 10, "short"),
        ("mail [email] now", 10, "mail…"),
        ("mail [card number]", 14, "mail…"),
        ("the quick brown fox", 12, "the quick…"),
        ("unbroken" * 3, 10, "unbrokenu…"),  # one long word can only be cut
    ],
)
def test_shorten_never_cuts_a_placeholder_or_a_word(text, length, shortened):
    assert shorten(text, length) == shortened
    assert len(shorten(text, length)) <= length


# --- Stored copies follow what masking hides -------------------------------------------------


def test_new_user_details_mask_their_earlier_conversations_at_once(business):
    import_ok(
        conversation("earlier", [message("e1", "I am Priya Raman")], user="u-9"),
    )
    import_ok(conversation("later", [], user={"id": "u-9", "name": "Priya Raman"}))

    earlier = Message.objects.get(conversation__external_id="earlier")
    assert earlier.masked_text == "I am [name]"


def test_an_entity_turning_personal_masks_the_copies_again_in_a_job(client, business):
    import_ok(
        conversation(
            "c",
            [message("m", "I live in Pune")],
            user={"id": "u-5", "attributes": {"city": "Pune"}},
        )
    )
    support = business.bots.get(slug="support")

    writer.set_entities(
        IMPORT_DATA,
        support,
        {**dict(support.entities.values_list("name", "personal")), "city": True},
    )

    assert Message.objects.get(conversation__external_id="c").masked_text == "I live in [city]"
    job = Job.objects.get(business=business)
    assert (job.remasks, job.state) == (True, Job.State.DONE)
    assert not DailyPhraseCount.objects.filter(business=business, phrase="pune").exists()


def test_while_copies_are_masked_again_pages_mask_the_raw_text_and_search_waits(client, business):
    import_ok(
        conversation(
            "c",
            [message("m", "I live in Pune")],
            user={"id": "u-5", "attributes": {"city": "Pune"}},
        )
    )
    Entity = business.bots.get(slug="support").entities.model
    # An entity marked personal, with its job still queued (a worker has not run it).
    Entity.objects.filter(bot__business=business, name="city").update(personal=True)
    Job.objects.create(business=business, kind=Job.Kind.ROLLUPS, reason="test", remasks=True)
    sign_in_leading_every_team(client, business, team_lead=True)
    chat = Conversation.objects.get(external_id="c")

    page = client.get(f"/c/{chat.token}/").content.decode()
    search = client.get(MESSAGES, {"text": "Pune"})

    assert "Pune" not in page and "[city]" in page
    assert search.context["form"].fields["text"].disabled
    assert count(search) == Message.objects.filter(business=business).count()  # no filter


def test_new_masking_rules_mask_every_business_again(business):
    Business.objects.filter(pk=business.pk).update(masker_version=MASKER_VERSION - 1)
    Message.objects.filter(business=business).update(masked_text="stale")

    call_command("remask", stdout=None)

    business.refresh_from_db()
    assert business.masker_version == MASKER_VERSION
    assert not Message.objects.filter(masked_text="stale").exists()
    assert leaked(" ".join(Message.objects.values_list("masked_text", flat=True))) == []


def test_migrate_masks_again_what_older_rules_masked(business):
    Business.objects.filter(pk=business.pk).update(masker_version=0)
    Message.objects.filter(business=business).update(masked_text="stale")

    call_command("migrate", verbosity=0)

    assert not Message.objects.filter(masked_text="stale").exists()


def test_the_copies_of_an_end_user_are_stored(business):
    user = EndUser.objects.get(external_id=USER_ID)
    assert user.masked_external_id == "[phone]"


# --- 4. Audit: unmasked lists are recorded, once a page --------------------------------------


def test_a_full_access_list_page_is_audited_once(client, business):
    membership = sign_in_leading_every_team(
        client, business, team_lead=True, view_personal_details=True
    )

    client.get(CHATS)

    (entry,) = AuditEntry.objects.filter(kind=AuditEntry.Kind.LIST)
    assert (entry.viewer, entry.level, entry.business) == (membership.user, "full", business)
    assert entry.what == "Business, page 1 (1 of 1 conversation)"


def test_the_same_list_page_again_within_ten_minutes_is_recorded_once(client, business):
    # Going back to the list after each chat must not bury the log; each chat opened is
    # still recorded, and so is the same list after the window.
    sign_in_leading_every_team(client, business, team_lead=True, view_personal_details=True)
    conversation = Conversation.objects.get(business=business)

    for _ in range(3):
        client.get(CHATS)
        client.get(f"/c/{conversation.token}/")
    client.get(f"{CHATS}?q={SURNAME}")  # another view of the list: another entry

    lists = AuditEntry.objects.filter(kind=AuditEntry.Kind.LIST)
    assert [entry.what for entry in lists.order_by("id")] == [
        "Business, page 1 (1 of 1 conversation)",
        "Business, searched, page 1 (1 of 1 conversation)",
    ]
    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.CONVERSATION).count() == 3

    lists.update(at=timezone.now() - LIST_VIEW_WINDOW - dt.timedelta(seconds=1))
    client.get(CHATS)
    assert lists.count() == 3


def test_two_searches_for_two_customers_are_two_audit_entries(client):
    # Looking customers up one by one, by email or phone, is a look-up of each: the log must
    # tell them apart, by a keyed hash of the search, never the searched words.
    customers = {"octavia@example.com": "Octavia Blenkinsop", "ravi@example.com": "Ravi Kumar"}
    import_ok(
        *setup_records(),
        *(
            conversation(
                email, [message(email, "hello")], user={"id": email, "name": name, "email": email}
            )
            for email, name in customers.items()
        ),
    )
    business = Business.objects.get(slug=BUSINESS)
    sign_in_leading_every_team(client, business, team_lead=True, view_personal_details=True)

    for email, name in customers.items():
        assert name in client.get(CHATS, {"q": email}).content.decode()
    # The same search again, its first page asked for by number: the same view.
    client.get(CHATS, {"q": "octavia@example.com", "page": "1"})

    lists = AuditEntry.objects.filter(kind=AuditEntry.Kind.LIST)
    assert lists.count() == 2
    assert len({entry.query_key for entry in lists}) == 2
    stored = " ".join(str(value) for entry in lists.values() for value in entry.values())
    assert "octavia" not in stored and "ravi" not in stored


def test_a_masked_list_page_is_not_audited(client, business):
    sign_in_leading_every_team(client, business, team_lead=True)

    client.get(CHATS)

    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.LIST).exists()


# --- Values the user was known by, and every form of an entity's key --------------------------


def test_a_corrected_name_still_hides_the_old_one_in_earlier_texts(client, business):
    import_ok(
        conversation(
            "c-4",
            [message("v1", "this is Vexnor Brightwater")],
            user={"id": "u-v", "name": "Vexnor Brightwater"},
        )
    )
    import_ok(conversation("c-5", [message("v2", "hi")], user={"id": "u-v", "name": "Vex Smith"}))
    sign_in_leading_every_team(client, business, team_lead=True)

    earlier = Message.objects.get(external_id="v1")
    assert earlier.masked_text == "this is [name]"
    assert count(client.get(f"/b/{BUSINESS}/search/", {"q": "Brightwater"})) == 0
    body = client.get(f"/c/{earlier.conversation.token}/").content.decode()
    assert "Brightwater" not in body and "Vexnor" not in body


def test_a_changed_personal_value_still_hides_the_old_one(business):
    user = {"id": "u-p", "attributes": {"pan_number": "KQZPL4242X"}}
    import_ok(conversation("c-6", [message("code-1", "my code is KQZPL4242X")], user=user))
    import_ok(
        conversation("c-7", [], user={"id": "u-p", "attributes": {"pan_number": "NEWCD1111Z"}})
    )

    assert Message.objects.get(external_id="code-1").masked_text == "my code is [PAN number]"


@pytest.mark.parametrize(
    "attributes",
    [
        {"account_number": "AC-55-7788", "ACCOUNT_NUMBER": "AC-99-1122"},
        {"account_number": 123456789012, "Account_Number": 9876500001.0},
        {"account_number ": "AC-55-7788", "ａｃｃｏｕｎｔ_ｎｕｍｂｅｒ": "AC-99-1122"},
        {"account‑number": "AC-55-7788", "Account Number": "AC-99-1122"},
    ],
    ids=["case", "JSON numbers", "space and full width", "hyphen and space"],
)
def test_every_key_that_names_a_personal_entity_is_masked(client, business, attributes):
    values = [str(value).removesuffix(".0") for value in attributes.values()]
    text = " and ".join(f"acct {value}" for value in values)
    import_ok(
        conversation("keys", [message("k1", text)], user={"id": "u-k", "attributes": attributes})
    )
    sign_in_leading_every_team(client, business, agent=True)

    chat = Conversation.objects.get(external_id="keys")
    body = client.get(f"/c/{chat.token}/").content.decode()

    assert Message.objects.get(external_id="k1").masked_text.count("[account number]") == 2
    assert [value for value in values if value in body] == []


def test_team_and_staff_names_are_masked_like_any_text(client, business):
    import_ok(
        {"type": "team", "business": BUSINESS, "slug": "vip", "name": f"VIP desk {USER_ID}"},
        {
            "type": "staff",
            "business": BUSINESS,
            "username": "nia",
            "password": "nia-pass-1",
            "display_name": f"Nia {EMAIL}",
            "roles": ["agent"],
        },
        conversation(
            "named", [message("n1", "hello", sender="agent", agent="nia")], agent="nia", team="vip"
        ),
    )
    sign_in_leading_every_team(client, business, team_lead=True)
    chat = Conversation.objects.get(external_id="named")

    for url in (f"/c/{chat.token}/", CHATS, TEAMS, f"/b/{BUSINESS}/analytics/csat/"):
        body = client.get(url).content.decode()
        assert USER_ID not in body and EMAIL not in body, url
