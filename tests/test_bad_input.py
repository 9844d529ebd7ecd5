"""Bad input never breaks anything: each case a fuzzer found answered 500 or a traceback, or
lost a good record of the same batch. Now each bad record is rejected alone, with its place,
field and reason, and the good ones around it are kept."""

import contextlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.phrases import phrase_pattern
from conversations.models import ApiKey, Business, Conversation, EndUser, Message
from ingest.records import RecordError, check_values, storable
from sharelinks.models import ShareLink
from tests.factories import MembershipFactory
from tests.pii import planted_conversation
from tests.records import conversation, import_ok, message, setup_records

pytestmark = pytest.mark.django_db

URL = "/api/v1/import"
SURROGATE = "\ud800"


def issued_key():
    import_ok(*setup_records())
    return ApiKey.issue(Business.objects.get(slug="acme"))[1]


@pytest.fixture(scope="module")
def key(shared_db):
    """The raw API key of Acme, its records imported."""
    with shared_db(issued_key) as raw_key:
        yield raw_key


def post(client, body, key, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(
        URL, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}", **extra
    )


def good(conversation_id):
    return conversation(conversation_id, [message("m1", "my card is blocked")])


def import_file(tmp_path, *lines):
    """Run import_data on a file of these lines (bytes or records); returns (stdout, stderr)."""
    path = tmp_path / "records.jsonl"
    path.write_bytes(
        b"\n".join(line if isinstance(line, bytes) else json.dumps(line).encode() for line in lines)
    )
    out, err = io.StringIO(), io.StringIO()
    # It fails when a record was rejected; what it printed is what the tests read.
    with contextlib.suppress(CommandError):
        call_command("import_data", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored_ids():
    return set(Conversation.objects.values_list("external_id", flat=True))


def with_surrogate(place):
    record = good("bad")
    match place:
        case "text":
            record["messages"][0]["text"] = f"card {SURROGATE}"
        case "id":
            record["id"] = f"c-{SURROGATE}"
        case "message id":
            record["messages"][0]["id"] = SURROGATE
        case "user id":
            record["user"] = {"id": SURROGATE}
        case "attribute key":
            record["user"] = {"id": "u-1", "attributes": {SURROGATE: "x"}}
        case "attribute value":
            record["user"] = {"id": "u-1", "attributes": {"city": SURROGATE}}
    return record


PLACES = ["text", "id", "message id", "user id", "attribute key", "attribute value"]


@pytest.mark.parametrize("place", PLACES)
def test_lone_surrogate_is_rejected_through_the_api_and_the_good_records_kept(client, key, place):
    response = post(client, [good("c-1"), with_surrogate(place), good("c-2")], key)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["record"] == 1 and "lone surrogate" in error["message"]
    assert stored_ids() == {"c-1", "c-2"}


@pytest.mark.parametrize("place", PLACES)
def test_lone_surrogate_is_rejected_by_import_data(tmp_path, key, place):
    _, err = import_file(tmp_path, good("c-1"), with_surrogate(place), good("c-2"))

    assert "line 2: conversation" in err and "lone surrogate" in err
    assert stored_ids() == {"c-1", "c-2"}


def test_chat_links_of_the_end_user_still_open_after_a_hostile_attribute(client, key):
    post(
        client,
        [good("c-1"), with_surrogate("attribute key"), with_surrogate("attribute value")],
        key,
    )
    business = Business.objects.get(slug="acme")
    for full in (True, False):
        viewer = MembershipFactory(business=business, agent=True, view_personal_details=full)
        client.force_login(viewer.user)

        assert client.get(f"/c/{Conversation.objects.get().token}/").status_code == 200
    assert EndUser.objects.get().attributes == {}


def test_deeply_nested_json_is_rejected(client, key, tmp_path):
    response = post(client, "[" * 100_000, key)
    assert response.status_code == 400
    assert "nested" in response.json()["errors"][0]["message"]

    _, err = import_file(tmp_path, good("c-1"), b"[" * 100_000, good("c-2"))
    assert "line 2: record: not valid JSON (nested more than" in err
    assert stored_ids() == {"c-1", "c-2"}


def test_nesting_below_the_recursion_limit_is_rejected_too(client, key):
    record = good("c-1")
    record["extra"] = json.loads("[" * 50 + "]" * 50)

    response = post(client, record, key)

    assert response.json()["errors"][0]["message"] == "is nested more than 8 levels deep"


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+05:30", "9999-12-31T23:00:00-05:00"])
@pytest.mark.parametrize("field", ["started_at", "ended_at", "message", "csat"])
def test_timestamps_at_the_edge_of_the_range_are_rejected(client, key, tmp_path, when, field):
    bad = good("bad")
    match field:
        case "message":
            bad["messages"][0]["at"] = when
        case "csat":
            bad["csat"] = {"rating": 5, "at": when}
        case _:
            bad[field] = when

    response = post(client, [good("c-1"), bad, good("c-2")], key)

    assert response.status_code == 400
    assert "is outside the years 1970–2099" in response.json()["errors"][0]["message"]
    _, err = import_file(tmp_path, good("c-3"), bad, good("c-4"))
    assert "line 2: conversation." in err
    assert stored_ids() == {"c-1", "c-2", "c-3", "c-4"}


@pytest.mark.parametrize("kind", [["conversation"], {"conversation": 1}, 7, None, True])
def test_type_of_the_wrong_json_type_is_rejected(client, key, tmp_path, kind):
    bad = {**good("bad"), "type": kind}

    response = post(client, [good("c-1"), bad], key)

    assert response.json()["errors"] == [
        {
            "record": 1,
            "field": "type",
            "message": "must be one of business, bot, team, staff, conversation",
        }
    ]
    _, err = import_file(tmp_path, good("c-2"), bad, good("c-3"))
    assert "line 2: type: must be one of" in err
    assert stored_ids() == {"c-1", "c-2", "c-3"}


@pytest.mark.parametrize(
    "bad_line",
    [
        json.dumps(with_surrogate("text")).encode(),
        b"[" * 100_000,
        json.dumps({**good("bad"), "started_at": "9999-12-31T23:00:00-05:00"}).encode(),
        json.dumps({**good("bad"), "type": ["conversation"]}).encode(),
        b'{"type": "conversation", "id": "caf\xe9"}',
    ],
    ids=["surrogate", "nested", "overflow", "type list", "latin-1"],
)
def test_import_data_rejects_only_the_bad_line_between_two_good_ones(tmp_path, key, bad_line):
    out, err = import_file(tmp_path, good("c-1"), bad_line, good("c-2"))

    assert err.startswith("line 2: ")
    assert "2 conversations, 2 messages; 1 rejected" in out
    assert stored_ids() == {"c-1", "c-2"}


def test_a_line_that_is_not_utf8_is_named(tmp_path, key):
    _, err = import_file(tmp_path, good("c-1"), b'{"id": "caf\xe9"}', good("c-2"))

    assert "line 2: record: not valid JSON (not UTF-8 text at byte 11)" in err


def test_a_byte_order_mark_opens_a_file(tmp_path):
    out, err = import_file(tmp_path, b"\xef\xbb\xbf" + json.dumps(setup_records()[0]).encode())

    assert "1 business" in out and not err


@pytest.mark.parametrize("slug", ["Bad Slug/é", "a/b", "café", "a b", "x.y", ""])
@pytest.mark.parametrize("kind", ["business", "bot", "team"])
def test_slugs_follow_djangos_slug_rule(tmp_path, key, kind, slug):
    record = {"type": kind, "business": "acme", "slug": slug}

    _, err = import_file(tmp_path, record)

    assert f"line 1: {kind}.slug: must " in err
    assert not Business.objects.filter(slug=slug).exists()


def test_home_and_lists_open_for_members_after_a_bad_slug_was_offered(client, tmp_path, key):
    import_file(tmp_path, {"type": "business", "slug": "Bad Slug/é"})
    client.force_login(
        MembershipFactory(business=Business.objects.get(slug="acme"), team_lead=True).user
    )

    assert client.get("/").status_code == 200
    assert client.get("/b/acme/business/").status_code == 200


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "/etc/localtime", "UTC/.."])
def test_only_iana_time_zones(tmp_path, zone):
    _, err = import_file(tmp_path, {"type": "business", "slug": "acme", "timezone": zone})

    assert "line 1: business.timezone: is not an IANA time zone name" in err


def test_duplicate_json_keys_are_rejected(client, key, tmp_path):
    line = '{"type": "business", "slug": "acme", "slug": "other"}'

    response = post(client, line, key)
    assert response.json()["errors"][0]["message"] == "not valid JSON (duplicate key 'slug')"

    _, err = import_file(tmp_path, line.encode())
    assert "line 1: record: not valid JSON (duplicate key 'slug')" in err
    assert not Business.objects.filter(slug="other").exists()


GOOD_TEXT = json.dumps(good("c-1"))


@pytest.mark.parametrize(
    ("bad", "field", "reason"),
    [
        (
            GOOD_TEXT.replace('"c-1"', '"bad"').replace("my card", "a\\udc00b"),
            "conversation.messages[0].text",
            "is not valid Unicode (lone surrogate)",
        ),
        (
            '{"type": "team", "business": "acme", "slug": "x", "slug": "y"}',
            "record",
            "not valid JSON (duplicate key 'slug')",
        ),
        (
            GOOD_TEXT.replace('"c-1"', '"bad"').replace('"sender"', '"id": "m2", "sender"'),
            "record",
            "not valid JSON (duplicate key 'id')",
        ),
        (
            '{"type": "business", "slug": "acme", "name": Infinity}',
            "record",
            "not valid JSON (Infinity is not a JSON number)",
        ),
    ],
    ids=["lone surrogate escape", "key twice", "key twice in a message", "Infinity"],
)
def test_an_api_record_the_parser_refuses_costs_no_other_record(client, key, bad, field, reason):
    response = post(client, f"[{bad}, {json.dumps(good('c-2'))}]", key)

    assert response.status_code == 400
    assert response.json()["errors"] == [{"record": 0, "field": field, "message": reason}]
    assert [result["result"] for result in response.json()["results"]] == ["rejected", "created"]
    assert stored_ids() == {"c-2"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"type": "business", "slug": "acme", "name": NaN}', "NaN is not a JSON number"),
        ('{"type": "business", "slug": "acme", "name": "a\\u0000b"}', "contains a NUL"),
        ('{"type": "business", "slug": "acme", "n": 1e400}', "out of range"),
    ],
)
def test_values_no_database_can_store_are_rejected(tmp_path, text, reason):
    _, err = import_file(tmp_path, text.encode())

    assert reason in err


def post_chunked(client, key, body):
    """The API request a client makes that streams its body, with no Content-Length."""
    return client.generic(
        "POST",
        URL,
        b"",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )


def test_a_chunked_body_is_read(client, key):
    body = json.dumps([good("c-1"), good("c-2")]).encode()

    response = post_chunked(client, key, body)

    assert response.status_code == 200, response.json()
    assert stored_ids() == {"c-1", "c-2"}


def test_a_chunked_body_is_still_capped(client, key, settings):
    settings.IMPORT_MAX_BODY_BYTES = 1000
    body = json.dumps([good(f"c-{n}") for n in range(20)]).encode()

    response = post_chunked(client, key, body)

    assert response.status_code == 413
    assert not Conversation.objects.exists()


@pytest.fixture
def planted_and_viewer(client):
    planted = planted_conversation()
    viewer = MembershipFactory(business=planted.business, agent=True, view_personal_details=True)
    client.force_login(viewer.user)
    return planted


@pytest.mark.parametrize("number", ["²", "٣", "1e3", "-1", "1.5", " ", "9999999999", "x"])
def test_a_message_number_that_is_not_one_gives_the_page_with_a_message(
    client, planted_and_viewer, number
):
    response = client.get(f"/c/{planted_and_viewer.token}/", {"message": number})

    assert response.status_code == 200
    if number.strip():
        assert "enter a message number" in response.content.decode()


def test_a_message_number_jumps_to_its_page(client, planted_and_viewer):
    response = client.get(f"/c/{planted_and_viewer.token}/", {"message": "3"})

    assert response.status_code == 302
    assert response["Location"].endswith("?page=1#m3")


def test_revoking_a_link_through_another_conversations_url_is_404(client, planted_and_viewer):
    other = planted_conversation(planted_and_viewer.business, conversation_id="other")
    owner = MembershipFactory(business=other.business, agent=True, view_personal_details=True)
    link = ShareLink.create_for(other, owner.user, 7)

    response = client.post(f"/c/{planted_and_viewer.token}/share/{link.pk}/revoke/")

    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"period": "custom", "end": "9999-12-31"}, "Enter a date up to 31 Dec 2099."),
        ({"period": "custom", "start": "0001-01-01"}, "Enter a date from 1 Jan 1970 on."),
        ({"period": "custom", "start": "2026-02-30"}, "Enter a date such as 5 Dec 2026."),
        ({"page": "²"}, "There is no page “²” in this list; this is page 1."),
        ({"page": "0"}, "There is no page “0” in this list; this is page 1."),
        ({"page": "99999999999999999999"}, "There is no page “99999999999999999999”"),
    ],
)
@pytest.mark.parametrize("path", ["business/", "analytics/messages/", "analytics/csat/"])
def test_bad_query_parameters_give_the_page_with_a_message(client, path, params, shown):
    planted = planted_conversation()
    lead = MembershipFactory(business=planted.business, team_lead=True)
    client.force_login(lead.user)

    response = client.get(f"/b/{planted.business.slug}/{path}", params)

    assert response.status_code == 200
    assert shown in response.content.decode()


@pytest.mark.parametrize(
    "text",
    [
        "my card " + "7" * 60_000,
        "card " + "1 " * 40 + "zzz",
        "card " + "a " * 20_000 + "zzz",
        "card " + " ." * 20_000,
        ("card " + "9" * 500 + " ") * 100,
    ],
    ids=["60,000 digits", "40 single digits", "20,000 stop words", "punctuation", "many runs"],
)
def test_the_phrase_pattern_does_not_backtrack_on_hostile_texts(text):
    """Run by the database, as the phrase page does. Each text tied the old pattern up for
    minutes or more (quadratic in a digit run, exponential in the words of a gap); a
    regression makes this test hang rather than fail."""
    import_ok(*setup_records(), conversation("c", [message("m", text)]))

    matches = Message.objects.filter(text__iregex=phrase_pattern(["card", "blocked"]))

    assert not matches.exists()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False)
    | st.sampled_from(["", "ok", "é", SURROGATE, "a\x00b", f"x{SURROGATE}y"])
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["k", "ü", SURROGATE, "\x00"]), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=json_values, depth=st.integers(0, 9))
def test_the_quick_check_passes_only_what_the_full_one_passes(value, depth):
    try:
        check_values(value, "record", depth)
    except RecordError:
        assert not storable(value, depth)
    else:
        assert storable(value, depth)
