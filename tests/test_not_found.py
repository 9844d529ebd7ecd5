"""Our own 404 page, even with DEBUG on as under `make run` (issue 24, point 6): Django's debug
page would list every URL pattern of the site."""

import pytest
from django.utils import timezone

from sharelinks.models import ShareLink
from tests.factories import ConversationFactory

pytestmark = pytest.mark.django_db

OURS = "There is nothing here, or you have no access to it."


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_a_revoked_share_link_gets_our_not_found_page(client, debug):
    link = ShareLink.create_for(ConversationFactory(), user=None)
    link.revoked_at = timezone.now()
    link.save()

    response = client.get(f"/s/{link.token}/")

    assert response.status_code == 404
    body = response.content.decode()
    assert OURS in body
    assert "URLconf" not in body and "b/&lt;slug:business&gt;" not in body


def test_an_unknown_address_gets_our_not_found_page(client, debug):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert OURS in response.content.decode()
    assert "URLconf" not in response.content.decode()


def test_an_address_without_its_slash_is_still_redirected(client, debug):
    response = client.get("/accounts/login")

    assert response.status_code == 301
    assert response["Location"] == "/accounts/login/"
