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
    out, err = api_key("acme", "--name", "Zendesk bot")

    raw_key = out.strip()
    assert ApiKey.objects.authenticate(raw_key).business == acme
    assert "not shown again" in err
    assert raw_key not in api_key("acme", "--list")[0]
    assert "Zendesk bot (cl_" in api_key("acme", "--list")[0]


def test_a_new_key_needs_a_name(acme):
    with pytest.raises(CommandError, match="needs a name"):
        api_key("acme")

    assert not ApiKey.objects.exists()


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


@pytest.mark.parametrize("given", ["prefix", "whole key"])
def test_a_revoked_key_no_longer_works(acme, given):
    key, raw_key = ApiKey.issue(acme)

    out, _ = api_key("acme", "--revoke", key.prefix if given == "prefix" else raw_key)

    assert out.strip() == f"revoked {key.prefix}…"
    assert ApiKey.objects.authenticate(raw_key) is None


def test_revoking_needs_the_whole_prefix_and_never_repeats_a_key(acme):
    key, raw_key = ApiKey.issue(acme)
    other_key = "cl_" + "x" * 40

    for too_short in ["", "cl_", key.prefix[:9]]:
        with pytest.raises(CommandError, match="needs the key's 10-character prefix"):
            api_key("acme", "--revoke", too_short)
    with pytest.raises(CommandError) as refused:
        api_key("acme", "--revoke", other_key)

    assert other_key not in str(refused.value) and "cl_xxxxxxx" in str(refused.value)
    assert ApiKey.objects.authenticate(raw_key) == key


def test_list_and_revoke_are_one_or_the_other(acme):
    key, raw_key = ApiKey.issue(acme)

    with pytest.raises(CommandError, match="not allowed with argument"):
        api_key("acme", "--list", "--revoke", key.prefix)

    assert ApiKey.objects.authenticate(raw_key) == key


def test_an_unknown_business_is_an_error(acme):
    with pytest.raises(CommandError, match="no business with slug 'nope'"):
        api_key("nope")
