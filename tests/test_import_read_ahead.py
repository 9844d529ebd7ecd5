"""`import_records(..., read_ahead=True)`, as `manage.py import_data` imports: the records are
read and validated on a thread of their own, with the same outcome as one after another."""

import json
import threading

import pytest

from conversations.models import Conversation
from ingest import importer
from ingest.importer import import_records
from ingest.records import parse_lines
from tests.records import IMPORT_DATA, conversation, message, setup_records

pytestmark = pytest.mark.django_db


def mixed_lines():
    """Good records and bad ones of every sort, in JSON Lines."""
    good = [json.dumps(record) for record in setup_records()]
    conversations = [
        json.dumps(conversation(f"c-{number}", [message("m-1", f"hi {number}")]))
        for number in range(30)
    ]
    bad = [
        "{not json",
        json.dumps({"type": "conversation", "id": "c-x"}),  # fields missing
        json.dumps({"type": "unknown"}),
        json.dumps(conversation("c-y", business="nobody")),  # rejected by the importer
    ]
    return [*good, *conversations[:10], *bad[:2], *conversations[10:], *bad[2:]]


def import_lines(lines, read_ahead):
    return import_records(parse_lines(lines), IMPORT_DATA, read_ahead=read_ahead)


def read_ahead_threads():
    return [thread for thread in threading.enumerate() if thread.name == "import read-ahead"]


def test_the_same_outcome_in_the_same_order(monkeypatch):
    monkeypatch.setattr(importer, "READ_AHEAD", 3)  # the reader waits for the writer too
    lines = mixed_lines()
    ahead = import_lines(lines, read_ahead=True)
    assert Conversation.objects.count() == 30
    Conversation.objects.all().delete()
    in_turn = import_lines(lines, read_ahead=False)
    assert ahead.errors == in_turn.errors
    assert [error.split(":")[0] for error in ahead.errors] == [
        "line 16",
        "line 17",
        "line 38",
        "line 39",
    ]
    assert ahead.counts == in_turn.counts
    assert ahead.outcomes.keys() == in_turn.outcomes.keys()
    assert not read_ahead_threads()


def test_an_error_reading_the_records_is_raised_and_the_reader_ends():
    def failing():
        yield from parse_lines(mixed_lines()[:8])
        raise OSError("the disk went away")

    with pytest.raises(OSError, match="the disk went away"):
        import_records(failing(), IMPORT_DATA, read_ahead=True)
    # As without reading ahead: the import stops, and the batch in hand is not written.
    assert Conversation.objects.count() == 0
    assert not read_ahead_threads()


def test_the_reader_stops_when_the_importer_does(monkeypatch):
    monkeypatch.setattr(importer, "READ_AHEAD", 2)
    added = []

    def add_then_fail(self, locator, data, checked=None):
        added.append(locator)
        if len(added) == 3:
            raise RuntimeError("the writer failed")

    monkeypatch.setattr(importer.Importer, "add", add_then_fail)
    with pytest.raises(RuntimeError, match="the writer failed"):
        import_lines(mixed_lines(), read_ahead=True)
    assert not read_ahead_threads()
