"""The audit log, as a business's admin reads it: who opened which conversation at which level
and who changed what; filtered, in the business's time zone, paginated, exported to CSV; a
conversation shown as the admin may see it, never with personal data they may not see."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from audit.models import ActorKind, AuditEntry
from conversations.models import Conversation
from rules.access import Access
from sharelinks.models import ShareLink
from tests.factories import MembershipFactory
from tests.pii import EMAIL, USER_ID, leaked
from tests.records import conversation, import_ok, message

pytestmark = pytest.mark.django_db

PII_ID = f"wa:+{USER_ID}:{EMAIL}"


@pytest.fixture
def pii_conversation(business):
    """A conversation whose very id is personal data (a WhatsApp number, an email)."""
    import_ok(conversation(PII_ID, [message("m1", "hello")]))
    return Conversation.objects.get(business=business, external_id=PII_ID)


@pytest.fixture
def entries(business, agent, pii_conversation):
    """The agent opened the conversation masked, then with full access; an external link
    opened it; the admin changed settings. The import's own entries are left out."""
    AuditEntry.objects.filter(business=business).delete()
    opened = AuditEntry.objects.opened
    masked = opened(agent.user, pii_conversation, Access.MASKED)
    full = opened(agent.user, pii_conversation, Access.FULL)
    link = ShareLink.create_for(pii_conversation, agent.user)
    external = opened(None, pii_conversation, Access.MASKED, share_link=link)
    changed = AuditEntry.objects.changed(
        business, AuditEntry.Kind.SETTINGS, "name A → B", actor_kind=ActorKind.STAFF, actor_name="x"
    )
    at = dt.datetime(2026, 10, 1, 20, 0, tzinfo=dt.UTC)  # 2 Oct, 01:30 in Asia/Kolkata
    for day, entry in enumerate([masked, full, external, changed]):
        AuditEntry.objects.filter(pk=entry.pk).update(at=at + dt.timedelta(days=day))
    return [masked, full, external, changed]


def audit(client, business, **filters):
    return client.get(reverse("console-audit-log", args=[business.slug]), filters)


def shown(response):
    return [(row.who, row.kind, row.level) for row in response.context["page"]]


def test_lists_who_opened_what_at_which_level_newest_first(client, business, admin, entries):
    client.force_login(admin.user)

    response = audit(client, business)

    assert shown(response) == [
        ("a former user", "Changed settings", ""),
        ("someone not signed in", "Opened a conversation", "External link"),
        ("acme-asha", "Opened a conversation", "Full"),
        ("acme-asha", "Opened a conversation", "Masked"),
    ]
    body = response.content.decode()
    assert "2 Oct 2026, 01:30:00" in body  # in the business's time zone
    chat_path = reverse("chat-link", args=[entries[0].conversation.token])
    assert f'href="{chat_path}"' in body


def test_an_admin_without_the_permission_sees_conversations_masked(
    client, business, admin, entries
):
    client.force_login(admin.user)

    response = audit(client, business)

    ids = {row.conversation_id for row in response.context["page"] if row.conversation_id}
    assert len(ids) == 1 and PII_ID not in ids
    assert leaked(response.content) == []


def test_an_admin_with_the_permission_sees_the_conversation_id(client, business, entries):
    admin = MembershipFactory(business=business, admin=True, view_personal_details=True)
    client.force_login(admin.user)

    response = audit(client, business)

    assert {row.conversation_id for row in response.context["page"]} == {PII_ID, ""}


def test_filters(client, business, admin, agent, entries, pii_conversation):
    client.force_login(admin.user)
    chat_link = f"http://testserver{reverse('chat-link', args=[pii_conversation.token])}"

    def count(**filters):
        response = audit(client, business, **filters)
        assert response.status_code == 200
        return response.context["page"].paginator.count

    assert count() == 4
    assert count(person=agent.user_id) == 2
    assert count(conversation=chat_link) == 3
    assert count(conversation=pii_conversation.token) == 3
    assert count(conversation="no-such-token") == 0
    assert count(level="full") == 1
    assert count(level="external") == 1
    assert count(kind="settings") == 1
    assert count(period="custom", start="2026-10-02", end="2026-10-03") == 2
    # An end before the start is an error, shown, and nothing is listed under it.
    assert count(period="custom", start="2026-10-05", end="2026-10-01") == 0
    assert count(period="custom") == 0
    assert (
        "end"
        in audit(client, business, period="custom", start="2026-10-05", end="2026-10-01")
        .context["form"]
        .errors
    )


def test_a_foreign_person_or_conversation_finds_nothing(client, business, admin, entries):
    outsider = MembershipFactory(admin=True)
    foreign = AuditEntry.objects.changed(
        outsider.business,
        "settings",
        "x",
        actor_kind=ActorKind.STAFF,
        actor_name="o",
        user=outsider.user,
    )
    client.force_login(admin.user)

    response = audit(client, business, person=outsider.user_id)

    assert "person" in response.context["form"].errors  # not one of the choices
    assert foreign.pk not in [entry.pk for entry in AuditEntry.objects.filter(business=business)]


def test_csv_export_with_the_filters_applied(client, business, admin, entries):
    client.force_login(admin.user)

    response = client.get(reverse("console-audit-log-csv", args=[business.slug]), {"level": "full"})

    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:4] == ["When", "Who", "What happened", "Level"]
    assert [row[1:4] for row in rows[1:]] == [["acme-asha", "Opened a conversation", "Full"]]
    assert rows[1][0] == "2026-10-03T01:30:00+05:30"
    assert rows[1][5].endswith(reverse("chat-link", args=[entries[1].conversation.token]))
    assert leaked(body) == []


def test_staff_changes_appear_in_the_log(client, business, full_admin, agent):
    client.force_login(full_admin.user)
    client.post(reverse("console-grant-personal-details", args=[business.slug, agent.pk]))

    response = audit(client, business, kind="permission")

    [row] = response.context["page"]
    assert (row.who, row.what) == (
        "ada_admin",
        "Granted Chat Agent View Personal Details to acme-asha",
    )


@pytest.mark.parametrize("count", [3, 80])
def test_constant_number_of_queries_and_pages(
    client, business, admin, agent, pii_conversation, django_assert_max_num_queries, count
):
    for _ in range(count):
        AuditEntry.objects.opened(agent.user, pii_conversation, Access.MASKED)
    client.force_login(admin.user)

    with django_assert_max_num_queries(14):
        response = audit(client, business, kind=AuditEntry.Kind.CONVERSATION)

    assert response.context["page"].paginator.count == count
    assert len(response.context["page"]) == min(count, 50)
