import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from guardian.shortcuts import assign_perm

from conversations.models import (
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

PASSWORD = "correct-horse-battery"


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"business-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    timezone = "Asia/Kolkata"


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
    class Meta:
        model = Entity

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
            assign_perm("conversations.view_personal_details", obj.user, obj.business)


class EndUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EndUser

    business = factory.SubFactory(BusinessFactory)
    external_id = factory.Sequence(lambda n: f"u-{n}")
    name = "Ravi Kumar"
    email = "ravi.kumar@example.com"
    phone = "+91 98200 12345"
    attributes = factory.LazyFunction(dict)


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    business = factory.SubFactory(BusinessFactory)
    bot = factory.SubFactory(BotFactory, business=factory.SelfAttribute("..business"))
    end_user = factory.SubFactory(EndUserFactory, business=factory.SelfAttribute("..business"))
    channel = "web"
    external_id = factory.Sequence(lambda n: f"c-{n}")
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    business = factory.SelfAttribute("conversation.business")
    bot = factory.SelfAttribute("conversation.bot")
    channel = factory.SelfAttribute("conversation.channel")
    external_id = factory.Sequence(lambda n: f"m-{n}")
    sent_at = factory.LazyAttribute(lambda o: o.conversation.started_at)
    sender = Sender.USER
    text = "Hello, I need help with my card."
