import json
from pathlib import Path

import pytest
from django.core.cache import cache

from ingest.importer import import_records
from ingest.records import parse_lines
from tests.factories import no_second_factor_by_default
from tests.records import IMPORT_DATA

DATA = Path(__file__).parent / "data"

# The single sign-on tests' OpenID provider (its `oidc_provider` fixture), and the records a
# module's tests share (`shared_db`).
pytest_plugins = ["tests.sso_provider", "tests.shared_db"]


def jsonl(*records):
    return [json.dumps(record) for record in records]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate-limit counters and throttles are kept in the cache; each test starts with none."""
    cache.clear()


@pytest.fixture(autouse=True)
def second_factor_not_required(request, monkeypatch):
    """Most tests are about who sees what by role and permission, so the businesses they make
    (by factory or by import) do not require a second factor, as one whose admin turned it
    off. Tests marked `second_factor` get the production default: required."""
    if "second_factor" not in request.keywords:
        no_second_factor_by_default(monkeypatch)


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
    """The browser tests, and the others through a live server (signing in at the real OpenID
    provider, node; timing the forgotten-password form), are slow by nature: `make test-fast`
    leaves them out."""
    for item in items:
        if "browser" in item.path.parts or "live_server" in item.fixturenames:
            item.add_marker(pytest.mark.slow)
