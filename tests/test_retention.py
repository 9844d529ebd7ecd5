"""Retention per business: a conversation whose last message is older than the business keeps,
counted in days of its time zone, is removed entirely, in batches; each run is audited."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command

from analytics.models import DailyConversationCount, DailyMessageCount, DailyPhraseCount
from audit.models import AuditEntry
from chatlinks.celery import app
from conversations.models import Business, Conversation, EndUser, Message
from ingest.actors import Actor
from ingest.lifecycle import do_apply_retention, retention_cutoff
from ingest.tasks import apply_retention_everywhere
from ingest.writer import update_business
from rules.access import Access
from sharelinks.models import ShareLink
from tests.records import BUSINESS, IMPORT_DATA, conversation, import_ok, message, setup_records

pytestmark = pytest.mark.django_db

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
# 15 November 2026, 10:00 in Kolkata: keeping 30 days keeps from 16 October, 00:00 there.
NOW = dt.datetime(2026, 11, 15, 10, 0, tzinfo=IST)
FIRST_KEPT = dt.datetime(2026, 10, 16, 0, 0, tzinfo=IST)
SWEEP = Actor.management_command("apply_retention")


def chat(conversation_id, last, *, user="u-1", word="hello", note_after=None):
    """A conversation started a day before `last`, its last message at `last`."""
    started = last - dt.timedelta(days=1)
    messages = [
        message("m1", f"{word} first", when=started.isoformat(), bot_break=True),
        message("m2", f"{word} last", when=last.isoformat(), bot_break=True),
    ]
    if note_after:
        messages.append(
            {
                "id": "note",
                "at": note_after.isoformat(),
                "sender": "agent",
                "text": "internal",
                "private": True,
                "agent": f"{BUSINESS}-asha",
            }
        )
    return conversation(conversation_id, messages, user=user, started_at=started.isoformat())


@pytest.fixture
def business():
    import_ok(*setup_records())
    business = Business.objects.get(slug=BUSINESS)
    update_business(IMPORT_DATA, business, retention_days=30)
    return business


def stored(business):
    return set(Conversation.objects.filter(business=business).values_list("external_id", flat=True))


def test_removes_exactly_what_is_older_than_the_first_kept_day(business):
    just_before = FIRST_KEPT - dt.timedelta(minutes=1)
    import_ok(
        chat("older", just_before, user="u-old"),
        chat("on-the-day", FIRST_KEPT, user="u-new"),
        chat("recent", NOW - dt.timedelta(hours=1), user="u-new"),
    )

    run = do_apply_retention(SWEEP, business, now=NOW)

    assert run is not None and run.cutoff == FIRST_KEPT
    assert stored(business) == {"on-the-day", "recent"}
    assert (run.conversations, run.messages, run.end_users) == (1, 2, 1)
    assert not EndUser.objects.filter(external_id="u-old").exists()
    assert not Message.objects.filter(conversation__external_id="older").exists()


def test_days_are_the_business_s_own(business):
    """00:30 on 16 October in Kolkata is 19:00 on 15 October in UTC: the first day Acme
    keeps in Kolkata, a day too old for a business in UTC."""
    early_on_the_first_day = dt.datetime(2026, 10, 16, 0, 30, tzinfo=IST)
    import_ok(chat("early", early_on_the_first_day))
    assert retention_cutoff(business, NOW) == FIRST_KEPT

    do_apply_retention(SWEEP, business, now=NOW)
    assert stored(business) == {"early"}

    update_business(IMPORT_DATA, business, timezone="UTC")
    business.refresh_from_db()
    do_apply_retention(SWEEP, business, now=NOW)
    assert stored(business) == set()


def test_a_later_private_note_keeps_the_conversation(business):
    import_ok(chat("noted", FIRST_KEPT - dt.timedelta(days=3), note_after=NOW))

    do_apply_retention(SWEEP, business, now=NOW)

    assert stored(business) == {"noted"}


def test_an_end_user_with_a_kept_conversation_stays(business):
    import_ok(
        chat("old-one", FIRST_KEPT - dt.timedelta(days=10), user="u-both"),
        chat("new-one", NOW, user="u-both"),
    )

    run = do_apply_retention(SWEEP, business, now=NOW)

    assert (run.conversations, run.end_users) == (1, 0)
    assert EndUser.objects.get(external_id="u-both").conversations.count() == 1


def test_small_batches_remove_everything_in_one_audited_run(business):
    old = FIRST_KEPT - dt.timedelta(days=2)
    import_ok(*(chat(f"old-{n}", old, user=f"u-{n}") for n in range(5)))

    run = do_apply_retention(SWEEP, business, now=NOW, batch_size=2)

    assert run.conversations == 5 and stored(business) == set()
    (entry,) = AuditEntry.objects.filter(business=business, kind=AuditEntry.Kind.RETENTION)
    assert entry.what == (
        "Kept 30 days: removed 5 conversations, 10 messages and 5 end users whose last message "
        "was before 2026-10-16 00:00 (Asia/Kolkata)"
    )
    assert (entry.actor_kind, entry.actor_name) == ("command", "manage.py apply_retention")


def test_a_run_that_removes_nothing_is_audited_too(business):
    do_apply_retention(SWEEP, business, now=NOW)

    assert AuditEntry.objects.filter(kind=AuditEntry.Kind.RETENTION).count() == 1


def test_a_business_that_keeps_forever_loses_nothing(business):
    update_business(IMPORT_DATA, business, retention_days=None)
    import_ok(chat("ancient", dt.datetime(2020, 1, 1, tzinfo=IST)))

    assert do_apply_retention(SWEEP, business, now=NOW) is None

    assert stored(business) == {"ancient"}
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.RETENTION).exists()


def test_counts_stay_and_words_go(business):
    old = FIRST_KEPT - dt.timedelta(days=2)
    import_ok(chat("old", old, word="oldword"), chat("new", NOW, word="newword"))
    messages = list(DailyMessageCount.objects.values_list("day", "count").order_by("day"))
    conversations = list(DailyConversationCount.objects.values_list("day", "count"))

    do_apply_retention(SWEEP, business, now=NOW)

    phrases = DailyPhraseCount.objects.filter(business=business)
    assert not phrases.filter(phrase__contains="oldword").exists()
    assert phrases.filter(phrase__contains="newword").exists()
    assert list(DailyMessageCount.objects.values_list("day", "count").order_by("day")) == messages
    assert list(DailyConversationCount.objects.values_list("day", "count")) == conversations


def test_share_links_go_and_who_opened_them_stays_in_the_audit_log(business):
    import_ok(chat("old", FIRST_KEPT - dt.timedelta(days=2)))
    old = Conversation.objects.get(external_id="old")
    link = ShareLink.create_for(old, None)
    AuditEntry.objects.opened(None, old, Access.MASKED, link)

    do_apply_retention(SWEEP, business, now=NOW)

    assert not ShareLink.objects.exists()
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.CONVERSATION)
    assert (entry.conversation, entry.share_link) == (None, None)


def test_the_command_runs_it_now_for_the_businesses_named(business, capsys):
    import_ok(
        {"type": "business", "slug": "keeper", "name": "Keeper"},
        chat("ancient", dt.datetime(2020, 1, 1, tzinfo=IST)),
    )

    call_command("apply_retention", BUSINESS, "keeper")

    assert capsys.readouterr().out.splitlines() == [
        "keeper: keeps conversations forever",
        f"{BUSINESS}: removed 1 conversations, 2 messages and 1 end users",
    ]
    assert stored(business) == set()


def test_the_nightly_task_is_scheduled_and_sweeps_every_business_with_a_retention(business):
    import_ok(chat("ancient", dt.datetime(2020, 1, 1, tzinfo=IST)))
    schedule = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert schedule["task"] in app.tasks

    apply_retention_everywhere()

    assert stored(business) == set()
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.RETENTION)
    assert (entry.actor_kind, entry.actor_name) == ("schedule", "task apply_retention_everywhere")


def test_a_business_record_sets_keeps_or_clears_its_retention(business):
    def imported(**fields):
        import_ok({"type": "business", "slug": BUSINESS, **fields})
        return Business.objects.get(slug=BUSINESS).retention_days

    assert imported(retention_days=90) == 90
    assert imported(name="Acme") == 90  # left out: as it was
    assert imported(retention_days=None) is None  # null: kept for ever
    entries = AuditEntry.objects.filter(business=business, kind=AuditEntry.Kind.SETTINGS)
    assert entries.filter(what__icontains="retention").count() >= 2


@pytest.mark.parametrize("days", [0, -1, 36_501, 1.5, "30", True])
def test_a_business_record_with_a_retention_out_of_range_is_rejected(days):
    from ingest.importer import import_records

    record = {"type": "business", "slug": "x", "retention_days": days}
    result = import_records([("line 1", record)], IMPORT_DATA)

    assert not result.ok
    assert "retention_days" in str(result.errors)


def test_a_business_record_turns_the_second_factor_requirement_off_and_on(business):
    def imported(**fields):
        import_ok({"type": "business", "slug": BUSINESS, **fields})
        return Business.objects.get(slug=BUSINESS).require_second_factor

    assert imported(require_second_factor=True) is True
    assert imported(name="Acme") is True  # left out: as it was
    assert imported(require_second_factor=False) is False


def test_a_business_record_trusts_the_identity_providers_second_factor_or_not(business):
    def imported(**fields):
        import_ok({"type": "business", "slug": BUSINESS, **fields})
        return Business.objects.get(slug=BUSINESS).trust_idp_second_factor

    assert imported(name="Acme") is False  # the default
    assert imported(trust_idp_second_factor=True) is True
    assert imported(name="Acme") is True  # left out: as it was
    assert imported(trust_idp_second_factor=False) is False


def test_a_business_record_allows_single_sign_on_or_not(business):
    def imported(**fields):
        import_ok({"type": "business", "slug": BUSINESS, **fields})
        return Business.objects.get(slug=BUSINESS).allow_single_sign_on

    assert imported(name="Acme") is False  # the default
    assert imported(allow_single_sign_on=True) is True
    assert imported(name="Acme") is True  # left out: as it was
    assert imported(allow_single_sign_on=False) is False
