"""An import's batches commit without waiting for the disk, and the import ends by waiting for
all of them (ingest.writer.write_conversations, make_durable); inside a caller's transaction
nothing changes how that transaction commits."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conversations.models import Conversation
from ingest import importer
from tests.records import conversation, import_ok, message, setup_records

ASYNCHRONOUS = "SET LOCAL synchronous_commit TO OFF"
DURABLE = "pg_current_xact_id"


def executed(queries, statement):
    return sum(statement in query["sql"] for query in queries.captured_queries)


def three_batches():
    return [
        conversation(f"c-{number}", [message("m-1", f"hello {number}")], user=f"u-{number}")
        for number in range(3)
    ]


@pytest.fixture
def one_conversation_a_batch(monkeypatch):
    monkeypatch.setattr(importer, "BATCH_CONVERSATIONS", 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("one_conversation_a_batch")
def test_batches_commit_without_waiting_and_the_import_ends_durable():
    import_ok(*setup_records())
    with CaptureQueriesContext(connection) as queries:
        import_ok(*three_batches())
    assert Conversation.objects.count() == 3
    on_postgresql = connection.vendor == "postgresql"
    assert executed(queries, ASYNCHRONOUS) == (3 if on_postgresql else 0)
    assert executed(queries, DURABLE) == (1 if on_postgresql else 0)
    if on_postgresql:  # the wait comes after every batch
        statements = [query["sql"] for query in queries.captured_queries]
        last_batch = max(i for i, sql in enumerate(statements) if ASYNCHRONOUS in sql)
        assert any(DURABLE in sql for sql in statements[last_batch + 1 :])


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("one_conversation_a_batch")
def test_an_import_in_a_callers_transaction_leaves_its_commit_as_it_is():
    import_ok(*setup_records())
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        import_ok(*three_batches())
    assert Conversation.objects.count() == 3
    assert executed(queries, ASYNCHRONOUS) == 0


@pytest.mark.django_db(transaction=True)
def test_an_import_of_no_conversation_waits_for_nothing_more():
    with CaptureQueriesContext(connection) as queries:
        import_ok(*setup_records())
    assert executed(queries, ASYNCHRONOUS) == executed(queries, DURABLE) == 0
