"""The one conversation with planted PII of every kind, and the check that it shows or not."""

from conversations.models import Conversation
from rules.masking import verhoeff_valid
from tests.factories import BusinessFactory, MembershipFactory
from tests.records import at, bot_record, conversation, import_ok, message

NAME = "Ravindra Kumaraswamy"
EMAIL = "ravindra.k@example.com"
PHONE = "+91 98200 12345"
USER_ID = "919820012345"  # a WhatsApp user id is the user's phone number
PAN_ENTITY = "ABCPK1234F"
ACCOUNT = "55667788990"
CARD = "4111 1111 1111 1111"
TYPED_PAN = "AAAPL1234C"
ORDER_ID = "1234567812345678"  # fails Luhn: not a card, stays readable


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


def planted_conversation_record(
    conversation_id="planted", business="acme", *, agent=None, team="cards"
):
    """A rated, agent-handled conversation carrying the PII above in every field a page
    shows: user details and id, messages (bot breaks among them), the review. Its bot is the
    support bot of tests/records.py, whose pan_number and account_number are personal."""
    agent = agent or f"{business}-asha"
    texts = [
        ("user", f"Hi, I am {NAME}, mail me at {EMAIL} or call 98200 12345 / 9820012345", True),
        ("bot", "Sure Ravindra, what is your PAN? Is your card 4111111111111111?", False),
        ("user", f"Also {TYPED_PAN} and Aadhaar {AADHAAR_GROUPED} ({AADHAAR})", True),
        ("user", f"{NAME.split()[1]} card blocked", True),
        ("system", "Conversation transferred to an agent", False),
        (
            "agent",
            f"Noted {NAME}, order {ORDER_ID} ships to Pune on 2026-10-03 for Rs. 1,499",
            False,
        ),
        ("user", f"PAN {PAN_ENTITY}, account {ACCOUNT}, my card {CARD}", True),
    ]
    messages = [
        message(
            f"p{number}",
            text,
            sender=sender,
            when=at(hour=9, minute=number),
            bot_break=bot_break,
            agent=agent if sender == "agent" else None,
        )
        for number, (sender, text, bot_break) in enumerate(texts, start=1)
    ]
    return conversation(
        conversation_id,
        messages,
        business=business,
        user={
            "id": USER_ID,
            "name": NAME,
            "email": EMAIL,
            "phone": PHONE,
            "attributes": {"pan_number": PAN_ENTITY, "account_number": ACCOUNT, "city": "Pune"},
        },
        started_at=at(hour=9),
        agent=agent,
        team=team,
        csat={
            "rating": 2,
            "review": f"{NAME.split()[1]} here, call me on 98200-12345",
            "at": at(hour=9, minute=30),
        },
    )


def planted_conversation(business=None, *, agent=None, team=None, conversation_id="planted"):
    """The planted conversation in `business` (default: a new one), imported with its bot;
    `agent` (a staff member of the business; default: a new one) handles it, in `team`."""
    business = business or BusinessFactory()
    agent = agent or MembershipFactory(business=business, agent=True).user
    records = [bot_record(business.slug)]
    if team is None:
        records.append({"type": "team", "business": business.slug, "slug": "cards"})
    import_ok(
        *records,
        planted_conversation_record(
            conversation_id,
            business.slug,
            agent=agent.get_username(),
            team=team.slug if team else "cards",
        ),
    )
    return Conversation.objects.get(business=business, external_id=conversation_id)


def leaked(content):
    """The planted secrets found in `content` (bytes or str)."""
    text = content.decode() if isinstance(content, bytes) else content
    return [secret for secret in SECRETS if secret.lower() in text.lower()]
