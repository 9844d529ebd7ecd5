"""The CSV of every clustered message: topic, conversation id, message id, masked text, link."""

import csv
import io

import pytest

from conversations.models import Message
from tests.factories import MembershipFactory
from tests.pii import CARD, EMAIL, leaked
from tests.records import BUSINESS, conversation, import_ok, message
from tests.topic_data import compute, topics_business
from topics.models import Topic, TopicMember

pytestmark = pytest.mark.django_db

URL = f"/b/{BUSINESS}/analytics/topics/messages.csv"
HEADER = [
    "Topic",
    "Conversation ID",
    "Message ID",
    "Masked text",
    "Created At",
    "Bot",
    "Chat Link",
]


@pytest.fixture
def computed():
    business = topics_business()
    compute(business)
    return business


def exported(client, **query):
    response = client.get(URL, query)
    assert response.status_code == 200
    disposition = f'attachment; filename="{BUSINESS}-topic-messages.csv"'
    assert response["Content-Disposition"] == disposition
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_one_row_per_clustered_message(client, computed):
    client.force_login(MembershipFactory(business=computed, analyst=True).user)

    header, *rows = exported(client)

    assert header == HEADER
    clustered = TopicMember.objects.filter(topic__isnull=False).select_related("message")
    assert len(rows) == clustered.count()
    by_id = {row[2]: row for row in rows}
    for member in clustered:
        row = by_id[str(member.message_id)]
        assert row[0] == str(member.topic)
        assert row[1] == member.message.conversation.external_id
        assert row[3] == member.message.masked_text
        assert row[6].endswith(f"/c/{member.message.conversation.token}/?m={member.message_id}")


def test_one_topic_and_the_messages_of_none(client, computed):
    client.force_login(MembershipFactory(business=computed, analyst=True).user)
    topic = Topic.objects.all()[0]

    _, *rows = exported(client, topic=topic.pk)
    assert len(rows) == topic.members.count()
    _, *rows = exported(client, topic="none")
    assert {row[0] for row in rows} <= {"Not in any topic"}
    assert len(rows) == TopicMember.objects.filter(topic=None).count()


def test_texts_are_masked_even_for_a_full_viewer(client, computed):
    viewer = MembershipFactory(
        business=computed, analyst=True, admin=True, view_personal_details=True
    )
    client.force_login(viewer.user)

    body = "\n".join(",".join(row) for row in exported(client))

    assert not leaked(body)
    assert CARD not in body and EMAIL not in body
    assert "[card number]" in body or "[email]" in body


def test_a_formula_is_not_run_by_a_spreadsheet(client):
    business = topics_business()
    import_ok(
        *[
            conversation(
                f"f-{n}",
                [message("a", "=HYPERLINK(1) block my card please", bot_break=True)],
                user=f"u-{n}",
            )
            for n in range(5)
        ]
    )
    compute(business)
    client.force_login(MembershipFactory(business=business, analyst=True).user)
    formula = Message.objects.filter(masked_text__startswith="=")[0]

    rows = {row[2]: row for row in exported(client, topic="")[1:]}
    rows |= {row[2]: row for row in exported(client, topic="none")[1:]}

    assert rows[str(formula.pk)][3].startswith("'=")
