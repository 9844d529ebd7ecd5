"""Sign in as every role that must not see PII and follow every link from `/`: lists, filters,
pagination, analytics, CSV exports, chat pages, Previous / Next. No planted value may appear,
whichever imported field it was planted in; and no search for a planted value finds anything."""

import html
import re
from collections import deque

import pytest

from audit.models import AuditEntry
from conversations.models import Business, Conversation
from rules.access import Access
from tests.factories import MembershipFactory, TeamFactory
from tests.pii import (
    ACCOUNT,
    CARD,
    EMAIL,
    EVASIVE_TEXT,
    PAN_ENTITY,
    SECRETS,
    USER_ID,
    leaked,
    planted_conversation_record,
    planted_rich_conversation_record,
)
from tests.records import BUSINESS, conversation, import_ok, message, setup_records
from tests.topic_data import compute, topic_records

# The business requires a second factor, as by default: a permission holder who has not
# verified one in their session is one of the masked roles.
pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.second_factor]

LINK = re.compile(r'(?:href|value)="([/?][^"]*)"')
NOT_CRAWLED = ("/static/", "/admin/", "/accounts/logout/")
MAX_PAGES = 250


def later_conversation():
    """The planted user's next conversation, the values written to slip past masking."""
    return conversation(
        "planted-2",
        [
            message("q1", "card 4111 1111 1111 1111 blocked again", bot_break=True),
            message("q2", EVASIVE_TEXT, bot_break=True),
        ],
        user="919820012345",
    )


def planted_everywhere():
    """PII in every other imported field: the ids, the channel, a bot's name, attribute keys
    (one naming a personal entity in another case), the review."""
    return [
        {"type": "bot", "business": BUSINESS, "slug": "leaky", "name": f"Bot {EMAIL}"},
        conversation(
            f"wa:+{USER_ID}:{EMAIL}",
            [message("o1", f"mail {EMAIL} or {CARD}", bot_break=True)],
            bot="leaky",
            channel=f"wa {EMAIL}",
            user={
                "id": f"id-{EMAIL}",
                "attributes": {f"note {EMAIL}": "x", "PAN_NUMBER": PAN_ENTITY},
            },
            csat={"rating": 3, "review": f"call {EMAIL}, card {CARD}"},
        ),
    ]


@pytest.fixture
def business():
    import_ok(
        *setup_records(),
        planted_conversation_record(),
        later_conversation(),
        *planted_everywhere(),
        # Every rich element type, PII in each of their fields, and a private note.
        planted_rich_conversation_record(),
        # Bot breaks of a few intents, PII in some, grouped into topics below.
        *topic_records(),
    )
    business = Business.objects.get(slug=BUSINESS)
    assert Conversation.objects.filter(business=business).count() >= 2
    compute(business)
    return business


def crawl(client):
    """Every page reachable by GET links from `/`, with its body."""
    seen, queue, pages = {"/"}, deque(["/"]), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        pages[url] = body
        targets = [response["Location"]] if response.status_code == 302 else LINK.findall(body)
        for target in targets:
            target = html.unescape(target).split("#")[0]
            if target.startswith("?"):
                target = url.split("?")[0] + target
            if not target.startswith(NOT_CRAWLED) and target not in seen:
                seen.add(target)
                queue.append(target)
    return pages


# The pages of the business admin's console that an admin's crawl must reach.
CONSOLE_PAGES = ["staff", "bots", "api-keys", "audit-log", "settings"]

MASKED_ROLES = {
    "agent without the permission": {"agent": True},
    "team lead without the permission": {"team_lead": True},
    "admin without the permission": {"admin": True},
    "analyst": {"analyst": True},
    "analyst holding the permission": {"analyst": True, "view_personal_details": True},
    "every role but the permission": {
        "agent": True,
        "team_lead": True,
        "admin": True,
        "analyst": True,
    },
    "every role and the permission, second factor not verified": {
        "agent": True,
        "team_lead": True,
        "admin": True,
        "view_personal_details": True,
    },
}


@pytest.mark.parametrize("roles", MASKED_ROLES.values(), ids=MASKED_ROLES.keys())
def test_no_planted_value_on_any_page_a_masked_role_reaches(client, business, roles):
    membership = MembershipFactory(business=business, **roles)
    membership.leads.set(TeamFactory._meta.model.objects.filter(business=business))
    # The planted conversations are assigned to the crawler, for My Chats to list them.
    import_ok(
        *(
            {**record, "agent": membership.user.username}
            for record in (
                planted_conversation_record(),
                later_conversation(),
                planted_rich_conversation_record(),
            )
        )
    )
    # Every conversation in the audit log, which a masked admin reads in the console.
    for planted in Conversation.objects.filter(business=business).select_related("end_user"):
        AuditEntry.objects.opened(membership.user, planted, Access.FULL)
    client.force_login(membership.user)

    pages = crawl(client)

    chat_pages = [url for url in pages if url.startswith("/c/")]
    assert chat_pages, "the crawl reached no chat page"
    if roles.keys() & {"analyst", "team_lead", "admin"}:
        topics = f"/b/{BUSINESS}/analytics/topics/"
        assert {topics, f"{topics}messages.csv"} <= set(pages)
        assert any(url.startswith(f"{topics}messages/?topic=") for url in pages)
    if roles.get("admin"):
        console = {url.split("?")[0] for url in pages if url.startswith(f"/b/{BUSINESS}/console/")}
        assert {f"/b/{BUSINESS}/console/{page}/" for page in CONSOLE_PAGES} <= console
        # Privacy requests: in the menu, refused to a masked admin (finding a customer by
        # email or phone is seeing their details).
        privacy = f"/b/{BUSINESS}/console/privacy/"
        assert privacy in pages and "answer privacy requests" in pages[privacy]
    rich = Conversation.objects.get(external_id="planted-rich")
    assert any(url.startswith(f"/c/{rich.token}/") for url in pages), "no rich chat crawled"
    if roles.get("view_personal_details") and not roles.get("analyst"):
        assert any(url.startswith("/accounts/second-factor/") for url in pages), "no prompt"
    leaks = {url: leaked(body) for url, body in pages.items() if leaked(body)}
    assert leaks == {}
    assert searches_finding_a_secret(client, pages) == []


def test_an_entity_personal_on_one_bot_is_masked_in_chats_with_another(client):
    """The user's account number, marked personal by the support bot, typed to the sales bot."""
    user = {"id": "u-7", "attributes": {"account_number": ACCOUNT}}
    sales = conversation(
        "sales-1",
        [message("s1", f"refund to account {ACCOUNT} please", bot_break=True)],
        bot="sales",
        user=user,
    )
    import_ok(*setup_records(), sales)
    business = Business.objects.get(slug=BUSINESS)
    client.force_login(MembershipFactory(business=business, analyst=True, admin=True).user)

    pages = crawl(client)

    assert any("/analytics/words/" in url for url in pages)
    assert [url for url, body in pages.items() if ACCOUNT in body] == []


# The searches and filters of the pages, and the query parameter each takes a value in.
SEARCHES = {
    "/business/": ["q"],
    "/teams/": ["channel"],
    "/analytics/messages/": ["text", "channel"],
    "/analytics/words/phrase/": ["phrase"],
    "/console/audit-log/": ["conversation"],
}


def searches_finding_a_secret(client, pages):
    """The searches and filters, given a planted value, that answer otherwise than for a value
    that is nowhere: one that did would confirm a hidden value, a guessed character at a time."""

    def answer(url, parameter, value):
        response = client.get(url, {parameter: value})
        if response.status_code in (403, 404):
            return response.status_code  # a page this role may not open, or not a phrase
        assert response.status_code == 200, (url, parameter, response.status_code)
        return response.context["page"].paginator.count

    guesses = [*SECRETS, USER_ID, f"id-{EMAIL}", f"wa:+{USER_ID}:{EMAIL}", f"wa {EMAIL}"]
    found = []
    for path, parameters in SEARCHES.items():
        url = f"/b/{BUSINESS}{path}"
        for parameter in parameters:
            nowhere = answer(url, parameter, "nowhere")
            found += [
                (url, parameter, secret)
                for secret in guesses
                if answer(url, parameter, secret) not in (nowhere, 404)
            ]
    return found
