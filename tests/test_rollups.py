"""The daily rollups: kept by the importer, equal to a recount after any import, PII-free."""

import copy
import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics.models import (
    NOT_RATED,
    ROLLUPS,
    ConversationFacts,
    DailyConversationCount,
    DailyMessageCount,
    DailyPhraseCount,
    RollupsVersion,
)
from analytics.phrases import message_phrases, parse_phrase, phrase_pattern
from analytics.rollups import ROLLUPS_VERSION
from conversations.models import Business, Conversation, Job
from ingest.apps import recount_outdated_rollups
from rules.masking import Masker, PersonalValues
from tests.pii import SECRETS, planted_conversation_record
from tests.records import (
    BUSINESS,
    DAY,
    assert_rollups_match_a_recount,
    at,
    conversation,
    import_ok,
    message,
    rollup_rows,
    setup_records,
)

pytestmark = pytest.mark.django_db


def phrases(size=None):
    rows = DailyPhraseCount.objects.all()
    if size:
        rows = rows.filter(size=size)
    counts = {}
    for phrase, count in rows.values_list("phrase", "count"):
        counts[phrase] = counts.get(phrase, 0) + count
    return counts


BASE = conversation(
    "c-1",
    [
        message("m1", "Hi, my card blocked", bot_break=True),
        message("m2", "Sorry, I did not get that.", sender="bot"),
        message("m3", "card blocked since yesterday at 2026", bot_break=True),
        message("m4", "Thanks, that helps", when=at(hour=11)),
    ],
)


def edited(**changes):
    record = copy.deepcopy(BASE)
    record.update(changes)
    return record


def with_message(index, **changes):
    record = copy.deepcopy(BASE)
    record["messages"][index].update(changes)
    return record


@pytest.fixture
def imported():
    import_ok(*setup_records(), BASE)


def test_the_importer_counts_messages_phrases_and_conversations(imported):
    assert phrases(size=2) == {"card blocked": 2, "blocked since": 1, "since yesterday": 1}
    assert phrases(size=1) == {"card": 2, "blocked": 2, "since": 1, "yesterday": 1, "helps": 1}
    assert phrases(size=3) == {"card blocked since": 1, "blocked since yesterday": 1}
    assert DailyPhraseCount.objects.get(phrase="helps").bot_break is False
    assert sum(DailyMessageCount.objects.values_list("count", flat=True)) == 4
    assert DailyMessageCount.objects.filter(sender="user", bot_break=True).get().count == 2
    assert DailyConversationCount.objects.get().rating == NOT_RATED
    assert DailyConversationCount.objects.get().day == DAY
    assert_rollups_match_a_recount()


def test_reimporting_the_same_records_changes_nothing(imported):
    kept = rollup_rows(Business.objects.get(slug=BUSINESS))

    import_ok(BASE)

    assert assert_rollups_match_a_recount() == kept


EDITS = {
    "text changed": with_message(0, text="my account is locked"),
    "bot break flipped": with_message(3, bot_break=True),
    "sender changed": with_message(1, sender="user"),
    "message on another day": with_message(2, at=at(DAY + dt.timedelta(days=3))),
    "message added": edited(messages=[*BASE["messages"], message("m5", "card still blocked")]),
    "moved to another bot": edited(bot="sales"),
    "moved to another channel": edited(channel="whatsapp"),
    "agent assigned": edited(agent=f"{BUSINESS}-asha"),
    "rated": edited(csat={"rating": 4, "review": "ok"}),
    "started on another day": edited(started_at=at(DAY - dt.timedelta(days=1))),
    "another end user": edited(user={"id": "u-2", "name": "Card Blocked"}),
    "user's name learned": edited(user={"id": "u-1", "name": "Yesterday Card"}),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_rollups_equal_a_recount_after_an_edit(imported, edit):
    import_ok(edit)

    assert_rollups_match_a_recount()


def test_a_batch_of_many_edits_and_new_conversations_equals_a_recount(imported):
    import_ok(
        edited(agent=f"{BUSINESS}-asha", csat={"rating": 5}, channel="app"),
        conversation("c-2", [message("n1", "refund not received", bot_break=True)], user="u-2"),
        conversation("c-3", [message("n2", "where is my refund")], bot="sales", user="u-1"),
    )
    import_ok(
        conversation("c-2", [message("n1", "refund received", bot_break=False)], user="u-2"),
        edited(csat={"rating": 1}),
    )

    rows = assert_rollups_match_a_recount()

    ratings = Counter()
    for key, count in rows["DailyConversationCount"].items():
        ratings[key[-1]] += count
    assert ratings == {1: 1, NOT_RATED: 2}


def test_rows_that_fall_to_zero_are_deleted(imported):
    import_ok(
        edited(
            messages=[message(m["id"], "hello there", sender=m["sender"]) for m in BASE["messages"]]
        )
    )

    assert "card blocked" not in phrases()
    assert not DailyPhraseCount.objects.filter(count__lte=0).exists()
    assert not DailyMessageCount.objects.filter(count__lte=0).exists()
    assert_rollups_match_a_recount()


def test_details_learned_later_take_the_name_out_of_earlier_conversations(imported):
    import_ok(conversation("c-0", [message("o1", "I am Ravindra, card lost")], user="u-1"))
    assert "ravindra" in phrases()

    # A later conversation of the same user brings the name: c-0 is masked anew.
    import_ok(conversation("c-9", [], user={"id": "u-1", "name": "Ravindra Kumaraswamy"}))

    assert "ravindra" not in phrases()
    assert "card lost" in phrases()
    assert_rollups_match_a_recount()


def test_details_the_masking_does_not_use_recount_no_other_conversation(imported):
    def user(city):
        return {"id": "u-1", "attributes": {"city": city, "pan_number": "ABCPE1234F"}}

    import_ok(conversation("c-2", [message("n1", "card blocked in Pune")], user=user("Pune")))

    # The bot collects a new city, which is not personal: the masking of c-1 and c-2 is the
    # same as before, so their messages are not read again.
    with CaptureQueriesContext(connection) as queries:
        import_ok(conversation("c-3", [message("n2", "now in Delhi")], user=user("Delhi")))

    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in reads if 'FROM "conversations_message"' in sql]
    assert_rollups_match_a_recount()


def test_no_personal_value_is_ever_a_phrase():
    import_ok(*setup_records(), planted_conversation_record())

    stored = " ".join(DailyPhraseCount.objects.values_list("phrase", flat=True))
    assert stored
    assert [secret for secret in SECRETS if secret.lower() in stored] == []
    assert not any(char.isdigit() for char in stored)


def test_days_are_days_in_the_business_time_zone():
    import_ok(
        *setup_records(),
        # 23:30 UTC on 30 September is 05:00 on 1 October in Kolkata.
        conversation(
            "late",
            [message("l1", "card blocked", when="2026-09-30T23:30:00+00:00")],
            started_at="2026-09-30T23:30:00+00:00",
        ),
    )

    assert set(DailyMessageCount.objects.values_list("day", flat=True)) == {DAY}
    assert set(DailyConversationCount.objects.values_list("day", flat=True)) == {DAY}


def many(count, prefix):
    return [
        conversation(
            f"{prefix}-{n}",
            [
                message("a", f"card number {n} blocked again", bot_break=True),
                message("b", f"why is order {n} late", when=at(DAY + dt.timedelta(days=n % 5))),
            ],
            user=f"user-{prefix}-{n}",
            csat={"rating": n % 5 + 1},
        )
        for n in range(count)
    ]


def rollup_queries(records):
    with CaptureQueriesContext(connection) as queries:
        import_ok(*records)
    tables = [model._meta.db_table for model in ROLLUPS]
    return [q["sql"] for q in queries if any(table in q["sql"] for table in tables)]


def test_a_batch_writes_the_rollups_in_a_few_queries_whatever_its_size():
    import_ok(*setup_records())

    small = rollup_queries(many(3, "small"))
    large = rollup_queries(many(60, "large"))

    assert len(small) == len(large) <= len(ROLLUPS)
    assert_rollups_match_a_recount()


def test_rebuild_rollups_counts_data_imported_before_them(imported):
    business = Business.objects.get(slug=BUSINESS)
    expected = rollup_rows(business)
    for model in ROLLUPS:
        model.objects.all().delete()

    output = io.StringIO()
    call_command("rebuild_rollups", BUSINESS, stdout=output)

    assert rollup_rows(business) == expected
    assert output.getvalue() == f"{BUSINESS}: rebuild_rollups done\n"
    job = Job.objects.get(business=business)
    assert (job.state, job.done, job.total) == (Job.State.DONE, 1, 1)  # one conversation


def test_rebuild_rollups_rejects_an_unknown_business():
    with pytest.raises(CommandError, match="nope"):
        call_command("rebuild_rollups", "nope")


def test_deleting_a_business_deletes_its_rollups(imported):
    Conversation.objects.all().delete()
    Business.objects.get(slug=BUSINESS).delete()

    assert not any(model.objects.exists() for model in ROLLUPS)


# Phrases


def phrases_of(text, known=None):
    return {phrase for _, phrase in message_phrases(text, Masker(known))}


def test_common_words_numbers_and_single_letters_end_a_phrase():
    assert phrases_of("Hi pls mera card 4 baar block ho gaya hai, ok?") == {
        "card",
        "baar",
        "block",
        "gaya",
        "baar block",
    }


@pytest.mark.parametrize(
    ("text", "phrases"),
    [
        ("debited but not credited", {"debited", "credited"}),
        ("moratorium on home loan", {"moratorium", "home", "loan", "home loan"}),
        ("card blocked. Refund please", {"card", "blocked", "card blocked", "refund"}),
        (
            "UPI - payment failed",
            {"upi", "payment", "failed", "upi payment", "payment failed", "upi payment failed"},
        ),
    ],
)
def test_a_phrase_is_words_next_to_each_other_as_typed(text, phrases):
    assert phrases_of(text) == phrases


def test_a_masked_value_breaks_a_phrase():
    known = PersonalValues(name="Ravi Kumar")
    assert phrases_of("refund Ravi Kumar urgent", known) == {"refund", "urgent"}
    assert phrases_of("refund to ravi@example.com urgent") == {"refund", "urgent"}


def test_a_phrase_counts_once_per_message():
    assert sorted(message_phrases("card card card", Masker())) == [
        (1, "card"),
        (2, "card card"),
        (3, "card card card"),
    ]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("card blocked", ["card", "blocked"]),
        ("Card", ["card"]),
        ("the card", None),  # a stop word is never part of a phrase
        ("one two three four", None),
        ("", None),
    ],
)
def test_parse_phrase(value, words):
    assert parse_phrase(value) == words


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("My CARD blocked!", True),
        ("card - blocked", True),
        ("card’ blocked", True),
        ("My card is blocked", False),
        ("card 1234 blocked", False),
        ("card, blocked", False),
        ("card.\nblocked", False),
        ("cardboard blocked", False),
        ("blocked card", False),
        ("card was never blocked", False),
    ],
)
def test_phrase_pattern_finds_what_word_analysis_counted(text, found):
    """Run by the database, PostgreSQL or SQLite, as the phrase detail page does."""
    import_ok(*setup_records(), conversation("c", [message("m", text)]))

    matches = Conversation.objects.get().messages.filter(
        text__iregex=phrase_pattern(["card", "blocked"])
    )

    assert matches.exists() is found
    assert ("card blocked" in phrases_of(text)) is found


def test_marking_an_entity_personal_masks_it_in_the_rollups_at_once():
    user = {"id": "u-9", "attributes": {"branch_code": "Koregaon"}}
    import_ok(
        *setup_records(),
        conversation(
            "b-1", [message("b1", "my branch Koregaon please", bot_break=True)], user=user
        ),
    )
    assert DailyPhraseCount.objects.filter(phrase="koregaon").exists()

    import_ok(
        {
            "type": "bot",
            "business": BUSINESS,
            "slug": "sales",
            "entities": [{"name": "branch_code", "personal": True}],
        }
    )

    assert not DailyPhraseCount.objects.filter(phrase__contains="koregaon").exists()


def test_an_upgrade_that_counts_differently_recounts_every_business_once(imported):
    business = Business.objects.get(slug=BUSINESS)
    ConversationFacts.objects.all().delete()  # as counted by a version that had none
    RollupsVersion.objects.update_or_create(pk=1, defaults={"version": ROLLUPS_VERSION - 1})

    recount_outdated_rollups(using="default")

    assert ConversationFacts.objects.filter(business=business).count() == 1
    assert RollupsVersion.objects.get().version == ROLLUPS_VERSION
    jobs = Job.objects.filter(business=business, kind=Job.Kind.ROLLUPS)
    assert jobs.count() == 1 and "new analytics counts" in jobs.get().reason
    recount_outdated_rollups(using="default")
    assert jobs.count() == 1
