"""The chat link page: who gets what, masking, Previous / Next, paging, headers, audit."""

import datetime as dt

import factory
import pytest
from django.contrib.auth.models import Permission

from audit.models import AuditEntry
from conversations.models import PERSONAL_DETAILS_CODENAME, Conversation
from rules.access import Access, access_for, membership_of
from rules.masking import luhn_valid
from sharelinks.models import ShareLink
from tests.factories import (
    ConversationFactory,
    MembershipFactory,
    MessageFactory,
    UserFactory,
)
from tests.pii import (
    ACCOUNT,
    EMAIL,
    NAME,
    PAN_ENTITY,
    PHONE,
    SECRETS,
    leaked,
    planted_conversation,
)

pytestmark = pytest.mark.django_db


def url(conversation, query=""):
    return f"/c/{conversation.token}/{query}"


def grant_global_permission(user):
    user.user_permissions.add(Permission.objects.get(codename=PERSONAL_DETAILS_CODENAME))


def viewer(role, business):
    """A signed-in user in `role` for `business`; None for an anonymous visitor."""
    if role == "anonymous":
        return None
    if role == "superuser":
        return UserFactory(is_superuser=True)
    if role == "superuser agent":
        return MembershipFactory(
            business=business, agent=True, user=UserFactory(is_superuser=True)
        ).user
    if role == "other business":
        return MembershipFactory(agent=True, admin=True, view_personal_details=True).user
    if role == "agent with global permission":
        user = MembershipFactory(business=business, agent=True).user
        grant_global_permission(user)
        return user
    if role == "no roles":
        return MembershipFactory(business=business).user
    traits = {"agent": "agent", "team lead": "team_lead", "admin": "admin"}
    name, _, with_perm = role.partition(" with ")
    name = name.removesuffix(" without")
    trait = traits.get(name, "analyst")
    return MembershipFactory(
        business=business, view_personal_details=bool(with_perm), **{trait: True}
    ).user


MATRIX = [
    ("agent with permission", Access.FULL),
    ("agent without", Access.MASKED),
    ("team lead with permission", Access.FULL),
    ("team lead without", Access.MASKED),
    ("admin with permission", Access.FULL),
    ("admin without", Access.MASKED),
    ("analyst without", Access.ANALYTICS),
    ("analyst with permission", Access.ANALYTICS),
    ("agent with global permission", Access.FULL),
    ("no roles", Access.NONE),
    ("superuser", Access.NONE),
    ("superuser agent", Access.FULL),
    ("other business", Access.NONE),
    ("anonymous", Access.NONE),
]


@pytest.mark.parametrize(("role", "expected"), MATRIX)
def test_permission_matrix(client, role, expected):
    conversation = planted_conversation()
    user = viewer(role, conversation.business)
    if user:
        client.force_login(user)

    response = client.get(url(conversation))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next=/c/{conversation.token}/"
        return
    if expected is Access.NONE:
        assert response.status_code == 404
        assert not leaked(response.content)
        return
    assert response.status_code == 200
    assert response.context["viewer"].access is expected
    html = response.content.decode()
    if expected is Access.FULL:
        assert leaked(html) == SECRETS
        assert PHONE in html
        assert not any(row.masked for row in response.context["details"])
        assert 'class="masked"' not in html
    else:
        assert leaked(html) == []
        assert "[card number]" in html and "[Aadhaar number]" in html and "[PAN]" in html
        assert "[account number]" in html
        assert "1234567812345678" in html  # an order id failing Luhn stays readable
        assert "Pune" in html  # a non-personal entity stays readable
    if expected is Access.MASKED:
        assert ">[email]<" in html and ">[PAN number]<" in html
    if expected is Access.ANALYTICS:
        labels = [row.label for row in response.context["details"]]
        assert labels == ["City"]


def test_order_id_of_the_fixture_really_fails_luhn():
    assert not luhn_valid("1234567812345678")


def test_access_policy_function_matches_the_page():
    conversation = ConversationFactory()
    business = conversation.business
    full = MembershipFactory(business=business, agent=True, view_personal_details=True).user
    analyst = MembershipFactory(business=business, analyst=True, view_personal_details=True).user
    stranger = MembershipFactory(agent=True).user

    assert access_for(full, membership_of(full, business)) is Access.FULL
    assert access_for(analyst, membership_of(analyst, business)) is Access.ANALYTICS
    assert access_for(stranger, membership_of(stranger, business)) is Access.NONE


def test_unknown_token_is_the_same_404(client):
    client.force_login(MembershipFactory(agent=True).user)

    assert client.get("/c/not-a-real-token/").status_code == 404


def test_masked_viewer_sees_no_pii_in_title_or_attributes(client):
    conversation = planted_conversation()
    client.force_login(MembershipFactory(business=conversation.business, agent=True).user)

    html = client.get(url(conversation)).content.decode()

    title = html.split("<title>")[1].split("</title>")[0]
    assert title.startswith(f"Conversation {conversation.external_id}")
    assert NAME not in html and EMAIL not in html and PAN_ENTITY not in html


def test_full_viewer_sees_sender_names_and_business_time_zone(client):
    conversation = planted_conversation()  # its business's time zone is Asia/Kolkata
    client.force_login(
        MembershipFactory(
            business=conversation.business, agent=True, view_personal_details=True
        ).user
    )

    html = client.get(url(conversation)).content.decode()

    assert f'<p class="sender">{NAME}' in html
    assert "09:00:00" in html  # 03:30 UTC in Asia/Kolkata
    assert "Asia/Kolkata" in html


def test_headers_keep_the_page_private(client):
    conversation = planted_conversation()
    client.force_login(MembershipFactory(business=conversation.business, agent=True).user)

    response = client.get(url(conversation))

    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]


def test_every_view_is_audited(client):
    conversation = planted_conversation()
    user = MembershipFactory(business=conversation.business, analyst=True).user
    client.force_login(user)

    client.get(url(conversation))

    view = AuditEntry.objects.get(kind=AuditEntry.Kind.CONVERSATION)
    assert (view.viewer, view.conversation, view.level) == (user, conversation, "analytics")


def user_conversations(count):
    first = ConversationFactory(started_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    same_time = first.started_at + dt.timedelta(days=1)
    others = [
        ConversationFactory(
            business=first.business, bot=first.bot, end_user=first.end_user, started_at=same_time
        )
        for _ in range(count - 1)
    ]
    return [first, *others]


def test_previous_and_next_walk_the_users_conversations_in_time_order(client):
    conversations = user_conversations(4)  # the last three start at the same time: id breaks ties
    ConversationFactory(business=conversations[0].business)  # another user's: never in the walk
    client.force_login(MembershipFactory(business=conversations[0].business, agent=True).user)

    walked = []
    response = client.get(url(conversations[0]))
    assert response.context["previous"] is None
    while True:
        walked.append(response.context["conversation"])
        following = response.context["next"]
        if following is None:
            break
        response = client.get(f"/c/{following.token}/")

    assert walked == conversations
    assert response.context["previous"].token == conversations[-2].token
    html = response.content.decode()
    assert 'aria-disabled="true" role="link">Next Conversation' in html


def test_long_transcript_is_paged_and_jump_goes_to_the_right_page(client):
    conversation = ConversationFactory()
    start = conversation.started_at
    MessageFactory.create_batch(
        450,
        conversation=conversation,
        sent_at=factory_time(start),
    )
    client.force_login(MembershipFactory(business=conversation.business, agent=True).user)

    first = client.get(url(conversation))
    jump = client.get(url(conversation, "?message=321&from=/somewhere"))

    assert len(first.context["transcript"]) == 200
    assert jump.status_code == 302
    assert jump["Location"] == f"/c/{conversation.token}/?page=2&from=%2Fsomewhere#m321"
    second = client.get(jump["Location"].split("#")[0])
    assert second.context["transcript"][0].position == 201
    assert 'id="m321"' in second.content.decode()


def factory_time(start):
    return factory.Sequence(lambda n: start + dt.timedelta(seconds=n))


def three_page_conversation():
    conversation = ConversationFactory()
    MessageFactory.create_batch(
        401, conversation=conversation, sent_at=factory_time(conversation.started_at)
    )
    return conversation


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("²", 1),  # a digit to str.isdigit(), not to int()
        ("x", 1),
        ("1.5", 1),
        ("-1", 3),
        ("0", 3),
        ("99999", 3),
        ("99999999999999999999", 3),
    ],
)
def test_a_page_that_is_not_there_gives_the_nearest_one_and_says_so(client, asked, shown):
    conversation = three_page_conversation()
    client.force_login(MembershipFactory(business=conversation.business, agent=True).user)

    response = client.get(url(conversation), {"page": asked})

    assert response.status_code == 200
    assert response.context["page"].number == shown
    assert response.context["transcript"][0].position == (shown - 1) * 200 + 1
    quoted = asked if len(asked) <= 20 else f"{asked[:20]}…"
    assert (
        f"There is no page “{quoted}” in this transcript; this is page {shown}."
        in response.content.decode()
    )


@pytest.mark.parametrize("asked", ["", "1", "2", "3"])
def test_a_page_that_is_there_is_shown_without_a_message(client, asked):
    conversation = three_page_conversation()
    client.force_login(MembershipFactory(business=conversation.business, agent=True).user)

    response = client.get(url(conversation), {"page": asked})

    assert response.status_code == 200
    assert response.context["page"].number == int(asked or 1)
    assert "There is no page" not in response.content.decode()


def test_a_share_link_with_a_page_that_is_not_there_says_so(client):
    conversation = three_page_conversation()
    owner = MembershipFactory(
        business=conversation.business, agent=True, view_personal_details=True
    )
    link = ShareLink.create_for(conversation, owner.user, 7)

    response = client.get(f"/s/{link.token}/", {"page": "²"})

    assert response.status_code == 200
    assert response.context["page"].number == 1
    assert "There is no page “²” in this transcript; this is page 1." in response.content.decode()


@pytest.mark.parametrize(
    ("value", "shown"),
    [("/my-chats/?page=2", True), ("https://evil.example/", False), ("//evil.example", False)],
)
def test_back_link_only_to_this_site(client, value, shown):
    conversation = ConversationFactory()
    client.force_login(MembershipFactory(business=conversation.business, agent=True).user)

    response = client.get(url(conversation), {"from": value})

    assert (response.context["return_path"] == value) is shown


@pytest.mark.parametrize("messages", [10, 1000])
def test_constant_number_of_queries(client, django_assert_max_num_queries, messages):
    conversation = planted_conversation()
    MessageFactory.create_batch(
        messages, conversation=conversation, sent_at=factory_time(conversation.started_at)
    )
    client.force_login(MembershipFactory(business=conversation.business, agent=True).user)
    client.get(url(conversation))  # fills the per-process caches (content types)

    # One of them counts the user's conversations for "2 of 3" beside Previous / Next; two
    # are the savepoint the audit entry is written in (a test runs in a transaction).
    with django_assert_max_num_queries(18):
        response = client.get(url(conversation))

    assert response.status_code == 200


def test_attribute_personal_on_another_bot_of_the_business_stays_masked(client):
    conversation = planted_conversation()
    other_bot_conversation = ConversationFactory(
        business=conversation.business, end_user=conversation.end_user
    )
    MessageFactory(conversation=other_bot_conversation, text=f"account {ACCOUNT}")
    client.force_login(MembershipFactory(business=conversation.business, agent=True).user)

    response = client.get(url(other_bot_conversation))

    assert leaked(response.content) == []
    assert "[account number]" in response.content.decode()


def test_days_and_times_are_those_of_the_business_time_zone(client):
    conversation = ConversationFactory(business__timezone="Asia/Kolkata")
    for hour in (18, 19):  # 23:30 on 1 October and 00:30 on 2 October in India
        MessageFactory(
            conversation=conversation, sent_at=dt.datetime(2026, 10, 1, hour, tzinfo=dt.UTC)
        )
    client.force_login(MembershipFactory(business=conversation.business, agent=True).user)

    html = client.get(url(conversation)).content.decode()

    assert "Thursday, 1 October 2026" in html and "Friday, 2 October 2026" in html
    assert ">23:30<" in html and ">00:30<" in html
    assert 'datetime="2026-10-02T00:30:00+05:30"' in html


@pytest.mark.django_db(transaction=True)
def test_a_conversation_removed_while_it_is_opened_is_a_404_not_an_error(client, monkeypatch):
    """Retention or an erasure may remove it between the page's lookup and its audit entry."""
    conversation = planted_conversation()
    client.force_login(MembershipFactory(business=conversation.business, agent=True).user)
    opened = AuditEntry.objects.opened

    def removed_meanwhile(*args):
        Conversation.objects.filter(pk=conversation.pk).delete()
        return opened(*args)

    monkeypatch.setattr(AuditEntry.objects, "opened", removed_meanwhile)

    assert client.get(url(conversation)).status_code == 404
