"""The shared records of tests/records.py and tests/pii.py import cleanly."""

import pytest

from conversations.models import Business
from tests.pii import planted_conversation_record
from tests.records import BUSINESS, import_ok, setup_records

pytestmark = pytest.mark.django_db


def test_the_shared_records_import_cleanly():
    import_ok(*setup_records(), planted_conversation_record())

    planted = Business.objects.get(slug=BUSINESS).conversations.get()
    assert planted.message_count == 7
    assert planted.last_user_message_text.startswith("PAN ")
