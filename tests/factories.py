import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from guardian.shortcuts import assign_perm

from conversations.models import (
    PERSONAL_DETAILS_PERM,
    ApiKey,
    Bot,
    Business,
    Conversation,
    EndUser,
    Entity,
    Membership,
    Message,
    Sender,
    Team,
)
from ingest import writer
from ingest.writer import CONVERSATION_FIELDS
from rules.masking import MASKER_VERSION
from tests.records import IMPORT_DATA

PASSWORD = "correct-horse-battery"


def no_second_factor_by_default(monkeypatch):
    """Businesses made from now on do not require a second factor (tests/conftest.py)."""
    field = Business._meta.get_field("require_second_factor")
    monkeypatch.setattr(field, "get_default", lambda: False)


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"business-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    timezone = "Asia/Kolkata"
    # As the writer creates businesses: their texts are masked with the current rules.
    masker_version = MASKER_VERSION


class ApiKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiKey

    business = factory.SubFactory(BusinessFactory)
    prefix = "cl_test"
    hashed = factory.Sequence(lambda n: f"{n:064x}")


class BotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bot

    business = factory.SubFactory(BusinessFactory)
    slug = factory.Sequence(lambda n: f"bot-{n}")
    name = factory.Sequence(lambda n: f"Support Bot {n}")


class EntityFactory(factory.django.DjangoModelFactory):
    """Entities are set by the writer, which recounts what masking changes."""

    class Meta:
        model = Entity

    @classmethod
    def _create(cls, model_class, bot, name, personal):
        entities = dict(bot.entities.values_list("name", "personal"))
        writer.set_entities(IMPORT_DATA, bot, {**entities, name: personal})
        return bot.entities.get(name=name)

    bot = factory.SubFactory(BotFactory)
    name = factory.Sequence(lambda n: f"entity_{n}")
    personal = False


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    business = factory.SubFactory(BusinessFactory)
    slug = factory.Sequence(lambda n: f"team-{n}")
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@staff.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    """Staff of a business. `view_personal_details=True` grants the permission for it."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    business = factory.SubFactory(BusinessFactory)

    class Params:
        agent = factory.Trait(is_agent=True)
        team_lead = factory.Trait(is_team_lead=True)
        analyst = factory.Trait(is_analyst=True)
        admin = factory.Trait(is_admin=True)

    @factory.post_generation
    def view_personal_details(obj, create, extracted, **kwargs):
        if create and extracted:
            assign_perm(PERSONAL_DETAILS_PERM, obj.user, obj.business)


class EndUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EndUser

    business = factory.SubFactory(BusinessFactory)
    external_id = factory.Sequence(lambda n: f"u-{n}")
    name = "Ravi Kumar"
    email = "ravi.kumar@example.com"
    phone = "+91 98200 12345"
    attributes = factory.LazyFunction(dict)


def write_through_the_writer(conversation, messages=()):
    """Store an unsaved conversation, or new messages of a stored one, as an import would:
    through ingest.writer, so message counts, copies and rollups are what the import makes."""
    values = {
        Conversation._meta.get_field(name).attname: getattr(
            conversation, Conversation._meta.get_field(name).attname
        )
        for name in CONVERSATION_FIELDS
        if name != "end_user"
    }
    writer.write_conversations(
        [
            writer.ConversationWrite(
                locator="factory",
                business_id=conversation.business_id,
                bot_id=conversation.bot_id,
                external_id=conversation.external_id,
                channel=conversation.channel,
                user_id=conversation.end_user.external_id,
                user_details={},
                values=values,
                messages={message.external_id: message for message in messages},
            )
        ]
    )
    return Conversation.objects.get(
        business_id=conversation.business_id, external_id=conversation.external_id
    )


class ConversationFactory(factory.django.DjangoModelFactory):
    """Conversations are written by the writer, with what it derives from them."""

    class Meta:
        model = Conversation

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return write_through_the_writer(model_class(*args, **kwargs))

    business = factory.SubFactory(BusinessFactory)
    bot = factory.SubFactory(BotFactory, business=factory.SelfAttribute("..business"))
    end_user = factory.SubFactory(EndUserFactory, business=factory.SelfAttribute("..business"))
    channel = "web"
    external_id = factory.Sequence(lambda n: f"c-{n}")
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))


class MessageFactory(factory.django.DjangoModelFactory):
    """Messages are added to their conversation by the writer, as a re-sent conversation
    record adds them; `create_batch` adds a whole batch in one write."""

    class Meta:
        model = Message

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls._write([model_class(*args, **kwargs)])[0]

    @classmethod
    def create_batch(cls, size, **kwargs):
        return cls._write(cls.build_batch(size, **kwargs))

    @staticmethod
    def _write(messages):
        conversations = {message.conversation.pk: message.conversation for message in messages}
        for conversation in conversations.values():
            write_through_the_writer(
                conversation, [m for m in messages if m.conversation.pk == conversation.pk]
            )
        stored = {
            (message.conversation_id, message.external_id): message
            for message in Message.objects.filter(
                conversation_id__in=conversations,
                external_id__in={message.external_id for message in messages},
            )
        }
        return [stored[(m.conversation.pk, m.external_id)] for m in messages]

    conversation = factory.SubFactory(ConversationFactory)
    business = factory.SelfAttribute("conversation.business")
    bot = factory.SelfAttribute("conversation.bot")
    channel = factory.SelfAttribute("conversation.channel")
    external_id = factory.Sequence(lambda n: f"m-{n}")
    sent_at = factory.LazyAttribute(lambda o: o.conversation.started_at)
    sender = Sender.USER
    text = "Hello, I need help with my card."
