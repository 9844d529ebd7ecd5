"""`manage.py import_data FILE|-` and `manage.py api_key BUSINESS`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from conversations.models import ApiKey, Conversation
from tests.conftest import DATA
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def test_imports_a_file():
    out = io.StringIO()

    call_command("import_data", str(DATA / "example.jsonl"), stdout=out)

    assert "2 conversations, 8 messages; 0 rejected" in out.getvalue()
    assert Conversation.objects.count() == 2


def test_reads_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO((DATA / "example.jsonl").read_text()))

    call_command("import_data", "-", stdout=io.StringIO())

    assert Conversation.objects.count() == 2


def test_rejected_records_are_listed_and_the_command_fails(tmp_path):
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"type": "business", "slug": "acme"})
    bad = json.dumps({"type": "business", "slug": "x", "timezone": "Nowhere"})
    path.write_text(f"{good}\n{bad}\n")
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_data", str(path), stdout=io.StringIO(), stderr=err)

    assert "line 2: business.timezone: is not an IANA time zone name" in err.getvalue()


def test_missing_file():
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_data", "/nonexistent.jsonl", stdout=io.StringIO())


def test_api_key_is_printed_once_and_stored_hashed():
    BusinessFactory(slug="acme")
    out = io.StringIO()

    call_command("api_key", "acme", "--name", "Zendesk bot", stdout=out, stderr=io.StringIO())

    raw_key = out.getvalue().strip()
    assert ApiKey.objects.authenticate(raw_key) is not None
    assert not ApiKey.objects.filter(hashed__contains=raw_key).exists()


def test_api_key_can_be_revoked():
    business = BusinessFactory(slug="acme")
    api_key, raw_key = ApiKey.issue(business)

    call_command("api_key", "acme", "--revoke", api_key.prefix, stdout=io.StringIO())

    assert ApiKey.objects.authenticate(raw_key) is None


def test_api_key_for_unknown_business():
    with pytest.raises(CommandError, match="no business"):
        call_command("api_key", "nope", stdout=io.StringIO())
