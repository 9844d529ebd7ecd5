"""Helpers shared by the Smart Agent Chat list tests."""

import datetime as dt

from tests.factories import ConversationFactory, MembershipFactory

START = dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC)


def conversations_of(business, count, **kwargs):
    """`count` conversations an hour apart, newest last."""
    return [
        ConversationFactory(business=business, started_at=START + dt.timedelta(hours=n), **kwargs)
        for n in range(count)
    ]


def listed(response):
    return [row.conversation for row in response.context["rows"]]


def staff(business, **roles):
    return MembershipFactory(business=business, **roles)


def sign_in_leading_every_team(client, business, **roles):
    """Signs in new staff of `business` with `roles`, leading all its teams."""
    membership = staff(business, **roles)
    membership.leads.set(business.teams.all())
    client.force_login(membership.user)
    return membership
