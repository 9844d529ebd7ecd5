"""Password links from the Staff pages: a new member invited by email to choose their own
password, and a link to choose a new one sent on request; audited, never a 500."""

import re
import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from conversations.models import Business, Membership
from ingest.actors import Actor
from ingest.staff import UsernameTaken, create_staff
from tests.console_pages import changes_of
from tests.factories import PASSWORD, MembershipFactory
from tests.pii import leaked

pytestmark = pytest.mark.django_db


def url(name, business, *args):
    return reverse(name, args=[business.slug, *args])


def invite_nina(client, business, admin, **fields):
    client.force_login(admin.user)
    data = {"username": "nina", "email": "nina@acme.test", "roles": ["agent"], **fields}
    return client.post(url("console-add-member", business), data, follow=True)


def link_in(email):
    return re.search(r"https?://\S+", email.body)[0]


def choose_password(client, link, password):
    """Follow an emailed link and choose `password`: the page Django sends the link on to."""
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"], "the link should be valid"
    set_password_path = form_page.redirect_chain[-1][0]
    return client.post(
        set_password_path, {"new_password1": password, "new_password2": password}, follow=True
    )


def test_a_member_added_without_a_password_is_invited_and_chooses_one(client, business, admin):
    response = invite_nina(client, business, admin)

    assert "Sending nina a link to choose a password." in response.content.decode()
    assert "invited: no password yet" in response.content.decode()
    [email] = mail.outbox
    assert email.to == ["nina@acme.test"]
    assert email.subject == f"You are invited to Chat Links for {business.name}"
    assert "nina" in email.body and "works once, for 3 days" in email.body
    assert leaked(email.subject + email.body) == []
    nina = Membership.objects.get(business=business, user__username="nina").user
    assert not nina.has_usable_password()
    assert changes_of(business, AuditEntry.Kind.STAFF) == [
        ("ada_admin", "Added nina as agent; teams none; leads none"),
        ("ada_admin", "Emailed nina an invitation"),
    ]

    client.logout()
    done = choose_password(client, link_in(email), "a-long-new-password-1")

    assert "Your password is set" in done.content.decode()
    signed_in = client.post(
        reverse("login"), {"username": "nina", "password": "a-long-new-password-1"}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")
    client.logout()
    used_again = client.get(link_in(email), follow=True)
    assert "This link has expired or has been used already." in used_again.content.decode()


def test_an_invitation_needs_an_email_address(client, business, admin):
    response = invite_nina(client, business, admin, email="")

    assert response.context["form"].errors["password"] == [
        "Give a password, or an email address to send an invitation to."
    ]
    assert mail.outbox == []


def test_an_admin_emails_a_member_a_link_to_choose_a_new_password(client, business, admin):
    member = MembershipFactory(business=business, agent=True, user__email="omar@acme.test")
    client.force_login(admin.user)
    page = client.get(url("console-member", business, member.pk)).content.decode()
    assert "Email a password link" in page

    response = client.post(url("console-email-password-link", business, member.pk), follow=True)

    assert response.redirect_chain[-1][0] == url("console-member", business, member.pk)
    [email] = mail.outbox
    assert (email.to, email.subject) == (["omar@acme.test"], "Choose a new Chat Links password")
    username = member.user.get_username()
    assert changes_of(business, AuditEntry.Kind.STAFF) == [
        ("ada_admin", f"Emailed {username} a link to choose a new password")
    ]
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)  # until they follow the link
    client.logout()
    choose_password(client, link_in(email), "another-long-password-2")
    member.user.refresh_from_db()
    assert member.user.check_password("another-long-password-2")


@pytest.mark.parametrize(
    "member_of_business",
    [
        {"user__email": ""},
        {"user__email": "x@acme.test", "user__is_active": False},
    ],
    ids=["no email", "deactivated account"],
)
def test_no_link_where_it_could_not_reach_them(client, business, admin, member_of_business):
    member = MembershipFactory(business=business, agent=True, **member_of_business)
    client.force_login(admin.user)

    page = client.get(url("console-member", business, member.pk)).content.decode()
    response = client.post(url("console-email-password-link", business, member.pk))

    assert "password link" not in page and "invitation again" not in page
    assert response.status_code == 403 and mail.outbox == []


def test_no_link_for_an_account_another_business_shares(client, business, admin):
    member = MembershipFactory(business=business, agent=True, user__email="x@acme.test")
    MembershipFactory(user=member.user, agent=True)  # staff of another business too
    client.force_login(admin.user)

    response = client.post(url("console-email-password-link", business, member.pk))

    assert response.status_code == 403 and mail.outbox == []


def test_another_business_and_get_are_refused(client, business, admin, other_admin):
    member = MembershipFactory(business=business, agent=True, user__email="x@acme.test")
    link = url("console-email-password-link", business, member.pk)
    client.force_login(other_admin.user)
    assert client.post(link).status_code == 404
    client.force_login(admin.user)
    assert client.get(link).status_code == 405
    assert mail.outbox == []


def test_a_mail_server_that_fails_is_logged_not_audited_nor_a_500(
    client, business, admin, monkeypatch, caplog
):
    def refused(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "try later")

    monkeypatch.setattr("console.staff.send_mail", refused)

    response = invite_nina(client, business, admin)

    assert response.status_code == 200
    assert "The password link email to nina could not be sent" in caplog.text
    assert Membership.objects.filter(business=business, user__username="nina").exists()
    assert changes_of(business, AuditEntry.Kind.STAFF) == [
        ("ada_admin", "Added nina as agent; teams none; leads none")
    ]


def test_a_link_no_longer_works_once_the_account_is_deactivated(client, business, admin):
    invite_nina(client, business, admin)
    nina = Membership.objects.get(business=business, user__username="nina")
    client.post(url("console-deactivate", business, nina.pk))
    client.logout()

    page = client.get(link_in(mail.outbox[0]), follow=True)

    assert not page.context["validlink"]
    assert "This link has expired or has been used already." in page.content.decode()


def test_a_business_name_of_several_lines_still_makes_a_one_line_subject(client, business, admin):
    Business.objects.filter(pk=business.pk).update(name="Acme\nBank")

    response = invite_nina(client, business, admin)

    assert response.status_code == 200
    assert mail.outbox[0].subject == "You are invited to Chat Links for Acme Bank"


def test_an_account_made_meanwhile_is_never_taken_over(business, admin):
    """Between the form's check of the username and the account's creation, another business
    makes an account of that name: the console's add fails rather than take it over."""
    victim = MembershipFactory(admin=True, user__username="victim", user__email="v@other.test")

    with pytest.raises(UsernameTaken):
        create_staff(
            Actor.staff(admin.user),
            business,
            "victim",
            password=None,
            email="evil@acme.test",
            display_name="",
            roles=["agent"],
            teams=[],
            leads=[],
        )

    victim.user.refresh_from_db()
    assert victim.user.email == "v@other.test"
    assert not Membership.objects.filter(business=business, user=victim.user).exists()
