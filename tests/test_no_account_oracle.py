"""The forgotten-password form answers in the same time, with the same words, whether or not
the address has an account: its email is sent after the answer (signin.background); so is an
admin's invitation."""

import re
import statistics
import time

import pytest
import requests
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from conversations.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

REQUESTS_EACH = 30
# What a mail server takes to accept a message, give or take: tens of milliseconds at least.
MAIL_SERVER_DELAY = 0.05


class SlowEmailBackend(EmailBackend):
    """The test outbox, as slow as a mail server."""

    delay = MAIL_SERVER_DELAY

    def send_messages(self, messages):
        time.sleep(self.delay)
        return super().send_messages(messages)


def answer_seconds(url, csrf, email):
    """How long the form takes to answer, on a connection of its own, as a browser sees it."""
    started = time.perf_counter()
    response = requests.post(
        url,
        {"csrfmiddlewaretoken": csrf, "email": email},
        cookies={"csrftoken": csrf},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=10,
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    return elapsed, response.headers["Location"], response.content


def test_known_and_unknown_addresses_take_the_same_time(live_server, settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowEmailBackend"
    # A different account each time, as the form emails an address once in a while.
    known = [UserFactory(email=f"known{n}@acme.test").email for n in range(REQUESTS_EACH)]
    unknown = [f"nobody{n}@acme.test" for n in range(REQUESTS_EACH)]
    url = f"{live_server.url}/accounts/password_reset/"
    page = requests.get(url, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]

    times: dict[str, list[float]] = {"known": [], "unknown": []}
    answers = set()
    for known_email, unknown_email in zip(known, unknown, strict=True):
        for kind, email in (("known", known_email), ("unknown", unknown_email)):
            elapsed, location, body = answer_seconds(url, csrf, email)
            times[kind].append(elapsed)
            answers.add((location, body))

    difference = statistics.median(times["known"]) - statistics.median(times["unknown"])
    assert abs(difference) < MAIL_SERVER_DELAY / 2, times
    assert len(answers) == 1
    deadline = time.monotonic() + 10  # the last emails may still be on their way
    while len(mail.outbox) < REQUESTS_EACH and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(email for message in mail.outbox for email in message.to) == sorted(known)


def test_an_invitation_is_emailed_after_the_answer_not_in_the_request(
    live_server, settings, client, monkeypatch
):
    settings.EMAIL_BACKEND = f"{__name__}.SlowEmailBackend"
    delay = 20 * MAIL_SERVER_DELAY  # a mail server that takes a whole second
    monkeypatch.setattr(SlowEmailBackend, "delay", delay)
    admin = MembershipFactory(admin=True)
    client.force_login(admin.user)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    url = f"{live_server.url}/b/{admin.business.slug}/console/staff/add/"
    page = requests.get(url, cookies=cookies, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]

    started = time.perf_counter()
    response = requests.post(
        url,
        {
            "csrfmiddlewaretoken": csrf,
            "username": "nina",
            "email": "nina@acme.test",
            "roles": ["agent"],
        },
        cookies={**cookies, "csrftoken": csrf},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=10,
    )
    elapsed = time.perf_counter() - started

    assert response.status_code == 302
    assert Membership.objects.filter(business=admin.business, user__username="nina").exists()
    assert elapsed < delay and mail.outbox == []
    deadline = time.monotonic() + 10
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [message.to for message in mail.outbox] == [["nina@acme.test"]]
