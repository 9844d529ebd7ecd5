"""Nothing accepted can break a page, and nothing the format forbids is accepted.

Each generated record is a valid record of the import format (docs/import-format.md): a
business, bot, team or conversation with its user, attributes, messages and CSAT. Then, most of
the time, exactly one of its fields, chosen among all of them, gets a hostile value: a lone
surrogate, NUL, a huge string, deep nesting, a timestamp at the edge of the range, a wrong JSON
type, HTML, invisible characters, a 60,000-digit run, a key given twice or that only looks like
another, a bad slug, `localtime`. Since every other field is valid, the hostile value is the one
thing the import can trip on, so a check that goes missing lets it in and this test sees it.

The batch goes in through the API or through `import_data`, and then:
- a record that was left valid is accepted, and every accepted record is stored;
- a record whose hostile value the format forbids is rejected, and every rejection names the
  record (its line or its index) and the field that was changed;
- each hostile record, sent again through the API beside a valid one, costs that one nothing;
- every page of every business is opened as every role: no 500 and no exception.

The budget is small (derandomized, no deadline) so the suite stays fast; CI runs it on SQLite
and on PostgreSQL. Derandomized examples are seeded from this test's source: after changing
it, check again that switching off a check of ingest/records.py still fails it.
"""

import contextlib
import datetime as dt
import io
import json
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.models import ApiKey, Bot, Business, Conversation, Message, Team
from sharelinks.models import ShareLink
from tests.factories import MembershipFactory
from tests.records import import_ok, setup_records

pytestmark = pytest.mark.django_db

BUSINESS = "acme"
AGENT = f"{BUSINESS}-asha"
BOTS = ("support", "sales")  # created by setup_records
TEAM = "cards"

# Every rule of docs/import-format.md that the hostile values test, restated here, so that the
# test knows which records must be rejected without asking the code under test.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
MAX_DEPTH = 8
MAX_NUMBER = 2**53
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
SENDERS = ("user", "bot", "agent", "system")
IANA_ZONES = frozenset(zoneinfo.available_timezones()) - {"localtime", "posixrules", "Factory"}


# Valid values

# Any character a text may hold: all of Unicode but lone surrogates (category Cs) and NUL.
characters = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
valid_texts = st.text(characters, max_size=40)
valid_names = st.text(characters, max_size=30)  # at most 120 bytes: under every name limit
# "new-" keeps them apart from the unknown references of the hostile values, such as "nobody".
valid_slugs = st.from_regex(r"new-[-a-z0-9_]{0,16}", fullmatch=True)
# Within a few years: the CSAT page draws a column for every day of its period, so valid
# records spread over the whole range would make each example cost seconds. The edges of the
# range are among the hostile timestamps instead.
valid_times = st.one_of(
    st.datetimes(
        min_value=dt.datetime(2025, 1, 1),
        max_value=dt.datetime(2027, 12, 31),
        timezones=st.sampled_from(
            [dt.timezone(dt.timedelta(minutes=m)) for m in (-720, -210, 0, 330, 345, 840)]
        ),
    ).map(dt.datetime.isoformat),
    st.just("2026-10-01T09:00:00Z"),
)
attribute_values = st.one_of(
    valid_texts,
    st.integers(min_value=-MAX_NUMBER, max_value=MAX_NUMBER),
    st.floats(min_value=-1e15, max_value=1e15, allow_nan=False),
    st.booleans(),
)
attribute_keys = st.one_of(
    st.sampled_from(["pan_number", "account_number", "city"]),
    st.text(characters, min_size=1, max_size=20).filter(str.strip),
)


def numbered(prefix, index):
    """An id unique in its batch (`prefix` and `index`), with any valid characters after it:
    records with one id would merge, and a hostile value could hide behind the merge."""
    return st.text(characters, max_size=8).map(lambda rest: f"{prefix}{index}-{rest}")


def valid_messages(count):
    return st.tuples(
        *(
            st.fixed_dictionaries(
                {
                    "id": numbered("m", index),
                    "at": valid_times,
                    "sender": st.sampled_from(SENDERS),
                    "text": valid_texts,
                },
                optional={"bot_break": st.booleans(), "agent": st.just(AGENT)},
            )
            for index in range(count)
        )
    ).map(list)


def valid_conversations(index):
    return st.fixed_dictionaries(
        {
            "type": st.just("conversation"),
            "id": numbered("c", index),
            "business": st.just(BUSINESS),
            "bot": st.sampled_from(BOTS),
            "channel": st.one_of(
                st.sampled_from(["web", "whatsapp"]), st.text(characters, min_size=1, max_size=8)
            ).filter(str.strip),
            "user": st.fixed_dictionaries(
                # A few end users, so Previous / Next have several conversations to go through.
                {"id": st.sampled_from(["u-1", "u-2", "+91 98200 12345"])},
                optional={
                    "name": valid_names,
                    "email": valid_names,
                    "phone": st.text(characters, max_size=12),
                    "attributes": st.dictionaries(attribute_keys, attribute_values, max_size=3),
                },
            ),
            "started_at": valid_times,
            "messages": st.integers(min_value=1, max_value=3).flatmap(valid_messages),
        },
        optional={
            "ended_at": valid_times,
            "agent": st.just(AGENT),
            "team": st.just(TEAM),
            "csat": st.fixed_dictionaries(
                {"rating": st.integers(min_value=1, max_value=5)},
                optional={"review": valid_texts, "at": valid_times},
            ),
        },
    )


def valid_settings(way):
    # The API takes only records of its key's business; import_data may create another one.
    business_slugs = st.just(BUSINESS) if way == "api" else st.sampled_from([BUSINESS, "globex"])
    return st.one_of(
        st.fixed_dictionaries(
            {"type": st.just("business"), "slug": business_slugs},
            optional={
                "name": valid_names,
                "timezone": st.sampled_from(["Asia/Kolkata", "UTC", "America/St_Johns"]),
            },
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("bot"),
                "business": st.just(BUSINESS),
                "slug": st.one_of(st.sampled_from(BOTS), valid_slugs),
            },
            optional={
                "name": valid_names,
                "entities": st.lists(
                    st.fixed_dictionaries({"name": attribute_keys, "personal": st.booleans()}),
                    max_size=3,
                ),
            },
        ),
        st.fixed_dictionaries(
            {
                "type": st.just("team"),
                "business": st.just(BUSINESS),
                "slug": st.one_of(st.sampled_from([TEAM, "loans"]), valid_slugs),
            },
            optional={"name": valid_names},
        ),
    )


# The fields: what each one holds, so the oracle knows what the format allows in it. Paths
# are as the import names them, with [] for any list index and * for any attribute name.


@dataclass(frozen=True)
class Field:
    kind: str
    required: bool = False
    max_bytes: int = 200
    # The only values a reference may take: what exists when the batch is imported.
    known: tuple = ()


ID = Field("string", required=True)
NAME = Field("string")
TIME = Field("timestamp")
FIELDS = {
    "type": Field("type", required=True),
    "business.slug": Field("slug", required=True),
    "business.name": NAME,
    "business.timezone": Field("timezone"),
    "bot.business": Field("reference", required=True, known=(BUSINESS,)),
    "bot.slug": Field("slug", required=True),
    "bot.name": NAME,
    "bot.entities": Field("list"),
    "bot.entities[]": Field("object", required=True, known=("name",)),
    "bot.entities[].name": Field("string", required=True, max_bytes=100),
    "bot.entities[].personal": Field("flag"),
    "team.business": Field("reference", required=True, known=(BUSINESS,)),
    "team.slug": Field("slug", required=True),
    "team.name": NAME,
    "conversation.id": ID,
    "conversation.business": Field("reference", required=True, known=(BUSINESS,)),
    "conversation.bot": Field("reference", required=True, known=BOTS),
    "conversation.channel": Field("string", required=True, max_bytes=32),
    "conversation.user": Field("object", required=True, known=("id",)),
    "conversation.user.id": ID,
    "conversation.user.name": NAME,
    "conversation.user.email": Field("string", max_bytes=254),
    "conversation.user.phone": Field("string", max_bytes=50),
    "conversation.user.attributes": Field("attributes"),
    "conversation.user.attributes.*": Field("attribute", required=True, max_bytes=1000),
    "conversation.user.attributes key": Field("attribute key", required=True, max_bytes=100),
    "conversation.started_at": Field("timestamp", required=True),
    "conversation.ended_at": TIME,
    "conversation.agent": Field("reference", known=(AGENT,)),
    "conversation.team": Field("reference", known=(TEAM,)),
    "conversation.csat": Field("object", known=("rating",)),
    "conversation.csat.rating": Field("rating", required=True),
    "conversation.csat.review": Field("text"),
    "conversation.csat.at": TIME,
    "conversation.messages": Field("list"),
    "conversation.messages[]": Field("object", required=True, known=("id", "at", "sender")),
    "conversation.messages[].id": ID,
    "conversation.messages[].at": Field("timestamp", required=True),
    "conversation.messages[].sender": Field("sender", required=True),
    "conversation.messages[].text": Field("text", required=True),
    "conversation.messages[].bot_break": Field("flag"),
    "conversation.messages[].agent": Field("reference", known=(AGENT,)),
}


def field_name(kind, path):
    """The field as the import names it in an error: `conversation.messages[0].at`."""
    if path == ():
        return "record"
    if path == ("type",):
        return "type"
    name = kind
    for step in path:
        name += f"[{step}]" if isinstance(step, int) else f".{step}"
    return name


def field_of(kind, path):
    """The `FIELDS` entry of a path."""
    name = kind
    for step, parent in zip(path, (None, *path), strict=False):
        if isinstance(step, int):
            name += "[]"
        elif parent == "attributes":
            name += ".*"
        else:
            name += f".{step}"
    return FIELDS["type" if path == ("type",) else name]


def fields_of(value, path=()):
    """Every path of a record's values, as a tuple of keys and indices."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from fields_of(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from fields_of(item, (*path, index))


# Hostile values, for any field. The first of each list is the one hypothesis tries first.

# All outside the range or not a timestamp with an offset, but the last two: the very edges of
# the range, still in it, which a conversion to another time zone must not push over.
EDGE_TIMESTAMPS = [
    "0001-01-01T00:00:00+05:30",
    "9999-12-31T23:00:00-05:00",
    "1970-01-01T00:00:00+05:30",  # 1969 in UTC
    "2099-12-31T23:00:00-05:00",  # 2100 in UTC
    "1969-12-31T23:59:59+00:00",
    "2026-10-01T09:00:00",
    "2026-02-30T09:00:00+05:30",
    "2026-10-01T09:00:00+24:00",
    "2026-10-01",
    "1970-01-01T05:30:00+05:30",
    "2099-12-31T23:59:59.999999+00:00",
]
BAD_SLUGS = ["Bad Slug/é", "a/b", "café", "a b", "x.y", "a" * 65, "slug\n", "", "ｓｌｕｇ"]
BAD_ZONES = ["localtime", "posixrules", "Factory", "/etc/localtime", "UTC/..", "Nowhere", "utc"]
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request }}{% csrf_token %}",
    "javascript:alert(1)",
    "'; DROP TABLE conversations_message; --",
    "%s%n%(x)s",
]
INVISIBLE = ["\u202eevil", "\u200b", "\u200f\u200e", "\ufeff", "\u2028", "\r\n\t", " "]
# What was written to hang or slip past the masker: a name of 17 parts that are prefixes of
# each other (its pattern backtracked for minutes on a text of their letter), that text, and
# values hidden by invisible characters, full-width forms and digits in pairs.
MASKING_TRAPS = [
    " ".join("q" * (9 + part % 3) for part in range(17)),
    ("q" * 61 + " ") * 40,
    "4111\u200b1111\u200b1111\u200b1111",
    "ＢＱＺＰＢ４８２１Ｋ",
    "ravi＠example.com",
    "41 11 11 11 11 11 11 11",
    "9\u20608\u20607\u20606\u20605\u20604\u20603\u20602\u20601\u20600",
]
DIGIT_RUNS = ["7" * 60_000, "card " + "1 " * 40 + "blocked", ("card " + "9" * 500 + " ") * 100]
WRONG_TYPES = [None, True, 0, -1, 1.5, MAX_NUMBER + 1, -1e308, [], {}, ["x"], {"a": 1}]

surrogate_texts = st.one_of(
    st.sampled_from(["\ud800", "a\udfffb", "\udc00\ud800"]),
    # Anywhere in a text, high or low.
    st.tuples(
        valid_texts, st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), valid_texts
    ).map("".join),
)


def nested(depth, leaf):
    for _ in range(depth):
        leaf = [leaf] if depth % 2 else {"k": leaf}
    return leaf


# The values that do harm once stored (a page that cannot encode them, a database that cannot
# hold them): a lone surrogate or a NUL is drawn for half of the hostile values.
unstorable_texts = st.one_of(surrogate_texts, st.sampled_from(["\x00", "a\x00b"]))
generic_hostile = st.one_of(
    st.sampled_from(["x" * 201, "é" * 101, "🤖" * 51, "x" * 1001, "x" * (64 * 1024 + 1)]),
    st.integers(min_value=MAX_DEPTH, max_value=20).map(lambda depth: nested(depth, "x")),
    st.sampled_from(EDGE_TIMESTAMPS),
    st.sampled_from(WRONG_TYPES),
    st.sampled_from(MARKUP),
    st.sampled_from(INVISIBLE),
    st.sampled_from(MASKING_TRAPS),
    st.sampled_from(DIGIT_RUNS),
    st.sampled_from(BAD_SLUGS),
    st.sampled_from(BAD_ZONES),
)
# The values a field of each kind is most likely to trip on, drawn as often as all the others.
hostile_for_kind = {
    "slug": st.sampled_from(BAD_SLUGS),
    "timestamp": st.sampled_from(EDGE_TIMESTAMPS),
    "timezone": st.sampled_from(BAD_ZONES),
    "reference": st.sampled_from(["nobody", "Support", "support ", "sales\u200b", "cards/"]),
    "rating": st.sampled_from([0, 6, -1, True, 4.5, "5"]),
    "sender": st.sampled_from(["robot", "User", "", "agent "]),
    # Keys that only look like one another, or like a key the platform uses.
    "attribute key": st.sampled_from(
        ["City", "city\u200b", "ｃｉｔｙ", "city ", "", " ", "k" * 101]
    ),
}


@dataclass(frozen=True)
class Twice:
    """A key given twice in one JSON object: Python dicts cannot hold it, so the line is
    written by hand (`to_json`)."""

    key: str
    first: Any
    second: Any


@dataclass(frozen=True)
class Hostile:
    """A record of type `kind` changed in one place: `path` (() for the record as a whole) now
    holds `value`, or, with `rename`, the attribute at `path` was renamed to `value`."""

    kind: str
    path: tuple
    value: Any
    rename: bool = False


class RawLine(bytes):
    """A line of a file that is no JSON record at all: written as it is."""


RAW_LINES = [
    RawLine(b"[" * 100_000),
    RawLine(b'{"type": "conversation", "id": "caf\xe9"}'),  # Latin-1, not UTF-8
    RawLine(b'{"type": "team", "business": "acme", "slug": "cut-short"'),
]


@st.composite
def hostile_records(draw, index, way):
    """A valid record with, most of the time, one field made hostile: (record, Hostile | None)."""
    record = draw(st.one_of(valid_conversations(index), valid_settings(way)))
    kind = record["type"]
    if draw(st.integers(min_value=0, max_value=7)) == 0:
        return record, None
    # Each kind of field is as likely to be chosen as any other, however many fields of that
    # kind the record has: otherwise the many strings of a conversation would crowd out its
    # one slug, time zone or rating.
    paths = list(fields_of(record))
    kinds = sorted({field_of(kind, path).kind for path in paths})
    if draw(st.integers(min_value=0, max_value=19)) == 0:
        path = ()
    else:
        chosen = draw(st.sampled_from(kinds))
        path = draw(
            st.sampled_from([path for path in paths if field_of(kind, path).kind == chosen])
        )
    if path == ():
        # Not a record at all. Only import_data reads records one by one: in an API body, a
        # line like these would make the whole body invalid JSON, and an object would be read
        # as a record, so the API gets anything else instead.
        value = draw(
            st.sampled_from(RAW_LINES)
            if way == "command"
            else generic_hostile.filter(lambda value: not isinstance(value, dict))
        )
        return value, Hostile(kind, (), value)
    field = field_of(kind, path)
    if field.kind == "attribute" and draw(st.booleans()):
        value = draw(
            st.one_of(hostile_for_kind["attribute key"], unstorable_texts, generic_hostile)
        )
        if isinstance(value, str):
            return rename(record, path, value), Hostile(kind, path, value, rename=True)
    if (
        way == "command"
        and isinstance(path[-1], str)
        and draw(st.integers(min_value=0, max_value=9)) == 0
    ):
        twice = Twice(path[-1], get(record, path), draw(generic_hostile))
        return replace(record, path, twice), Hostile(kind, path, twice)
    if field.kind in hostile_for_kind and draw(st.booleans()):
        value = draw(hostile_for_kind[field.kind])
    elif is_message_id(path) and path[1] > 0 and draw(st.booleans()):
        value = record["messages"][0]["id"]  # the id of an earlier message again
    elif draw(st.booleans()):
        value = draw(unstorable_texts)
    else:
        value = draw(generic_hostile)
    return replace(record, path, value), Hostile(kind, path, value)


def is_message_id(path):
    return len(path) == 3 and path[0] == "messages" and path[2] == "id"


def get(record, path):
    for step in path:
        record = record[step]
    return record


def replace(record, path, value):
    """A copy of `record` with `value` at `path`."""
    if not path:
        return value
    copy = list(record) if isinstance(record, list) else dict(record)
    copy[path[0]] = replace(record[path[0]], path[1:], value)
    return copy


def rename(record, path, new_name):
    """A copy of `record` with the attribute at `path` renamed, keeping its place."""
    attributes = get(record, path[:-1])
    renamed = {new_name if key == path[-1] else key: item for key, item in attributes.items()}
    return replace(record, path[:-1], renamed)


def to_json(value):
    """JSON text of a record, keys given twice included; a line given as a string is sent as
    it is."""
    if isinstance(value, Twice):
        raise AssertionError("a Twice is written by the object that holds it")
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            if isinstance(item, Twice):
                items.append(f"{json.dumps(key)}: {to_json(item.first)}")
                items.append(f"{json.dumps(key)}: {to_json(item.second)}")
            else:
                items.append(f"{json.dumps(key)}: {to_json(item)}")
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_json(item) for item in value) + "]"
    return json.dumps(value)


# The oracle: does the format forbid this value in this field?


def unstorable(value, depth):
    """A lone surrogate, a NUL, a number out of range or nesting too deep, anywhere in it."""
    if depth > MAX_DEPTH:
        return True
    if isinstance(value, str):
        return "\x00" in value or any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return abs(value) > MAX_NUMBER
    if isinstance(value, dict):
        return any(
            unstorable(key, depth) or unstorable(item, depth + 1) for key, item in value.items()
        )
    return any(unstorable(item, depth + 1) for item in value)


def bad_timestamp(value):
    try:
        when = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return True
    return when.utcoffset() is None or not EARLIEST <= when < LATEST


def too_long(value, field):
    return isinstance(value, str) and len(value.encode()) > field.max_bytes


def forbidden(record, hostile):
    """Whether the format forbids the hostile value of `record` (so it must be rejected)."""
    if hostile.path == () or isinstance(hostile.value, Twice):
        return True
    value = hostile.value
    field = field_of(hostile.kind, hostile.path)
    if hostile.rename:
        field = FIELDS["conversation.user.attributes key"]
        return unstorable(value, 0) or not value.strip() or too_long(value, field)
    if value is None:
        return field.required
    if unstorable(value, len(hostile.path)):
        return True
    match field.kind:
        case "type":
            return True  # no hostile value is a record type
        case "slug":
            return not isinstance(value, str) or not SLUG.fullmatch(value) or too_long(value, field)
        case "reference":
            return value not in field.known
        case "string" if is_message_id(hostile.path):
            earlier = record["messages"][: hostile.path[1]]
            return forbidden_string(value, field) or value in {item["id"] for item in earlier}
        case "string":
            return forbidden_string(value, field)
        case "text":
            return not isinstance(value, str) or len(value.encode()) > 64 * 1024
        case "timestamp":
            return bad_timestamp(value)
        case "timezone":
            return value not in IANA_ZONES
        case "sender":
            return value not in SENDERS
        case "flag":
            return not isinstance(value, bool)
        case "rating":
            return isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5
        case "list":
            return not isinstance(value, list) or any(not isinstance(item, dict) for item in value)
        case "object":
            return not isinstance(value, dict) or any(key not in value for key in field.known)
        case "attributes":
            return not isinstance(value, dict) or any(
                not key.strip()
                or too_long(key, FIELDS["conversation.user.attributes key"])
                or forbidden_attribute(item)
                for key, item in value.items()
            )
        case "attribute":
            return forbidden_attribute(value)
    raise AssertionError(f"no rule for {field}")


def forbidden_string(value, field):
    return (
        not isinstance(value, str)
        or (field.required and not value.strip())
        or too_long(value, field)
    )


def forbidden_attribute(value):
    return not isinstance(value, str | int | float) or too_long(value, Field("", max_bytes=1000))


def named_field(hostile):
    """The field a rejection of the record must name: the one that was changed."""
    if hostile.path == () or isinstance(hostile.value, Twice):
        return "record"  # the line is not a valid JSON object
    if hostile.rename:
        return field_name(hostile.kind, hostile.path[:-1])
    return field_name(hostile.kind, hostile.path)


def names(error, field):
    """Whether an error ("conversation.messages[0].at: is not ..." or the API's field) is
    about `field` or something inside it."""
    return error == field or (error.startswith(field) and error[len(field)] in ".[ :")


# A record known to be good, in every batch: it must be there afterwards whatever came with it.
ANCHOR = {
    "type": "conversation",
    "id": "anchor",
    "business": BUSINESS,
    "bot": "support",
    "channel": "web",
    "user": {"id": "anchor-user", "name": "Ravi Kumar"},
    "agent": AGENT,
    "team": TEAM,
    "started_at": "2026-10-01T09:00:00+05:30",
    "messages": [
        {"id": "a1", "at": "2026-10-01T09:00:00+05:30", "sender": "user", "text": "anchor text"}
    ],
    "csat": {"rating": 4, "review": "fine"},
}

LIST_PAGES = [
    "/b/{slug}/my-chats/",
    "/b/{slug}/teams/",
    "/b/{slug}/business/",
    "/b/{slug}/analytics/messages/",
    "/b/{slug}/analytics/messages/?tab=conversations",
    "/b/{slug}/analytics/messages/messages.csv",
    "/b/{slug}/analytics/words/",
    "/b/{slug}/analytics/words/?scope=all&size=2",
    "/b/{slug}/analytics/words/phrase/?phrase=card+blocked&scope=all",
    "/b/{slug}/analytics/csat/",
    "/b/{slug}/analytics/csat/reviews.csv",
    "/b/{slug}/jobs/",
]


def import_through_the_api(client, batch):
    """{index: error field, or None when accepted} of each record of `batch`."""
    key = ApiKey.issue(Business.objects.get(slug=BUSINESS))[1]
    response = client.post(
        "/api/v1/import",
        "[" + ", ".join(to_json(record) for record in batch) + "]",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code in (200, 400), response.content
    body = response.json()
    assert [result["record"] for result in body["results"]] == list(range(len(batch)))
    errors = {error["record"]: error["field"] for error in body["errors"]}
    for result in body["results"]:
        assert (result["result"] == "rejected") == (result["record"] in errors), body
    return {index: errors.get(index) for index in range(len(batch))}


def import_through_the_command(tmp_path, batch):
    """{index: error line, or None when accepted} of each record of `batch`."""
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(
        b"\n".join(
            record if isinstance(record, RawLine) else to_json(record).encode() for record in batch
        )
    )
    err = io.StringIO()
    # It fails when a record was rejected; which ones it printed is what is checked.
    with contextlib.suppress(CommandError):
        call_command("import_data", str(path), stdout=io.StringIO(), stderr=err)
    assert "Traceback" not in err.getvalue()
    errors = {}
    for line in err.getvalue().splitlines():
        locator, _, rest = line.partition(": ")
        if locator.startswith("line "):
            errors[int(locator.removeprefix("line ")) - 1] = rest
    return {index: errors.get(index) for index in range(len(batch))}


def assert_costs_no_neighbour(client, hostile_record, index):
    """A hostile record sent through the API beside a valid one: the valid one is stored.

    Whatever the hostile value, a lone surrogate or a key given twice included, it is the
    record's alone to answer for. (A line that is no JSON at all, RAW_LINES, has no place in
    an array: the body around it would not be JSON either.)
    """
    neighbour = {**ANCHOR, "id": f"neighbour-{index}"}
    errors = import_through_the_api(client, [hostile_record, neighbour])
    assert errors[1] is None, ("the valid neighbour was rejected", hostile_record, errors[1])
    assert_stored(neighbour)


def assert_stored(record):
    match record["type"]:
        case "conversation":
            conversation = Conversation.objects.get(
                business__slug=record["business"], external_id=record["id"]
            )
            stored = set(
                Message.objects.filter(conversation=conversation).values_list(
                    "external_id", flat=True
                )
            )
            assert {message["id"] for message in record["messages"]} <= stored
        case "business":
            assert Business.objects.filter(slug=record["slug"]).exists()
        case "bot":
            assert Bot.objects.filter(business__slug=record["business"], slug=record["slug"])
        case "team":
            assert Team.objects.filter(business__slug=record["business"], slug=record["slug"])


def open_everything(client):
    """Every page of every business as every role; a 500 or an exception fails the test.

    In each business a member holds every role with full access (in acme, the agent of the
    conversations), another holds them all masked, and an analyst sees analytics only.
    """
    for business in Business.objects.all():
        full = business.memberships.filter(user__username=AGENT).first()
        if full is None:
            full = MembershipFactory(
                business=business,
                agent=True,
                team_lead=True,
                admin=True,
                view_personal_details=True,
            )
        masked = MembershipFactory(business=business, agent=True, team_lead=True, admin=True)
        analyst = MembershipFactory(business=business, analyst=True)
        tokens = Conversation.objects.filter(business=business).values_list("token", flat=True)
        for viewer in (full.user, masked.user, analyst.user):
            client.force_login(viewer)
            assert client.get("/").status_code == 200
            for path in LIST_PAGES:
                response = client.get(path.format(slug=business.slug))
                assert response.status_code in (200, 403), (path, response.status_code)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
            for token in tokens:
                response = client.get(f"/c/{token}/")
                assert response.status_code == 200, (token, response.status_code)
    anchor = Conversation.objects.get(external_id="anchor")
    share = ShareLink.create_for(anchor, anchor.agent, 7)
    client.logout()
    assert client.get(f"/s/{share.token}/").status_code == 200


@st.composite
def batches(draw):
    """(way, [(record, Hostile | None), ...]): a few records, each with its own index."""
    way = draw(st.sampled_from(["api", "command"]))
    size = draw(st.integers(min_value=3, max_value=8))
    return way, [draw(hostile_records(index, way)) for index in range(size)]


# About 15 s: every page as three roles, for each of its examples. With the lone-surrogate
# check or the slug check of ingest/records.py switched off, the second example fails.
@pytest.mark.slow
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(generated=batches())
def test_hostile_records_never_break_a_page(client, tmp_path, generated):
    way, drawn = generated
    drawn = [(ANCHOR, None), *drawn] if way == "api" else [*drawn, (ANCHOR, None)]
    batch = [record for record, _ in drawn]
    cache.clear()  # the API's rate limit
    with transaction.atomic():
        import_ok(
            *setup_records(),
            {
                "type": "staff",
                "business": BUSINESS,
                "username": AGENT,
                "roles": ["agent", "team_lead", "admin"],
                "teams": [TEAM],
                "leads": [TEAM],
                "view_personal_details": True,
            },
        )
        if way == "api":
            errors = import_through_the_api(client, batch)
        else:
            errors = import_through_the_command(tmp_path, batch)

        for index, (record, hostile) in enumerate(drawn):
            error = errors[index]
            if hostile is None:
                assert error is None, ("a valid record was rejected", record, error)
            elif error is None:
                assert not forbidden(record, hostile), ("a forbidden value got in", hostile)
            else:
                assert names(error, named_field(hostile)), ("the wrong field named", error, hostile)
            if error is None:
                assert_stored(record)
        for index, (record, hostile) in enumerate(drawn):
            if hostile is not None and not isinstance(record, RawLine):
                assert_costs_no_neighbour(client, record, index)
        open_everything(client)
        transaction.set_rollback(True)
