"""Uniqueness and range rules hold in the database itself, not only in the importer."""

import pytest
from django.db import IntegrityError, transaction

from conversations.models import ApiKey, Bot, Conversation, Message
from tests.factories import (
    BotFactory,
    ConversationFactory,
    EndUserFactory,
    MessageFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


def violates(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_bot_slug_unique_within_business():
    bot = BotFactory(slug="support")

    violates(lambda: Bot.objects.create(business=bot.business, slug="support", name="Again"))
    BotFactory(slug="support")  # another business may use it


def test_team_slug_unique_within_business():
    team = TeamFactory(slug="cards")

    violates(lambda: TeamFactory(business=team.business, slug="cards"))


def test_end_user_id_unique_within_business():
    user = EndUserFactory(external_id="u-1")

    violates(lambda: EndUserFactory(business=user.business, external_id="u-1"))


def test_conversation_id_unique_within_business():
    conversation = ConversationFactory(external_id="c-1")

    copy = Conversation.objects.values().get(pk=conversation.pk)
    del copy["id"], copy["token"]

    violates(lambda: Conversation.objects.create(**copy))


@pytest.mark.parametrize("rating", [0, 6])
def test_csat_rating_between_1_and_5(rating):
    conversation = ConversationFactory()

    violates(lambda: Conversation.objects.filter(pk=conversation.pk).update(csat_rating=rating))


def test_message_id_unique_within_conversation():
    message = MessageFactory(external_id="m1")

    copy = Message.objects.values().get(pk=message.pk)
    del copy["id"]

    violates(lambda: Message.objects.create(**copy))


def test_message_sender_is_known():
    message = MessageFactory()

    violates(lambda: Message.objects.filter(pk=message.pk).update(sender="cat"))


def test_api_key_is_stored_hashed():
    business = ConversationFactory().business

    api_key, raw_key = ApiKey.issue(business)

    assert raw_key not in api_key.hashed
    assert ApiKey.objects.authenticate(raw_key) == api_key
    assert ApiKey.objects.authenticate(raw_key + "x") is None
