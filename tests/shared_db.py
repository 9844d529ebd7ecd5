"""Records a module's tests share, imported once for the module, as Django's setUpTestData
does for a TestCase: most of the suite's time was each test importing the same records again.

A module-scoped fixture makes them with `with shared_db(make, *args) as made: yield made`.
They are made in a transaction rolled back when that fixture ends; each test runs in a
savepoint of it (pytest-django), so what a test changes is undone after it.
"""

from contextlib import contextmanager

import pytest
from django.db import transaction

from conversations.models import Business
from tests.factories import no_second_factor_by_default


@pytest.fixture(scope="session")
def shared_db(django_db_setup, django_db_blocker):
    """`make` returns ids, not model instances, so that each test fetches fresh objects. Not for
    modules with transactional tests (`django_db(transaction=True)`): they would commit in the
    transaction. Made as for a test not marked `second_factor`."""

    @contextmanager
    def made_once(make, *args):
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
        try:
            with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as monkeypatch:
                no_second_factor_by_default(monkeypatch)
                made = make(*args)
            yield made
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    return made_once


def shared_business(make):
    """The fixtures `business_pk` and `business` of a module whose tests share one business:
    `make` writes it once and returns its id; each test gets the business fresh from the
    database. Use: `business_pk, business = shared_business(make)`."""

    @pytest.fixture(scope="module")
    def business_pk(shared_db):
        with shared_db(make) as made:
            yield made

    @pytest.fixture
    def business(business_pk):
        return Business.objects.get(pk=business_pk)

    return business_pk, business


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """A module's tests that do not ask for its shared records run before those that do, so
    that they never see them: the records live from the first test that asks until the module
    ends. Otherwise the order stays as pytest and pytest-django made it (the transactional
    tests last, after every module)."""
    runs, module = [], None
    for item in items:
        if item.module is not module:
            module = item.module
            runs.append([])
        runs[-1].append(item)
    items[:] = [
        item
        for run in runs
        for item in sorted(run, key=lambda item: "shared_db" in item.fixturenames)
    ]
