"""What the privacy commands share: the end user named on the command line."""

from django.core.management.base import CommandError, CommandParser

from conversations.models import Business, EndUser


def add_end_user_arguments(parser: CommandParser) -> None:
    parser.add_argument("business", help="the business's slug")
    parser.add_argument("user_id", help="the end user's id, as the bot platform sends it")


def end_user_of(business_slug: str, user_id: str) -> EndUser:
    business = Business.objects.filter(slug=business_slug).first()
    if business is None:
        raise CommandError(f"no business with slug {business_slug!r}")
    end_user = EndUser.objects.filter(business=business, external_id=user_id).first()
    if end_user is None:
        raise CommandError(f"{business.slug} has no end user with that id")
    return end_user
