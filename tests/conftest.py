import json
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from conversations.models import Business
from ingest.importer import import_records
from ingest.records import parse_lines
from tests.records import IMPORT_DATA

DATA = Path(__file__).parent / "data"

# The single sign-on tests' OpenID provider (its `oidc_provider` fixture).
pytest_plugins = ["tests.sso_provider"]


def jsonl(*records):
    return [json.dumps(record) for record in records]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and throttles are kept in the cache; each test starts with none."""
    cache.clear()


def no_second_factor_by_default(monkeypatch):
    field = Business._meta.get_field("require_second_factor")
    monkeypatch.setattr(field, "get_default", lambda: False)


@pytest.fixture(autouse=True)
def second_factor_not_required(request, monkeypatch):
    """Most tests are about who sees what by role and permission, so the businesses they make
    (by factory or by import) do not require a second factor, as one whose admin turned it
    off. Tests marked `second_factor` get the production default: required."""
    if "second_factor" not in request.keywords:
        no_second_factor_by_default(monkeypatch)


@pytest.fixture(scope="module")
def shared_db(django_db_setup, django_db_blocker):
    """For records that every test of a module imports alike: a module-scoped fixture returns
    `shared_db(make, *args)`, and its tests share what `make(*args)` made once (as Django's
    setUpTestData). It is made in a transaction rolled back at the module's end; each test
    runs in a savepoint of it (pytest-django), so what a test changes is undone after it.
    `make` returns ids, not model instances, so that each test fetches fresh objects. Not for
    modules with transactional tests (`django_db(transaction=True)`): they would commit in it.
    Made as for a test not marked `second_factor`."""

    def make_shared(make, *args):
        with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as monkeypatch:
            # Inside a test's savepoint, what is made would be undone after that test.
            assert not connection.savepoint_ids, "shared_db is for module-scoped fixtures"
            no_second_factor_by_default(monkeypatch)
            return make(*args)

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield make_shared
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def run_import():
    """Import records (dicts, or raw JSON Lines strings); returns the ImportResult."""

    def run(*records):
        lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
        return import_records(parse_lines(lines), IMPORT_DATA)

    return run


@pytest.fixture
def example_lines():
    return (DATA / "example.jsonl").read_text().splitlines()


def pytest_collection_modifyitems(items):
    """The browser tests are slow by nature: `make test-fast` leaves them out."""
    for item in items:
        if "browser" in item.path.parts:
            item.add_marker(pytest.mark.slow)
