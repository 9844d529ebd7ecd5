"""A conversation with planted PII of every kind, and the checks that it shows or not."""

import datetime as dt

from rules.masking import verhoeff_valid
from tests.factories import (
    BotFactory,
    ConversationFactory,
    EndUserFactory,
    EntityFactory,
    MessageFactory,
)

NAME = "Ravindra Kumaraswamy"
EMAIL = "ravindra.k@example.com"
PHONE = "+91 98200 12345"
PAN_ENTITY = "ABCPK1234F"
ACCOUNT = "55667788990"
CARD = "4111 1111 1111 1111"
TYPED_PAN = "AAAPL1234C"


def aadhaar():
    stem = "23456789012"
    return next(stem + d for d in "0123456789" if verhoeff_valid(stem + d))


AADHAAR = aadhaar()
AADHAAR_GROUPED = f"{AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}"

# Every way the values above may appear in a response that must not show them.
SECRETS = [
    "Ravindra",
    "Kumaraswamy",
    EMAIL,
    "98200 12345",
    "98200-12345",
    "9820012345",
    PAN_ENTITY,
    ACCOUNT,
    CARD,
    "4111111111111111",
    TYPED_PAN,
    AADHAAR,
    AADHAAR_GROUPED,
]


def planted_conversation(business=None, **kwargs):
    """A conversation whose user details, messages and CSAT review carry PII of every kind."""
    bot = BotFactory(**({"business": business} if business else {}))
    EntityFactory(bot=bot, name="pan_number", personal=True)
    EntityFactory(bot=bot, name="account_number", personal=True)
    EntityFactory(bot=bot, name="city", personal=False)
    end_user = EndUserFactory(
        business=bot.business,
        name=NAME,
        email=EMAIL,
        phone=PHONE,
        attributes={"pan_number": PAN_ENTITY, "account_number": ACCOUNT, "city": "Pune"},
    )
    started = dt.datetime(2026, 10, 1, 3, 30, tzinfo=dt.UTC)
    conversation = ConversationFactory(
        business=bot.business,
        bot=bot,
        end_user=end_user,
        started_at=started,
        csat_rating=2,
        csat_review="Kumaraswamy here, call me on 98200-12345",
        **kwargs,
    )
    texts = [
        ("user", f"Hi, I am {NAME}, mail me at {EMAIL} or call 9820012345"),
        ("bot", "Sure Ravindra, what is your PAN? Is your card 4111111111111111?"),
        ("user", f"PAN {PAN_ENTITY}, account {ACCOUNT}, my card {CARD}"),
        ("user", f"Also {TYPED_PAN} and Aadhaar {AADHAAR_GROUPED} ({AADHAAR})"),
        ("system", "Conversation transferred to an agent"),
        ("agent", "Order 1234567812345678 ships to Pune on 2026-10-03 for Rs. 1,499"),
    ]
    for offset, (sender, text) in enumerate(texts):
        MessageFactory(
            conversation=conversation,
            sender=sender,
            text=text,
            sent_at=started + dt.timedelta(minutes=offset),
        )
    return conversation


def leaked(content):
    """The planted secrets found in `content` (bytes or str)."""
    text = content.decode() if isinstance(content, bytes) else content
    return [secret for secret in SECRETS if secret.lower() in text.lower()]
