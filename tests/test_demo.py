"""The demo data generator: deterministic, importable in order, and full of PII to mask.

Pure tests, no database: they read the records `demo_records` yields.
"""

import datetime
import json
import random
import re
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest

from conversations.models import ConversationStatus, MessageKind
from demo.records import demo_logins, demo_records, luhn_check_digit, verhoeff_check_digit
from ingest.records import validate

TODAY = datetime.date(2026, 11, 25)
ROLES = {"agent", "team_lead", "analyst", "admin"}


@pytest.fixture(scope="module")
def records():
    return list(demo_records(seed=7, today=TODAY))


def of_type(records, kind):
    return [record for record in records if record["type"] == kind]


def texts(records):
    """Every free text a viewer may read: messages and CSAT reviews."""
    for conversation in of_type(records, "conversation"):
        yield from (message["text"] for message in conversation["messages"])
        if "review" in conversation.get("csat", {}):
            yield conversation["csat"]["review"]


def luhn_valid(digits):
    """Written independently of the generator's helper, to check it."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0


def verhoeff_valid(digits):
    return verhoeff_check_digit(digits[:-1]) == int(digits[-1])


def numbers(text, lengths):
    """Digit runs in `text`, spaces and dashes allowed between digits, of the given lengths."""
    for match in re.finditer(r"(?<![\w+])\d(?:[ -]?\d)+(?!\w)", text):
        digits = re.sub(r"\D", "", match.group())
        if len(digits) in lengths:
            yield digits


def test_same_seed_and_day_give_the_same_records(records):
    assert json.dumps(list(demo_records(seed=7, today=TODAY))) == json.dumps(records)
    assert json.dumps(list(demo_records(seed=8, today=TODAY))) != json.dumps(records)


def test_another_day_moves_the_times_but_keeps_every_conversation_the_same(records):
    # `make run` seeds on every start: a re-import on another day must update each
    # conversation in place, never graft one chat's messages onto another's id.
    def shapes(records):
        return {
            (c["business"], c["id"]): [(m["id"], m["sender"]) for m in c["messages"]]
            for c in of_type(records, "conversation")
        }

    later = list(demo_records(seed=7, today=TODAY + datetime.timedelta(days=3)))
    assert shapes(later) == shapes(records)
    assert of_type(later, "staff") == of_type(records, "staff")


def test_records_refer_only_to_earlier_records(records):
    known = set()
    for record in records:
        kind = record["type"]
        if kind == "business":
            known.add(("business", record["slug"]))
            continue
        business = record["business"]
        assert ("business", business) in known
        if kind in ("bot", "team"):
            known.add((kind, business, record["slug"]))
        elif kind == "staff":
            for team in record["teams"] + record["leads"]:
                assert ("team", business, team) in known
            known.update((role, business, record["username"]) for role in record["roles"])
        else:
            assert kind == "conversation"
            assert ("bot", business, record["bot"]) in known
            if "agent" in record:
                assert ("agent", business, record["agent"]) in known
                assert ("team", business, record["team"]) in known
            for message in record["messages"]:
                assert message.get("agent") == (
                    record["agent"] if message["sender"] == "agent" else None
                )


def test_each_login_has_its_password_on_its_first_line_only(records):
    seen = set()
    for staff in of_type(records, "staff"):
        assert ("password" in staff) == (staff["username"] not in seen)
        seen.add(staff["username"])


def test_every_login_has_the_name_its_chats_call_it(records):
    # Lists and transcripts show a staff member's display name: it must be the name the
    # hand-over and closing messages give, not the username.
    names = {}
    for staff in of_type(records, "staff"):
        if "display_name" in staff:  # on a login's first line, with its password
            names[staff["username"]] = staff["display_name"]
    assert set(names) == {staff["username"] for staff in of_type(records, "staff")}
    assert all(re.fullmatch(r"\w+( \w+)+", name) for name in names.values()), names
    handed_over = [c for c in of_type(records, "conversation") if "agent" in c]
    for conversation in handed_over:
        system = [m["text"] for m in conversation["messages"] if m["sender"] == "system"]
        name = names[conversation["agent"]]
        assert system[0] == f"Conversation transferred to agent {name}"
        assert all(text.endswith(f" {name}") for text in system)
    assert len({c["agent"] for c in handed_over}) == 15  # five agents in each business


def test_every_business_has_every_role_with_and_without_the_permission(records):
    businesses = of_type(records, "business")
    assert len({business["timezone"] for business in businesses}) == len(businesses) == 3
    permissions = defaultdict(set)
    for staff in of_type(records, "staff"):
        for role in staff["roles"]:
            permissions[staff["business"], role].add(staff["view_personal_details"])
    for business in businesses:
        for role in ROLES:
            assert permissions[business["slug"], role] == {True, False}, (business, role)


def test_one_login_has_different_roles_in_two_businesses(records):
    roles = defaultdict(dict)
    for staff in of_type(records, "staff"):
        roles[staff["username"]][staff["business"]] = tuple(staff["roles"])
    assert any(len(set(by_business.values())) > 1 for by_business in roles.values())


def test_demo_logins_list_every_staff_login(records):
    listed = {username for username, _, _ in demo_logins()}
    assert listed == {staff["username"] for staff in of_type(records, "staff")}


def test_conversations_follow_the_import_format(records):
    timezones = {
        business["slug"]: business["timezone"] for business in of_type(records, "business")
    }
    first_day = TODAY - datetime.timedelta(days=60)
    for conversation in of_type(records, "conversation"):
        started = datetime.datetime.fromisoformat(conversation["started_at"])
        local = started.astimezone(ZoneInfo(timezones[conversation["business"]]))
        # Written with the business's own offset, in its business hours, in the last 60 days.
        assert started.utcoffset() == local.utcoffset()
        assert 9 <= local.hour <= 18
        assert first_day <= local.date() < TODAY
        message_ids = [message["id"] for message in conversation["messages"]]
        assert len(set(message_ids)) == len(message_ids) >= 3
        times = [datetime.datetime.fromisoformat(m["at"]) for m in conversation["messages"]]
        assert all(moment.tzinfo for moment in times)
        assert times == sorted(times) and times[0] == started
        for message in conversation["messages"]:
            assert message["sender"] in {"user", "bot", "agent", "system"}
            assert 0 < len(message["text"].encode()) < 64 * 1024
            assert message.get("bot_break", False) is False or message["sender"] == "user"
        if "csat" in conversation:
            assert conversation["csat"]["rating"] in range(1, 6)
            ended = datetime.datetime.fromisoformat(conversation["ended_at"])
            assert datetime.datetime.fromisoformat(conversation["csat"]["at"]) > ended >= times[-1]


def test_check_digit_helpers_match_published_examples():
    assert luhn_check_digit("7992739871") == 3
    assert luhn_check_digit("411111111111111") == 1
    assert verhoeff_check_digit("236") == 3
    assert verhoeff_check_digit("142857") == 0


def test_verhoeff_catches_every_typo_and_swap():
    # What Verhoeff guarantees, and what a wrong entry in its tables breaks: every single-digit
    # error and every swap of two adjacent digits makes the number invalid.
    rng = random.Random(0)
    for _ in range(300):
        payload = "".join(rng.choices("0123456789", k=11))
        number = payload + str(verhoeff_check_digit(payload))
        for index, digit in enumerate(number):
            for other in "0123456789".replace(digit, ""):
                assert not verhoeff_valid(number[:index] + other + number[index + 1 :]), number
        for index in range(len(number) - 1):
            swapped = number[:index] + number[index + 1] + number[index] + number[index + 2 :]
            assert swapped == number or not verhoeff_valid(swapped), number


def test_every_kind_of_pii_appears_in_message_texts(records):
    found = Counter()
    for text in texts(records):
        found["card"] += sum(luhn_valid(d) for d in numbers(text, range(13, 20)))
        found["aadhaar"] += sum(verhoeff_valid(d) for d in numbers(text, {12}))
        found["pan"] += len(re.findall(r"\b[A-Z]{3}P[A-Z]\d{4}[A-Z]\b", text))
        found["email"] += len(re.findall(r"\b[\w.]+@[\w-]+\.[a-z]{2,}\b", text))
        found["phone"] += len(re.findall(r"(?:\+91[ -]?|\b0)?\b[6-9]\d{4}[ -]?\d{5}\b", text))
        # Look-alikes that must stay readable.
        found["order id"] += sum(not luhn_valid(d) for d in numbers(text, {16}))
        found["utr"] += sum(not verhoeff_valid(d) for d in numbers(text, {12}))
        found["amount"] += len(re.findall(r"(?:Rs\.? |₹|INR |\$)\d[\d,]*", text))
    for kind in ("card", "aadhaar", "pan", "email", "phone", "order id", "utr", "amount"):
        assert found[kind] >= 10, (kind, found)


def test_users_and_personal_entities_appear_in_their_own_chats(records):
    details, mentions = {}, Counter()
    for conversation in of_type(records, "conversation"):
        user = conversation["user"]
        details.setdefault((conversation["business"], user["id"]), {}).update(
            {"name": user.get("name"), **user.get("attributes", {})}
        )
        known = details[conversation["business"], user["id"]]
        chat = " ".join(message["text"] for message in conversation["messages"])
        for field in ("name", "account_number", "pan", "address", "passport_number", "upi_id"):
            if known.get(field) and known[field] in chat:
                mentions[field] += 1
    assert min(mentions[field] for field in mentions) >= 5 and len(mentions) == 6, mentions


def test_the_data_has_the_shape_of_a_busy_support_desk(records):
    conversations = of_type(records, "conversation")
    user_messages = [m for c in conversations for m in c["messages"] if m["sender"] == "user"]
    breaks = Counter(m["text"] for m in user_messages if m.get("bot_break"))
    assert 0.10 <= breaks.total() / len(user_messages) <= 0.16
    # Recurring phrasings, so Word Analysis has clear leaders.
    assert breaks.most_common(1)[0][1] >= 15
    assert 0.3 <= sum("agent" in c for c in conversations) / len(conversations) <= 0.5
    assert 0.4 <= sum("csat" in c for c in conversations) / len(conversations) <= 0.6
    per_user = Counter((c["business"], c["user"]["id"]) for c in conversations)
    assert sum(count > 1 for count in per_user.values()) >= 20
    assert any(6 <= count <= 10 for count in per_user.values())
    assert sum(len(c["messages"]) >= 140 for c in conversations) == 2
    channels = Counter(c["channel"] for c in conversations)
    assert set(channels) == {"web", "whatsapp", "android", "ios"}


def test_the_demo_uses_every_rich_element_and_status(records):
    conversations = list(of_type(records, "conversation"))
    messages = [message for c in conversations for message in c["messages"]]

    assert {message.get("type", "text") for message in messages} == set(MessageKind.values)
    assert any(message.get("picked") for message in messages)
    assert any(message.get("private") for message in messages)
    assert {c["status"] for c in conversations} == set(ConversationStatus.values)
    for conversation in conversations:
        validate(conversation)  # every element passes the import's checks


def test_a_conversation_still_going_does_not_end_with_its_closing_line(records):
    """The header's state agrees with the transcript: no "Conversation closed" in an open one,
    and a queued one has no agent yet."""
    open_ones = [c for c in of_type(records, "conversation") if c["status"] != "closed"]
    closing = [c["id"] for c in open_ones if c["messages"][-1]["sender"] == "system"]
    queued = [c for c in open_ones if c["status"] == "queued"]

    assert open_ones and queued
    assert closing == [c["id"] for c in queued]  # the handover is their last line
    assert all("agent" not in c for c in queued)
