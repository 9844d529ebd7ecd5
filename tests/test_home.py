import pytest

from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")


def test_lists_each_business_of_the_user(client):
    membership = MembershipFactory(agent=True, business__name="Acme Bank")
    MembershipFactory(user=membership.user, analyst=True, business__name="Shop Kart")
    MembershipFactory(business__name="Not Mine")
    client.force_login(membership.user)

    response = client.get("/")

    assert response.status_code == 200
    assert b"Acme Bank" in response.content
    assert b"Shop Kart" in response.content
    assert b"Not Mine" not in response.content


def test_sign_in_and_out(client):
    membership = MembershipFactory()

    response = client.post(
        "/accounts/login/",
        {"username": membership.user.username, "password": "correct-horse-battery"},
    )
    assert response.status_code == 302

    assert client.get("/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
