"""The import path: every rule of import-format.md, through `import_records`."""

import copy

import pytest
from django.contrib.auth import get_user_model

from conversations.models import (
    PERSONAL_DETAILS_PERM,
    Bot,
    Business,
    Conversation,
    EndUser,
    Membership,
    Message,
    Team,
)

pytestmark = pytest.mark.django_db

BUSINESS = {"type": "business", "slug": "acme", "name": "Acme Bank", "timezone": "Asia/Kolkata"}
BOT = {
    "type": "bot",
    "business": "acme",
    "slug": "support",
    "name": "Support",
    "entities": [{"name": "pan_number", "personal": True}, {"name": "city", "personal": False}],
}
TEAM = {"type": "team", "business": "acme", "slug": "cards", "name": "Cards"}
STAFF = {
    "type": "staff",
    "username": "asha",
    "password": "asha-pass-1",
    "email": "asha@acme.test",
    "business": "acme",
    "roles": ["agent"],
    "teams": ["cards"],
    "view_personal_details": True,
}
CONVERSATION = {
    "type": "conversation",
    "id": "c-1",
    "business": "acme",
    "bot": "support",
    "channel": "web",
    "user": {"id": "u-1", "name": "Ravi Kumar", "attributes": {"city": "Pune"}},
    "started_at": "2026-10-01T09:00:00+05:30",
    "agent": "asha",
    "team": "cards",
    "csat": {"rating": 4, "review": "Quick help", "at": "2026-10-01T09:13:00+05:30"},
    "messages": [
        {"id": "m1", "at": "2026-10-01T09:00:00+05:30", "sender": "user", "text": "Hi"},
        {"id": "m2", "at": "2026-10-01T09:00:02+05:30", "sender": "bot", "text": "Hello!"},
        {
            "id": "m3",
            "at": "2026-10-01T09:01:00+05:30",
            "sender": "agent",
            "agent": "asha",
            "text": "Asha here.",
        },
    ],
}
SETUP = [BUSINESS, BOT, TEAM, STAFF]


def conversation(**changes):
    record = copy.deepcopy(CONVERSATION)
    record.update(changes)
    return record


def test_example_file_imports_twice_without_duplicates(run_import, example_lines):
    first = run_import(*example_lines)
    second = run_import(*example_lines)

    assert first.ok and second.ok, first.errors + second.errors
    assert Conversation.objects.count() == 2
    assert Message.objects.count() == 8
    assert EndUser.objects.count() == 1
    assert Membership.objects.count() == 4
    assert first.counts == second.counts


def test_conversation_is_stored_with_its_messages_in_order(run_import):
    result = run_import(*SETUP, CONVERSATION)

    assert result.ok, result.errors
    stored = Conversation.objects.get()
    assert stored.end_user.name == "Ravi Kumar"
    assert stored.agent.username == "asha"
    assert stored.team.slug == "cards"
    assert stored.csat_rating == 4
    assert stored.message_count == 3
    assert stored.last_user_message_text == "Hi"  # what the customer last said
    texts = list(stored.messages.order_by("sent_at").values_list("sender", "text"))
    assert texts == [("user", "Hi"), ("bot", "Hello!"), ("agent", "Asha here.")]
    assert stored.messages.get(external_id="m3").agent.username == "asha"


def test_share_tokens_are_long_and_distinct(run_import):
    run_import(*SETUP, CONVERSATION, conversation(id="c-2"))

    tokens = list(Conversation.objects.values_list("token", flat=True))
    assert len(set(tokens)) == 2
    assert all(len(token) >= 22 for token in tokens)  # at least 128 bits in base64


def test_reimport_adds_new_messages_and_updates_changed_ones(run_import):
    run_import(*SETUP, CONVERSATION)
    token = Conversation.objects.get().token
    updated = conversation()
    updated["messages"][1]["text"] = "Hello again!"
    updated["messages"].append(
        {"id": "m4", "at": "2026-10-01T09:05:00+05:30", "sender": "user", "text": "Thanks"}
    )

    result = run_import(updated)

    assert result.ok, result.errors
    stored = Conversation.objects.get()
    assert stored.token == token
    assert stored.messages.count() == 4
    assert stored.messages.get(external_id="m2").text == "Hello again!"
    assert stored.message_count == 4
    assert stored.last_user_message_text == "Thanks"


def test_later_records_update_user_details_and_keep_the_rest(run_import):
    run_import(*SETUP, CONVERSATION)
    later = conversation(id="c-2", user={"id": "u-1", "email": "ravi@example.com"})
    later["user"]["attributes"] = {"pan_number": "ABCPK1234F"}

    run_import(later)

    user = EndUser.objects.get()
    assert user.name == "Ravi Kumar"
    assert user.email == "ravi@example.com"
    assert user.attributes == {"city": "Pune", "pan_number": "ABCPK1234F"}
    assert user.conversations.count() == 2


def test_reimport_without_csat_keeps_the_stored_rating(run_import):
    run_import(*SETUP, CONVERSATION)
    without_csat = conversation()
    del without_csat["csat"]

    run_import(without_csat)

    assert Conversation.objects.get().csat_rating == 4


def test_same_conversation_twice_in_one_file_is_merged(run_import):
    second = conversation()
    second["messages"] = [
        {"id": "m9", "at": "2026-10-01T09:09:00+05:30", "sender": "user", "text": "Bye"}
    ]

    result = run_import(*SETUP, CONVERSATION, second)

    assert result.ok, result.errors
    assert Conversation.objects.get().messages.count() == 4


def test_bot_record_updates_entities(run_import):
    run_import(BUSINESS, BOT)
    changed = {**BOT, "entities": [{"name": "pan_number", "personal": False}]}

    run_import(changed)

    bot = Bot.objects.get()
    assert list(bot.entities.values_list("name", "personal")) == [("pan_number", False)]


def test_staff_record_sets_roles_teams_and_permission(run_import):
    run_import(BUSINESS, TEAM, STAFF, {**STAFF, "business": "acme", "leads": ["cards"]})
    user = get_user_model().objects.get(username="asha")
    membership = Membership.objects.get(user=user)

    assert user.check_password("asha-pass-1")
    assert membership.roles == ["agent"]
    assert list(membership.leads.values_list("slug", flat=True)) == ["cards"]
    assert user.has_perm(PERSONAL_DETAILS_PERM, membership.business)
    assert not user.has_perm(PERSONAL_DETAILS_PERM)


def test_staff_record_can_revoke_the_permission(run_import):
    run_import(BUSINESS, TEAM, STAFF)
    without_password = {k: v for k, v in STAFF.items() if k != "password"}

    result = run_import({**without_password, "view_personal_details": False})

    assert result.ok, result.errors
    user = get_user_model().objects.get(username="asha")
    assert user.check_password("asha-pass-1")
    assert not user.has_perm(PERSONAL_DETAILS_PERM, Business.objects.get())


def test_one_user_in_two_businesses(run_import):
    other = {"type": "business", "slug": "shop", "name": "Shop"}
    run_import(
        BUSINESS,
        TEAM,
        STAFF,
        other,
        {"type": "staff", "username": "asha", "business": "shop", "roles": ["analyst"]},
    )

    memberships = Membership.objects.filter(user__username="asha").order_by("business__slug")
    assert [(m.business.slug, m.roles) for m in memberships] == [
        ("acme", ["agent"]),
        ("shop", ["analyst"]),
    ]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("{not json", "line 5: record: not valid JSON"),
        ('["a list"]', "line 5: record: must be a JSON object"),
        ({"type": "robot"}, "line 5: type: must be one of business, bot, team, staff"),
        ({"type": "business"}, "line 5: business.slug: is required"),
        ({"type": "business", "slug": 7}, "line 5: business.slug: must be a string"),
        (
            {"type": "business", "slug": "x", "timezone": "Mars/Base"},
            "line 5: business.timezone: is not an IANA time zone name",
        ),
        (conversation(id=None), "line 5: conversation.id: is required"),
        (conversation(channel=["web"]), "line 5: conversation.channel: must be a string"),
        (conversation(user="u-1"), "line 5: conversation.user: must be an object"),
        (conversation(user={"name": "X"}), "line 5: conversation.user.id: is required"),
        (
            conversation(started_at="2026-10-01T09:00:00"),
            "line 5: conversation.started_at: timestamp has no UTC offset",
        ),
        (
            conversation(started_at="yesterday"),
            "line 5: conversation.started_at: is not an ISO 8601 timestamp",
        ),
        (conversation(bot="nobot"), "line 5: conversation.bot: unknown bot 'nobot'"),
        (
            conversation(business="nobiz"),
            "line 5: conversation.business: unknown business 'nobiz'",
        ),
        (conversation(team="noteam"), "line 5: conversation.team: unknown team 'noteam'"),
        (
            conversation(agent="ghost"),
            "line 5: conversation.agent: unknown staff member 'ghost' of this business",
        ),
        (
            conversation(csat={"rating": 6}),
            "line 5: conversation.csat.rating: must be between 1 and 5",
        ),
        (
            conversation(csat={"rating": True}),
            "line 5: conversation.csat.rating: must be an integer",
        ),
        (
            conversation(
                messages=[
                    {
                        "id": "m1",
                        "at": "2026-10-01T09:00:00Z",
                        "sender": "user",
                        "text": "x" * (64 * 1024 + 1),
                    }
                ]
            ),
            "line 5: conversation.messages[0].text: text is over 64 KiB",
        ),
        (
            conversation(
                messages=[
                    {"id": "m1", "at": "2026-10-01T09:00:00Z", "sender": "cat", "text": "meow"}
                ]
            ),
            "line 5: conversation.messages[0].sender: must be one of user, bot, agent, system",
        ),
        (
            conversation(
                messages=[{"id": "m1", "at": "2026-10-01T09:00:00", "sender": "user", "text": "hi"}]
            ),
            "line 5: conversation.messages[0].at: timestamp has no UTC offset",
        ),
        (
            conversation(
                messages=[
                    {"id": "m1", "at": "2026-10-01T09:00:00Z", "sender": "user", "text": "a"},
                    {"id": "m1", "at": "2026-10-01T09:00:00Z", "sender": "user", "text": "b"},
                ]
            ),
            "line 5: conversation.messages[1].id: duplicate message id 'm1'",
        ),
        (
            {**STAFF, "username": "newbie", "password": None},
            "line 5: staff.password: is required for a new user",
        ),
        ({**STAFF, "roles": ["boss"]}, "line 5: staff.roles[0]: must be one of agent"),
        ({**STAFF, "teams": ["nope"]}, "line 5: staff.teams[0]: unknown team 'nope'"),
    ],
)
def test_bad_record_is_rejected_naming_line_and_field(run_import, record, message):
    result = run_import(*SETUP, record)

    assert len(result.errors) == 1
    assert result.errors[0].startswith(message), result.errors[0]


def test_bad_records_do_not_stop_the_good_ones(run_import):
    result = run_import(
        *SETUP,
        conversation(id="bad", started_at="2026-10-01"),
        CONVERSATION,
        "{oops",
        conversation(id="c-2"),
    )

    assert [error.split(":")[0] for error in result.errors] == ["line 5", "line 7"]
    assert set(Conversation.objects.values_list("external_id", flat=True)) == {"c-1", "c-2"}
    assert result.counts["conversation"] == 2


def test_blank_lines_are_ignored_but_counted(run_import):
    result = run_import(*SETUP, "", "   ", "{oops")

    assert result.errors[0].startswith("line 7:")


def test_large_import_batches_its_writes(run_import, django_assert_max_num_queries):
    records = [
        conversation(
            id=f"c-{n}",
            user={"id": f"u-{n % 40}", "name": f"User {n}"},
            messages=[
                {"id": f"m{i}", "at": "2026-10-01T09:00:00Z", "sender": "user", "text": "hi"}
                for i in range(20)
            ],
        )
        for n in range(300)
    ]
    run_import(*SETUP)

    # SQLite caps the parameters of one INSERT at 999, some 55 rows of a message's 18 columns,
    # so this allows over a hundred queries; one a conversation would be 300 more, one a
    # message thousands.
    with django_assert_max_num_queries(160):
        result = run_import(*records)

    assert result.ok, result.errors[:3]
    assert Message.objects.count() == 6000
    assert EndUser.objects.count() == 40


def test_messages_copy_their_conversation_bot_and_channel(run_import):
    other_bot = {**BOT, "slug": "sales", "name": "Sales"}
    run_import(*SETUP, other_bot, CONVERSATION)

    run_import(conversation(bot="sales", channel="whatsapp"))

    assert set(Message.objects.values_list("bot__slug", "channel")) == {("sales", "whatsapp")}


def test_team_record_is_idempotent(run_import):
    run_import(BUSINESS, TEAM, TEAM, {**TEAM, "name": "Card Services"})

    assert list(Team.objects.values_list("name", flat=True)) == ["Card Services"]
