"""Forgotten and changed passwords: Django's views, in the site's own pages."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(agent=True, user__email="asha@acme.test")


def test_the_sign_in_page_leads_to_a_forgotten_password(client):
    page = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("password_reset")}"' in page


def test_a_forgotten_password_is_chosen_anew_by_the_emailed_link(client, member):
    response = client.post(reverse("password_reset"), {"email": "ASHA@acme.test"}, follow=True)

    assert "Check your email" in response.content.decode()
    [email] = mail.outbox
    assert email.to == ["asha@acme.test"]
    link = re.search(r"https?://\S+", email.body)[0]
    form_page = client.get(link, follow=True)
    assert "Django administration" not in form_page.content.decode()
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-brand-new-password-3", "new_password2": "a-brand-new-password-3"},
    )
    member.user.refresh_from_db()
    assert member.user.check_password("a-brand-new-password-3")


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, member):
    known = client.post(reverse("password_reset"), {"email": "asha@acme.test"}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@acme.test"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert len(mail.outbox) == 1


def test_a_signed_in_member_changes_their_password(client, member):
    client.force_login(member.user)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("password_change")}"' in home

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-password-3",
            "new_password2": "a-brand-new-password-3",
        },
        follow=True,
    )

    assert "Password changed" in response.content.decode()
    member.user.refresh_from_db()
    assert member.user.check_password("a-brand-new-password-3")


def test_changing_a_password_needs_a_sign_in(client):
    response = client.get(reverse("password_change"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_form_sends_one_email_per_address_in_a_while(client, member):
    for _ in range(3):
        response = client.post(reverse("password_reset"), {"email": "asha@acme.test"})
        assert response.status_code == 302

    assert len(mail.outbox) == 1
