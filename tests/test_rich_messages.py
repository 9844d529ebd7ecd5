"""Rich conversations (import format v2): every element type validated, stored with its masked
copy, shown like a chat widget in full and masked; private notes, status, attachments through
an access-checked view, and the live updates of an open conversation."""

import datetime as dt
import re

import pytest

from analytics.models import DailyMessageCount, DailyPhraseCount
from audit.models import AuditEntry
from conversations.models import Conversation, Message
from ingest.records import RecordError, validate
from tests.factories import BusinessFactory, MembershipFactory
from tests.pii import (
    AADHAAR_GROUPED,
    CARD,
    EMAIL,
    NAME,
    PAN_ENTITY,
    THIRD_PARTY_HOST,
    leaked,
    planted_rich_conversation_record,
)
from tests.records import DAY, at, bot_record, conversation, import_ok, message

pytestmark = pytest.mark.django_db


@pytest.fixture
def business():
    return BusinessFactory()


@pytest.fixture
def agent(business):
    return MembershipFactory(business=business, agent=True, view_personal_details=True).user


@pytest.fixture
def rich(business, agent):
    import_ok(
        bot_record(business.slug),
        planted_rich_conversation_record(business=business.slug, agent=agent.username),
    )
    return Conversation.objects.get(business=business, external_id="planted-rich")


def masked_agent(business):
    return MembershipFactory(business=business, agent=True).user


def analyst(business):
    return MembershipFactory(business=business, analyst=True).user


def chat(client, user, conversation, query=""):
    client.force_login(user)
    response = client.get(f"/c/{conversation.token}/{query}")
    assert response.status_code == 200
    return response.content.decode()


# --- Import format v2 -------------------------------------------------------------------------


def test_every_element_type_is_accepted_and_stored(rich):
    stored = {m.external_id: m for m in rich.messages.all()}

    assert {m.kind for m in stored.values()} == {
        "text",
        "quick_replies",
        "buttons",
        "carousel",
        "image",
        "file",
        "audio",
        "video",
        "location",
        "form",
    }
    assert rich.status == "closed" and NAME in rich.close_reason
    assert stored["r2"].text == f"Mail {EMAIL}"  # a pick is what the user said
    assert stored["r13"].private
    assert stored["r5"].data["attachments"][0]["size"] == 120_000


def test_masked_copies_of_rich_elements_hold_no_pii_and_no_url(rich):
    copies = list(rich.messages.values_list("masked_data", "masked_text"))
    data = repr([masked_data for masked_data, _text in copies])

    assert leaked(repr(copies)) == []
    # A text keeps its words, links included (shown as text); the elements keep no URL.
    assert "://" not in data and "mailto:" not in data
    assert "[email]" in data
    assert "[card number]" in rich.masked_close_reason or "[phone]" in rich.masked_close_reason


def test_user_attachments_and_location_keep_only_their_kind_and_size_when_masked(rich):
    image = rich.messages.get(external_id="r5").masked_data["attachments"][0]
    location = rich.messages.get(external_id="r10").masked_data["location"]

    assert image == {"name": "", "media_type": "image/jpeg", "size": 120_000, "hidden": True}
    assert location == {"hidden": True}


def test_masked_copies_follow_what_a_later_import_tells_about_the_user(business, agent):
    record = planted_rich_conversation_record(business=business.slug, agent=agent.username)
    record["user"] = {"id": record["user"]["id"]}  # nothing known yet: the name shows
    record["messages"] = [
        {
            "id": "x1",
            "at": at(),
            "sender": "bot",
            "type": "buttons",
            "buttons": [{"label": "Kumaraswamy's plan"}],
        }
    ]
    import_ok(bot_record(business.slug), record)

    import_ok({**record, "user": {"id": record["user"]["id"], "name": NAME}, "messages": []})

    stored = Message.objects.get(external_id="x1")
    assert stored.masked_data["buttons"][0]["label"] == "[name]'s plan"


BAD_MESSAGES = {
    "unknown type": ({"type": "sticker", "text": "x"}, "type"),
    "options missing": ({"type": "quick_replies", "text": "pick"}, "options"),
    "a script link": (
        {"type": "buttons", "buttons": [{"label": "x", "url": "javascript:alert(1)"}]},
        "buttons[0].url",
    ),
    "a tab hidden in a scheme": (
        {"type": "buttons", "buttons": [{"label": "x", "url": "java\tscript:alert(1)"}]},
        "buttons[0].url",
    ),
    "a data picture": (
        {"type": "image", "attachments": [{"url": "data:image/png;base64,AAAA"}]},
        "attachments[0].url",
    ),
    "a link with no host": (
        {"type": "file", "attachments": [{"url": "https:///x"}]},
        "attachments[0].url",
    ),
    "a negative size": (
        {"type": "file", "attachments": [{"url": "https://x.example/f", "size": -1}]},
        "attachments[0].size",
    ),
    "latitude out of range": (
        {"type": "location", "location": {"latitude": 91, "longitude": 0}},
        "location.latitude",
    ),
    "a form without fields": ({"type": "form", "text": "Form"}, "fields"),
    "a private note by the bot": ({"text": "x", "private": True}, "private"),
    "the bot picking": ({"picked": "Yes"}, "picked"),
    "a card without a title": ({"type": "carousel", "cards": [{"subtitle": "x"}]}, "title"),
}


@pytest.mark.parametrize("fields, field", BAD_MESSAGES.values(), ids=BAD_MESSAGES.keys())
def test_bad_rich_messages_are_rejected_naming_the_field(fields, field):
    record = conversation("c", [{"id": "m", "at": at(), "sender": "bot", **fields}])

    with pytest.raises(RecordError) as error:
        validate(record)

    assert error.value.field.startswith("conversation.messages[0].")
    assert error.value.field.endswith(field)


def test_an_unknown_status_is_rejected():
    with pytest.raises(RecordError) as error:
        validate(conversation("c", status="snoozed"))

    assert error.value.field == "conversation.status"


def test_a_version_1_message_is_a_text_message():
    record = validate(conversation("c", [message("m", "hello")]))

    assert (record.messages[0].kind, record.messages[0].data, record.messages[0].private) == (
        "text",
        {},
        False,
    )


# --- The chat page ----------------------------------------------------------------------------


def test_full_viewer_sees_every_element_like_a_chat_widget(client, rich, agent):
    html = chat(client, agent, rich)
    media = f"/c/{rich.token}/media/"

    assert 'class="chip chosen"' in html and f"Mail {EMAIL}" in html
    assert f'href="mailto:{EMAIL}" rel="noopener noreferrer nofollow"' in html
    assert f"Platinum for {NAME}" in html and f"replaces {CARD}" in html
    assert re.search(rf'<img class="card-image" src="{media}\d+/c0/"', html)
    assert re.search(rf'<img class="thumbnail" src="{media}\d+/a0/" alt="{PAN_ENTITY}.jpg"', html)
    assert "2.3\xa0MB" in html  # the statement's size
    assert "18.52044, 73.85674" in html
    assert "<dt>Full name</dt><dd>" + NAME in html and AADHAAR_GROUPED in html
    assert "Private note · staff only" in html
    assert 'href="https://track.example.org/o/42" rel="noopener noreferrer nofollow"' in html
    assert "Closed: " + NAME in html
    # Attachments and pictures open through our view: where the platform keeps them is not on
    # the page (a button's own link is, as the bot sent it).
    assert f"{THIRD_PARTY_HOST}/u/" not in html and "platinum.png" not in html


def test_full_viewer_pictures_are_allowed_by_the_content_security_policy(client, rich, agent):
    client.force_login(agent)

    policy = client.get(f"/c/{rich.token}/")["Content-Security-Policy"]

    assert "img-src 'self' data: https:" in policy


@pytest.mark.parametrize("who", [masked_agent, analyst])
def test_masked_viewers_see_every_element_masked_and_no_third_party(client, rich, who):
    html = chat(client, who(rich.business), rich)

    assert leaked(html) == []
    # Links to this site only (the chat link itself): none to the platform or another site.
    assert not re.search(r'(href|src)="(https?://(?!testserver/)|mailto:)', html)
    assert "/media/" not in html
    assert "[image sent by the user · 117.2\xa0KB]" in html
    assert "[file sent by the user · 2.3\xa0MB]" in html
    assert "[location shared by the user]" in html
    assert "Letter for [name].pdf" in html  # what the bot sent keeps its (masked) name
    assert 'class="chip chosen"' in html and "Mail [email]" in html


def test_private_notes_are_for_smart_agent_chat_staff_only(client, rich):
    assert "Private note" in chat(client, masked_agent(rich.business), rich)
    assert "Private note" not in chat(client, analyst(rich.business), rich)
    assert "Internal:" not in chat(client, analyst(rich.business), rich)


def test_an_external_share_link_shows_no_private_note(client, rich, agent):
    client.force_login(agent)
    client.post(f"/c/{rich.token}/share/", {"days": 7})
    client.logout()
    share = rich.share_links.get()

    html = client.get(f"/s/{share.token}/").content.decode()

    assert "Internal:" not in html and "Private note" not in html
    assert leaked(html) == []


def test_private_notes_stay_out_of_analytics(rich):
    counted = sum(
        DailyMessageCount.objects.filter(business=rich.business, sender="agent").values_list(
            "count", flat=True
        )
    )

    assert counted == 1  # the link message; not the private note
    assert not DailyPhraseCount.objects.filter(phrase__contains="internal").exists()


def test_a_picked_option_counts_as_user_text_in_word_analysis(rich):
    user_phrases = set(
        DailyPhraseCount.objects.filter(business=rich.business).values_list("phrase", flat=True)
    )

    assert "mail" in user_phrases


def test_message_analysis_names_the_kind_of_an_element_without_text(client, rich):
    client.force_login(MembershipFactory(business=rich.business, analyst=True).user)

    response = client.get(f"/b/{rich.business.slug}/analytics/messages/")

    bodies = [row[0].text for row in response.context["rows"]]
    assert "(Location)" in bodies and "" not in bodies


def test_rich_chat_page_runs_a_constant_number_of_queries(
    client, rich, agent, django_assert_max_num_queries
):
    client.force_login(agent)
    client.get(f"/c/{rich.token}/")
    record = planted_rich_conversation_record(business=rich.business.slug, agent=agent.username)
    for copy in range(1, 4):
        record["messages"] += [
            {**item, "id": f"{item['id']}-{copy}"} for item in record["messages"][:14]
        ]
    import_ok(record)

    # One of them counts the user's conversations for "2 of 3" beside Previous / Next; two
    # are the savepoint the audit entry is written in (a test runs in a transaction).
    with django_assert_max_num_queries(17):
        client.get(f"/c/{rich.token}/")


# --- Attachments ------------------------------------------------------------------------------


def media(conversation, external_id, ref):
    message = conversation.messages.get(external_id=external_id)
    return f"/c/{conversation.token}/media/{message.pk}/{ref}/"


def test_a_full_viewer_opens_an_attachment_through_an_audited_redirect(client, rich, agent):
    client.force_login(agent)

    response = client.get(media(rich, "r5", "a0"))

    assert response.status_code == 302
    assert response["Location"].startswith(f"https://{THIRD_PARTY_HOST}/u/")
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.ATTACHMENT)
    assert (entry.viewer, entry.conversation, entry.level) == (agent, rich, "full")


def test_a_card_picture_opens_through_the_same_view(client, rich, agent):
    client.force_login(agent)

    assert client.get(media(rich, "r4", "c0"))["Location"].endswith("/cards/platinum.png")


@pytest.mark.parametrize("ref", ["a1", "c5", "x0", "a"])
def test_an_attachment_the_message_does_not_have_is_404(client, rich, agent, ref):
    client.force_login(agent)

    assert client.get(media(rich, "r5", ref)).status_code == 404


@pytest.mark.parametrize("who", [masked_agent, analyst])
def test_masked_viewers_get_no_attachment(client, rich, who):
    client.force_login(who(rich.business))

    assert client.get(media(rich, "r8", "a0")).status_code == 404


def test_another_business_gets_404_for_an_attachment(client, rich):
    client.force_login(MembershipFactory(agent=True, view_personal_details=True).user)

    assert client.get(media(rich, "r5", "a0")).status_code == 404


# --- Live updates -----------------------------------------------------------------------------


@pytest.fixture
def open_chat(business, agent):
    record = conversation(
        "live",
        [message("l1", "hello"), message("l2", f"card {CARD}", when=at(minute=1))],
        business=business.slug,
        user={"id": "u-live", "name": NAME},
        status="with_agent",
    )
    import_ok(bot_record(business.slug), record)
    return Conversation.objects.get(business=business, external_id="live"), record


def updates(client, conversation, after):
    return client.get(f"/c/{conversation.token}/updates/", {"after": after})


def test_an_open_chat_page_follows_the_conversation(client, open_chat, agent):
    live, _record = open_chat

    html = chat(client, agent, live)

    assert f'data-updates-url="/c/{live.token}/updates/" data-after="2"' in html
    assert "js/live-updates.js" in html


def test_a_closed_chat_page_does_not_follow(client, rich, agent):
    assert "data-updates-url" not in chat(client, agent, rich)


def test_updates_bring_the_messages_after_a_position_masked_for_the_viewer(
    client, open_chat, business
):
    live, record = open_chat
    client.force_login(masked_agent(business))
    record["messages"].append(
        {
            "id": "l3",
            "at": at(minute=2),
            "sender": "user",
            "type": "image",
            "attachments": [
                {"name": f"{NAME}.jpg", "size": 2048, "url": f"https://{THIRD_PARTY_HOST}/x.jpg"}
            ],
        }
    )
    import_ok(record)

    answer = updates(client, live, 2).json()

    assert answer["last"] == 3 and answer["closed"] is False
    assert 'id="m3"' in answer["html"] and 'id="m2"' not in answer["html"]
    assert "[image sent by the user · 2.0\xa0KB]" in answer["html"]
    assert leaked(answer["html"]) == []


def test_updates_mark_a_new_day_as_the_page_does(client, open_chat, agent):
    live, record = open_chat
    next_day = DAY + dt.timedelta(days=1)
    record["messages"] += [
        message("l3", "same day", when=at(minute=5)),
        message("l4", "next morning", when=at(day=next_day)),
        message("l5", "still next morning", when=at(day=next_day, minute=1)),
    ]
    import_ok(record)
    client.force_login(agent)

    html = updates(client, live, 2).json()["html"]

    separators = re.findall(r'class="day-separator"><span>([^<]+)<', html)
    assert separators == ["Friday, 2 October 2026"]
    assert html.index("same day") < html.index("day-separator") < html.index("next morning")


def test_updates_say_when_the_conversation_closed(client, open_chat, agent):
    live, record = open_chat
    import_ok({**record, "status": "closed", "close_reason": "resolved"})
    client.force_login(agent)

    answer = updates(client, live, 2).json()

    assert answer == {"html": answer["html"], "last": 2, "closed": True}
    assert answer["html"].strip() == ""


def test_analysts_updates_carry_no_private_note(client, open_chat, business, agent):
    live, record = open_chat
    record["messages"].append(
        {
            "id": "l3",
            "at": at(minute=2),
            "sender": "agent",
            "agent": agent.username,
            "text": "Internal: check him",
            "private": True,
        }
    )
    import_ok(record)
    client.force_login(analyst(business))

    answer = updates(client, live, 2).json()

    assert (answer["last"], "Internal" in answer["html"]) == (2, False)


@pytest.mark.parametrize("after", ["", "-1", "x", "1.5"])
def test_updates_need_a_position(client, open_chat, agent, after):
    live, _record = open_chat
    client.force_login(agent)

    assert updates(client, live, after).status_code == 400


def test_updates_of_another_business_are_404(client, open_chat):
    live, _record = open_chat
    client.force_login(MembershipFactory(agent=True, view_personal_details=True).user)

    assert updates(client, live, 0).status_code == 404


def test_updates_need_a_sign_in(client, open_chat):
    live, _record = open_chat

    assert updates(client, live, 0).status_code == 302


def test_updates_run_a_constant_number_of_queries(
    client, open_chat, agent, django_assert_max_num_queries
):
    live, record = open_chat
    record["messages"] += [
        message(f"n{n}", f"more {n}", when=at(minute=3 + n % 50)) for n in range(120)
    ]
    import_ok(record)
    client.force_login(agent)

    with django_assert_max_num_queries(10):
        assert updates(client, live, 0).json()["last"] == 122
