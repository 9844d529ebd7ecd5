"""Search: by customer, ids or message words on My Chats, Teams, Business and the Search page,
among what the viewer sees, opening the chat at the matching message."""

import pytest
from guardian.shortcuts import assign_perm

from agentchat.search import excerpt
from conversations.models import PERSONAL_DETAILS_PERM, Business, Conversation, Membership
from tests.chat_lists import sign_in_leading_every_team
from tests.factories import MembershipFactory
from tests.pii import CARD, EMAIL, NAME, PHONE, USER_ID, planted_conversation_record
from tests.records import BUSINESS, at, conversation, import_ok, message, setup_records
from tests.shared_db import shared_business

pytestmark = pytest.mark.django_db

SEARCH = f"/b/{BUSINESS}/search/"


def imported():
    import_ok(
        *setup_records(),
        planted_conversation_record(agent=f"{BUSINESS}-asha"),
        conversation(
            "meera-1",
            [
                message("m1", "my refund is pending since Monday", bot_break=True),
                message("m2", "Let me check the refund", sender="agent", when=at(minute=2)),
            ],
            user={"id": "u-meera", "name": "Meera Garde", "email": "meera@example.org"},
            agent=f"{BUSINESS}-asha",
            team="cards",
        ),
        conversation(
            "other-2",
            [message("o1", "what is the interest rate", when=at(hour=11))],
            user="u-other",
            started_at=at(hour=11),
        ),
    )
    return Business.objects.get(slug=BUSINESS).pk


business_pk, business = shared_business(imported)


def found(client, query, url=SEARCH):
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    return [row.conversation.external_id for row in response.context["rows"]]


def full(client, business, **roles):
    return sign_in_leading_every_team(
        client, business, view_personal_details=True, **(roles or {"agent": True})
    )


@pytest.mark.parametrize(
    "query",
    ["Meera Garde", "meera", "meera@example.org", "u-meera", "meera-1", "refund pending"],
)
def test_a_full_viewer_finds_a_customer_by_anything_they_see(client, business, query):
    full(client, business)

    assert found(client, query) == ["meera-1"]


@pytest.mark.parametrize("phone", [PHONE, "98200 12345", "9820012345", "+91-98200-12345"])
def test_a_phone_is_found_in_any_formatting(client, business, phone):
    full(client, business)

    assert found(client, phone) == ["planted"]


@pytest.mark.parametrize("query", [NAME, "Kumaraswamy", EMAIL, "9820012345", USER_ID, CARD])
def test_a_masked_viewer_finds_nothing_by_a_value_hidden_from_them(client, business, query):
    sign_in_leading_every_team(client, business, agent=True)

    assert found(client, query) == []


def test_a_masked_viewer_finds_by_the_words_and_ids_they_see(client, business):
    sign_in_leading_every_team(client, business, agent=True)

    assert found(client, "refund") == ["meera-1"]
    assert found(client, "[phone]") == ["planted"]  # the planted user's id, as they see it


@pytest.mark.parametrize("roles", [{"agent": True}, {"team_lead": True}])
def test_no_prefix_of_a_hidden_value_changes_a_masked_viewers_results(client, business, roles):
    sign_in_leading_every_team(client, business, **roles)
    nowhere = found(client, "zzz-nowhere")

    for value in (EMAIL, USER_ID, NAME):
        for length in range(3, len(value) + 1):
            assert found(client, value[:length]) == nowhere, value[:length]


def test_exact_ids_come_first_then_customers_then_words(client, business):
    import_ok(
        conversation("refund", [message("r1", "hello")], user="u-r", started_at=at(hour=8)),
        conversation(
            "x-9", [message("x1", "refund now")], user="refund-fan", started_at=at(hour=7)
        ),
    )
    full(client, business)

    assert found(client, "refund") == ["refund", "x-9", "meera-1"]


def test_results_show_the_matching_message_highlighted_and_open_at_it(client, business):
    full(client, business)

    response = client.get(SEARCH, {"q": "refund"})

    (row,) = response.context["rows"]
    assert row.snippet.message.text == "Let me check the refund"  # the newest match
    assert str(row.snippet.html) == "Let me check the <mark>refund</mark>"
    token = Conversation.objects.get(external_id="meera-1").token
    href = f"/c/{token}/?m={row.snippet.message.pk}&amp;from="
    assert href in response.content.decode()
    opened = client.get(f"/c/{token}/?m={row.snippet.message.pk}")
    assert opened["Location"] == f"/c/{token}/?page=1#m2"


def test_a_masked_snippet_shows_placeholders_and_no_hidden_value(client, business):
    sign_in_leading_every_team(client, business, agent=True)

    response = client.get(SEARCH, {"q": "card blocked"})

    (row,) = response.context["rows"]
    assert "[name]" in str(row.snippet.html) or "card" in str(row.snippet.html)
    assert "Kumaraswamy" not in response.content.decode()


@pytest.mark.parametrize("url", ["my-chats", "teams", "business"])
def test_every_list_has_the_search_box(client, business, url):
    # Asha, the agent of the conversations, leads their team.
    asha = Membership.objects.get(business=business, user__username=f"{BUSINESS}-asha")
    Membership.objects.filter(pk=asha.pk).update(is_team_lead=True)
    asha.leads.set(business.teams.all())
    assign_perm(PERSONAL_DETAILS_PERM, asha.user, business)
    client.force_login(asha.user)

    response = client.get(f"/b/{BUSINESS}/{url}/", {"q": "Meera"})

    assert 'type="search"' in response.content.decode()
    assert [row.conversation.external_id for row in response.context["rows"]] == ["meera-1"]


def test_search_keeps_the_list_filters(client, business):
    full(client, business, team_lead=True)

    assert found(client, "refund", f"/b/{BUSINESS}/business/") == ["meera-1"]
    response = client.get(f"/b/{BUSINESS}/business/", {"q": "refund", "bot": "sales"})
    assert response.context["rows"] == []


def test_the_search_page_is_for_chat_staff_only(client, business):
    sign_in_leading_every_team(client, business, analyst=True)

    assert client.get(SEARCH).status_code == 403


def test_another_business_gets_404(client, business):
    import_ok(*setup_records("other"))
    client.force_login(
        MembershipFactory(
            business=Business.objects.get(slug="other"), agent=True, view_personal_details=True
        ).user
    )

    assert client.get(SEARCH).status_code == 404


def import_loan_conversations(count):
    import_ok(
        *(
            conversation(
                f"loan-{n:02}",
                [message(f"loan-{n:02}-m", "about my loan", when=at(hour=12, minute=n))],
                user=f"u-loan-{n}",
                started_at=at(hour=12, minute=n),
            )
            for n in range(count)
        )
    )


@pytest.mark.parametrize("query", ["", "refund", "Meera Garde", "9820012345", "loan"])
def test_queries_per_search_do_not_grow_with_the_results(
    client, business, django_assert_max_num_queries, query
):
    full(client, business)
    import_loan_conversations(2)
    with django_assert_max_num_queries(18) as few:
        client.get(SEARCH, {"q": query})

    import_loan_conversations(40)
    with django_assert_max_num_queries(len(few)):
        client.get(SEARCH, {"q": query})


def test_results_are_counted_and_paginated_newest_first(client, business):
    full(client, business)
    import_loan_conversations(30)

    first = client.get(SEARCH, {"q": "loan"})
    second = client.get(SEARCH, {"q": "loan", "page": "2"})

    assert first.context["page"].paginator.count == 30
    assert [row.conversation.external_id for row in first.context["rows"]] == [
        f"loan-{n:02}" for n in range(29, 4, -1)
    ]
    assert [row.conversation.external_id for row in second.context["rows"]] == [
        f"loan-{n:02}" for n in range(4, -1, -1)
    ]
    assert "<strong>30</strong> conversations match the filters" in first.content.decode()


@pytest.mark.parametrize("asked", ["9", "-1", "two", "0"])
def test_a_page_past_the_results_shows_the_nearest_one_and_says_so(client, business, asked):
    full(client, business)
    import_loan_conversations(30)

    response = client.get(SEARCH, {"q": "loan", "page": asked})

    shown = response.context["page"].number
    assert shown in (1, 2)
    assert response.context["page"].paginator.count == 30
    assert f"There is no page “{asked}” in this list; this is page {shown}." in (
        response.content.decode()
    )


def test_a_search_that_finds_nothing_says_so(client, business):
    full(client, business)

    response = client.get(SEARCH, {"q": "no such words anywhere"})

    assert response.context["page"].paginator.count == 0
    assert "No conversations match these filters." in response.content.decode()


@pytest.mark.parametrize(
    "text, words, shown",
    [
        ("short text", ["text"], "short text"),
        (
            "a" * 100 + " b c [card number] refund here",
            ["refund"],
            "…b c [card number] refund here",
        ),
        ("word" * 60, ["zzz"], "word" * 39 + "wor…"),
    ],
)
def test_an_excerpt_starts_near_the_match_at_a_word(text, words, shown):
    assert excerpt(text, words) == shown
