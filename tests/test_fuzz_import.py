"""Nothing accepted can break a page: records generated from the import format's grammar, with
hostile values in every field, go in through the API and through `import_data`; then every
page that shows them is opened as every role. No page answers 500 or raises, and every record
the import accepted is there.

The budget is small (a few examples, no deadline) so the suite stays fast; CI runs it on SQLite
and on PostgreSQL.
"""

import contextlib
import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatlinks.models import ShareLink
from conversations.models import ApiKey, Business, Conversation
from tests.factories import MembershipFactory
from tests.records import import_ok, setup_records

pytestmark = pytest.mark.django_db

BUSINESS = "acme"
AGENT = f"{BUSINESS}-asha"
# Values that broke something once, or that break things elsewhere.
HOSTILE_STRINGS = [
    "\ud800",
    "a\udfffb",
    "\x00",
    "",
    " ",
    "Bad Slug/é",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "{{ request }}{% csrf_token %}",
    "%s%n%(x)s",
    "\u202eevil",
    "İſK",
    "🤖" * 30,
    "\r\n\t",
    "'; DROP TABLE conversations_message; --",
    "localtime",
    "1" * 5_000,
    "card " + "1 " * 40 + "blocked",
    "x" * 300,
    "2026-10-01T09:00:00",
]
TIMESTAMPS = [
    "0001-01-01T00:00:00+05:30",
    "9999-12-31T23:00:00-05:00",
    "1969-12-31T23:59:59+00:00",
    "2026-10-01T09:00:00",
    "2026-02-30T09:00:00+05:30",
    "2026-10-01T09:00:00+14:00",
    "2026-10-01T09:00:00.123456-12:00",
]

# Any code point at all, with lone surrogates, NUL and a direction override drawn often:
# drawn uniformly they would be rare.
any_characters = st.one_of(
    st.characters(exclude_categories=()), st.sampled_from(["\ud800", "\udfff", "\x00", "\u202e"])
)
hostile_strings = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(any_characters, max_size=20))
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_strings,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_strings, inner, max_size=3),
    max_leaves=6,
)


def field(valid):
    """Mostly a valid value for a field, sometimes anything at all: a record with one bad field
    is rejected before its others are looked at, so most fields must pass for the rest to be
    tried."""
    return st.one_of(valid, valid, valid, valid, valid, valid, json_values)


timestamps = st.one_of(
    st.datetimes(
        min_value=dt.datetime(2020, 1, 1),
        max_value=dt.datetime(2030, 1, 1),
        timezones=st.sampled_from([dt.timezone(dt.timedelta(hours=h)) for h in (-12, 0, 5.5, 14)]),
    ).map(lambda when: when.isoformat()),
    st.sampled_from(TIMESTAMPS),
).filter(bool) | st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1), timezones=st.just(dt.UTC)
).map(lambda when: when.isoformat())
texts = st.one_of(st.text(any_characters, max_size=200), st.sampled_from(HOSTILE_STRINGS))
ids = st.one_of(st.text(any_characters, min_size=1, max_size=12), st.sampled_from(HOSTILE_STRINGS))

messages = st.fixed_dictionaries(
    {
        "id": field(ids),
        "at": field(timestamps),
        "sender": field(st.sampled_from(["user", "bot", "agent", "system", "robot"])),
        "text": field(texts),
    },
    optional={
        "bot_break": field(st.booleans()),
        "agent": field(st.sampled_from([AGENT, "nobody"])),
    },
)
users = st.fixed_dictionaries(
    {"id": field(ids)},
    optional={
        "name": field(texts),
        "email": field(texts),
        "phone": field(texts),
        "attributes": field(
            st.dictionaries(
                st.one_of(st.sampled_from(["pan_number", "city"]), hostile_strings),
                st.one_of(texts, st.integers(), st.floats(allow_nan=False)),
                max_size=3,
            )
        ),
    },
)
conversations = st.fixed_dictionaries(
    {
        "type": st.just("conversation"),
        "id": field(ids),
        "business": field(st.just(BUSINESS)),
        "bot": field(st.sampled_from(["support", "sales"])),
        "channel": field(st.one_of(st.sampled_from(["web", "whatsapp"]), texts)),
        "user": field(users),
        "started_at": field(timestamps),
        "messages": field(st.lists(messages, max_size=4)),
    },
    optional={
        "ended_at": field(timestamps),
        "agent": field(st.sampled_from([AGENT, "nobody"])),
        "team": field(st.sampled_from(["cards", "nope"])),
        "csat": field(
            st.fixed_dictionaries(
                {"rating": field(st.integers(min_value=0, max_value=6))},
                optional={"review": field(texts), "at": field(timestamps)},
            )
        ),
    },
)
settings_records = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("business"), "slug": field(st.just(BUSINESS))},
        optional={
            "name": field(texts),
            "timezone": field(st.sampled_from(["Asia/Kolkata", "localtime", "Nowhere", "UTC"])),
        },
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("bot"),
            "business": field(st.just(BUSINESS)),
            "slug": field(st.sampled_from(["support", "sales", "Bad Slug/é"])),
        },
        optional={
            "name": field(texts),
            "entities": field(
                st.lists(
                    st.fixed_dictionaries({"name": field(ids), "personal": field(st.booleans())}),
                    max_size=3,
                )
            ),
        },
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("team"),
            "business": field(st.just(BUSINESS)),
            "slug": field(st.sampled_from(["cards", "loans", "Bad Slug/é"])),
        },
        optional={"name": field(texts)},
    ),
)
batches = st.lists(
    st.one_of(conversations, conversations, conversations, settings_records, json_values),
    min_size=1,
    max_size=5,
)

# A record known to be good, in every batch: it must be there afterwards whatever came with it.
ANCHOR = {
    "type": "conversation",
    "id": "anchor",
    "business": BUSINESS,
    "bot": "support",
    "channel": "web",
    "user": {"id": "anchor-user", "name": "Ravi Kumar"},
    "agent": AGENT,
    "team": "cards",
    "started_at": "2026-10-01T09:00:00+05:30",
    "messages": [
        {"id": "a1", "at": "2026-10-01T09:00:00+05:30", "sender": "user", "text": "anchor text"}
    ],
    "csat": {"rating": 4, "review": "fine"},
}

LIST_PAGES = [
    "/",
    f"/b/{BUSINESS}/my-chats/",
    f"/b/{BUSINESS}/teams/",
    f"/b/{BUSINESS}/business/",
    f"/b/{BUSINESS}/analytics/messages/",
    f"/b/{BUSINESS}/analytics/messages/?tab=conversations",
    f"/b/{BUSINESS}/analytics/messages/messages.csv",
    f"/b/{BUSINESS}/analytics/words/",
    f"/b/{BUSINESS}/analytics/words/?scope=all&size=2",
    f"/b/{BUSINESS}/analytics/words/phrase/?phrase=card+blocked&scope=all",
    f"/b/{BUSINESS}/analytics/csat/",
    f"/b/{BUSINESS}/analytics/csat/reviews.csv",
    f"/b/{BUSINESS}/jobs/",
]


def import_through_the_api(client, batch):
    key = ApiKey.issue(Business.objects.get(slug=BUSINESS))[1]
    response = client.post(
        "/api/v1/import",
        json.dumps(batch),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code in (200, 400), response.content
    results = response.json()["results"]
    assert len(results) == len(batch)
    return [
        record
        for record, result in zip(batch, results, strict=True)
        if result["result"] != "rejected"
    ]


def import_through_the_command(tmp_path, batch):
    path = tmp_path / "fuzz.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in batch))
    err = io.StringIO()
    # It fails when a record was rejected; which ones it printed is what is checked.
    with contextlib.suppress(CommandError):
        call_command("import_data", str(path), stdout=io.StringIO(), stderr=err)
    rejected = {
        int(line.split(":")[0].removeprefix("line "))
        for line in err.getvalue().splitlines()
        if line.startswith("line ")
    }
    return [record for number, record in enumerate(batch, 1) if number not in rejected]


def open_everything(client):
    """Every page as every role; a 500 or an exception fails the test.

    The agent of the conversations holds every role with full access; a second member holds
    them all masked; an analyst sees analytics only.
    """
    business = Business.objects.get(slug=BUSINESS)
    full = business.memberships.get(user__username=AGENT).user
    masked = MembershipFactory(business=business, agent=True, team_lead=True, admin=True).user
    analyst = MembershipFactory(business=business, analyst=True).user
    tokens = list(Conversation.objects.values_list("token", flat=True))
    share = ShareLink.create_for(Conversation.objects.get(external_id="anchor"), full, 7)
    for viewer in (full, masked, analyst):
        client.force_login(viewer)
        for path in LIST_PAGES:
            response = client.get(path)
            assert response.status_code in (200, 403), (path, response.status_code)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        for token in tokens:
            response = client.get(f"/c/{token}/")
            assert response.status_code in (200, 404), (token, response.status_code)
    client.logout()
    assert client.get(f"/s/{share.token}/").status_code == 200


@pytest.mark.slow  # about 15 s: every page as three roles, for each of its examples
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(batch=batches, way=st.sampled_from(["api", "command"]))
def test_hostile_records_never_break_a_page(client, tmp_path, batch, way):
    cache.clear()  # the API's rate limit
    with transaction.atomic():
        import_ok(
            *setup_records(),
            {
                "type": "staff",
                "business": BUSINESS,
                "username": AGENT,
                "roles": ["agent", "team_lead", "admin"],
                "teams": ["cards"],
                "leads": ["cards"],
                "view_personal_details": True,
            },
        )
        batch = [ANCHOR, *batch] if way == "api" else [*batch, ANCHOR]
        if way == "api":
            accepted = import_through_the_api(client, batch)
        else:
            accepted = import_through_the_command(tmp_path, batch)

        stored = set(Conversation.objects.values_list("external_id", flat=True))
        for record in accepted:
            if isinstance(record, dict) and record.get("type") == "conversation":
                assert record["id"] in stored
        assert "anchor" in stored
        open_everything(client)
        transaction.set_rollback(True)
