"""Constant queries per analytics page and export, whatever the data (the data of each size
shared by the module's tests: tests/shared_db.py)."""

import pytest

from conversations.models import Business
from tests.factories import MembershipFactory
from tests.records import BUSINESS, at, conversation, import_ok, message, setup_records
from tests.test_analytics_access import EXPORTS, PAGES, content

pytestmark = pytest.mark.django_db


def data_set(size):
    """`size` conversations of every kind the pages show: rated or not, handled or not."""
    import_ok(
        *setup_records(),
        *[
            conversation(
                f"c-{n}",
                [
                    message("a", f"card {n} blocked please", bot_break=n % 2 == 0),
                    message("b", "I could not follow", sender="bot", when=at(minute=1)),
                    message("c", "refund status pending", when=at(minute=2)),
                ],
                user=f"u-{n}",
                **({"agent": f"{BUSINESS}-asha", "csat": {"rating": n % 5 + 1}} if n % 3 else {}),
            )
            for n in range(size)
        ],
    )
    return Business.objects.get(slug=BUSINESS).pk


# Session, user, membership, pending recounts, the filter menus, the page, its total, personal
# entity names (whose placeholders a masked text marks) and the header menu: a handful,
# whatever the data.
MOST_QUERIES = 12


@pytest.fixture(scope="module", params=[3, 60], ids=lambda size: f"{size} conversations")
def business_pk(request, shared_db):
    with shared_db(data_set, request.param) as made:
        yield made


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_queries_per_page_do_not_grow_with_the_data(
    client, django_assert_max_num_queries, business_pk, url
):
    business = Business.objects.get(pk=business_pk)
    client.force_login(MembershipFactory(business=business, analyst=True).user)

    with django_assert_max_num_queries(MOST_QUERIES):
        response = client.get(url)
        content(response)

    assert response.status_code == 200
