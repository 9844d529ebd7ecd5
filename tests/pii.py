"""The one conversation with planted PII of every kind, and the check that it shows or not."""

import re
import unicodedata

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
# Where the platform keeps what was sent, and where the user was: in no masked page at all
# (a masked page links to no third party, and hides what the user sent).
THIRD_PARTY_HOST = "files.example.net"
USER_LATITUDE, USER_LONGITUDE = 18.520437, 73.856743
RICH_SECRETS = [THIRD_PARTY_HOST, "bank.example.net", "18.5204", "73.8567"]


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


# Written to slip past masking: invisible characters, full-width forms, underscores and
# digits one or two at a time (tests/test_leak_crawler.py plants it).
EVASIVE_TEXT = (
    "again: Ravindra\u200bKumaraswamy, 98200\u200b12345 or 98200_12345, card "
    + "\u2060".join(CARD.split())
    + f", {' '.join(CARD.replace(' ', ''))}, Aadhaar "
    + " ".join(AADHAAR[index : index + 2] for index in range(0, 12, 2))
    + ", PAN ＡＡＡＰＬ１２３４Ｃ, mail ravindra.k＠example.com, account 556-677-889-90"
)


def folded(text: str) -> str:
    """`text` as a reader takes it: compatibility forms as plain ones, nothing for invisible
    characters, digits without what stands between them. Written apart from the masker's
    folding, so that a leak is found whatever that folding does."""
    text = "".join(
        char for char in unicodedata.normalize("NFKC", text) if unicodedata.category(char) != "Cf"
    )
    return DIGIT_GAP.sub("", text)


DIGIT_GAP = re.compile(r"(?<=\d)[\s._\-]{1,3}(?=\d)")


def leaked(content):
    """The planted secrets found in `content` (bytes or str), however written."""
    text = content.decode() if isinstance(content, bytes) else content
    views = (text.lower(), folded(text).lower())
    return [
        secret
        for secret in SECRETS + RICH_SECRETS
        if secret.lower() in views[0] or folded(secret).lower() in views[1]
    ]


def rich_messages(agent, hour=11):
    """One message of every element type (format v2), PII planted in each of their fields."""
    files = f"https://{THIRD_PARTY_HOST}"
    elements = [
        (
            "bot",
            {
                "type": "quick_replies",
                "text": f"Hi {NAME}, what do you need?",
                "options": ["Card help", f"Mail {EMAIL}", "Loans"],
            },
        ),
        ("user", {"picked": f"Mail {EMAIL}"}),
        (
            "bot",
            {
                "type": "buttons",
                "text": "Reach us",
                "buttons": [
                    {"label": f"Call {PHONE}", "url": "https://bank.example.net/c?to=9820012345"},
                    {"label": "Write to us", "url": f"mailto:{EMAIL}"},
                ],
            },
        ),
        (
            "bot",
            {
                "type": "carousel",
                "text": "Cards for you",
                "cards": [
                    {
                        "title": f"Platinum for {NAME}",
                        "subtitle": f"replaces {CARD}",
                        "image": f"{files}/cards/platinum.png",
                        "buttons": [
                            {
                                "label": f"Apply with {TYPED_PAN}",
                                "url": f"{files}/apply?pan={TYPED_PAN}",
                            }
                        ],
                    },
                    {"title": "Gold", "subtitle": "no fee"},
                ],
            },
        ),
        (
            "user",
            {
                "type": "image",
                "text": f"my PAN {PAN_ENTITY}",
                "attachments": [
                    {
                        "name": f"{PAN_ENTITY}.jpg",
                        "media_type": "image/jpeg",
                        "size": 120_000,
                        "url": f"{files}/u/{USER_ID}.jpg",
                    }
                ],
            },
        ),
        (
            "user",
            {
                "type": "file",
                "attachments": [
                    {
                        "name": f"statement {ACCOUNT}.pdf",
                        "media_type": "application/pdf",
                        "size": 2_400_000,
                        "url": f"{files}/u/statement-{ACCOUNT}.pdf",
                    }
                ],
            },
        ),
        (
            "user",
            {
                "type": "audio",
                "attachments": [
                    {
                        "name": f"voice {NAME}.ogg",
                        "media_type": "audio/ogg",
                        "size": 48_000,
                        "url": f"{files}/u/voice.ogg",
                    }
                ],
            },
        ),
        (
            "bot",
            {
                "type": "file",
                "text": "Your letter",
                "attachments": [
                    {
                        "name": f"Letter for {NAME}.pdf",
                        "media_type": "application/pdf",
                        "size": 52_000,
                        "url": f"{files}/letters/{EMAIL}.pdf",
                    }
                ],
            },
        ),
        (
            "bot",
            {
                "type": "video",
                "attachments": [
                    {
                        "name": "How to block a card.mp4",
                        "media_type": "video/mp4",
                        "size": 9_000_000,
                        "url": f"{files}/how-to.mp4",
                    }
                ],
            },
        ),
        (
            "user",
            {
                "type": "location",
                "location": {
                    "latitude": USER_LATITUDE,
                    "longitude": USER_LONGITUDE,
                    "name": f"{NAME} home",
                },
            },
        ),
        (
            "bot",
            {
                "type": "location",
                "location": {
                    "latitude": 18.5308,
                    "longitude": 73.8475,
                    "name": "Acme Bank, Shivajinagar branch",
                },
            },
        ),
        (
            "user",
            {
                "type": "form",
                "text": "Verification",
                "fields": [
                    {"label": "Full name", "value": NAME},
                    {"label": f"Email {EMAIL}", "value": EMAIL},
                    {"label": "Aadhaar", "value": AADHAAR_GROUPED},
                ],
            },
        ),
        ("agent", {"text": f"Internal: {NAME} verified with card {CARD}", "private": True}),
        ("agent", {"text": "Track it at https://track.example.org/o/42, thanks."}),
    ]
    return [
        {
            "id": f"r{number}",
            "at": at(hour=hour, minute=number),
            "sender": sender,
            **({"agent": agent} if sender == "agent" else {}),
            **element,
        }
        for number, (sender, element) in enumerate(elements, start=1)
    ]


def planted_rich_conversation_record(
    conversation_id="planted-rich", business="acme", *, agent=None, status="closed"
):
    """The planted user's conversation of rich elements (every type, PII in every field),
    closed for a reason naming them."""
    agent = agent or f"{business}-asha"
    record = conversation(
        conversation_id,
        rich_messages(agent),
        business=business,
        user={"id": USER_ID, "name": NAME, "email": EMAIL, "phone": PHONE},
        started_at=at(hour=11),
        agent=agent,
        status=status,
    )
    if status == "closed":
        record["close_reason"] = f"{NAME} asked us to call 98200 12345"
    return record
