"""manage.py api_key: a business's import API keys from the command line, created (shown
once), listed with their last use, and revoked by prefix."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conversations.models import ApiKey
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme():
    return BusinessFactory(slug="acme")


def api_key(*args):
    out, err = StringIO(), StringIO()
    call_command("api_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_new_key_is_printed_once_and_works(acme):
    out, err = api_key("acme")

    raw_key = out.strip()
    assert ApiKey.objects.authenticate(raw_key).business == acme
    assert "not shown again" in err
    assert raw_key not in api_key("acme", "--list")[0]


def test_the_list_says_when_each_key_was_created_revoked_and_last_used(acme):
    used, _ = ApiKey.issue(acme)
    used.note_use(now=dt.datetime(2026, 11, 30, 8, 15, tzinfo=dt.UTC))
    unused, _ = ApiKey.issue(acme)
    revoked, _ = ApiKey.issue(acme)
    api_key("acme", "--revoke", revoked.prefix)

    lines = api_key("acme", "--list")[0].splitlines()

    assert len(lines) == 3
    assert lines[0].startswith(f"{used.prefix}…") and "last used 2026-11-30 08:15 UTC" in lines[0]
    assert lines[1].startswith(f"{unused.prefix}…") and "active  never used" in lines[1]
    assert lines[2].startswith(f"{revoked.prefix}…") and "revoked " in lines[2]


def test_a_revoked_key_no_longer_works(acme):
    key, raw_key = ApiKey.issue(acme)

    out, _ = api_key("acme", "--revoke", key.prefix[:6])

    assert out.strip() == f"revoked {key.prefix[:6]}…"
    assert ApiKey.objects.authenticate(raw_key) is None


def test_revoking_needs_a_prefix_of_exactly_one_active_key(acme):
    ApiKey.issue(acme)
    ApiKey.issue(acme)

    with pytest.raises(CommandError, match="2 active keys start with 'cl_'"):
        api_key("acme", "--revoke", "cl_")
    with pytest.raises(CommandError, match="0 active keys start with 'zzz'"):
        api_key("acme", "--revoke", "zzz")
    with pytest.raises(CommandError, match="--revoke needs the start of the key"):
        api_key("acme", "--revoke", "")
    assert acme.api_keys.count() == 2


def test_an_unknown_business_is_an_error(acme):
    with pytest.raises(CommandError, match="no business with slug 'nope'"):
        api_key("nope")
