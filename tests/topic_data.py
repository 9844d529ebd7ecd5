"""Bot-break messages of three intents, for the topics pages and job; and computing them."""

import datetime as dt
import itertools

from conversations.models import Business
from tests.pii import CARD, EMAIL, NAME, PHONE
from tests.records import BUSINESS, DAY, at, conversation, import_ok, message, setup_records
from topics.jobs import schedule_topics

OPENERS = ("", "hi ", "please ", "hello, ")
INTENTS = {
    "block card": [
        "{o}block my card",
        "{o}i lost my debit card, block it",
        "{o}my credit card was stolen please block the card",
        "{o}freeze my card right now",
        "{o}block card {card}",
        "{o}block the card of {name}",
    ],
    "loan interest": [
        "{o}what is the interest rate on a home loan",
        "{o}home loan interest rate today",
        "{o}how much interest do you charge for a personal loan",
        "{o}loan interest rates for this year",
    ],
    "account statement": [
        "{o}send me my account statement",
        "{o}i need the bank statement for last month",
        "{o}email my statement to {email}",
    ],
}
# Messages like no other: each fits no topic.
NOISE = [("xq zzv", "brr kpl"), ("ok 42", "mmm hmm"), ("qwertyuiop", "?!")]
# The planted user: their name, email, phone and card are what masking hides.
PLANTED_USER = {"id": "u-planted", "name": NAME, "email": EMAIL, "phone": PHONE}
SECOND_WEEK = DAY + dt.timedelta(days=7)


def topic_records(business=BUSINESS):
    """One conversation per intent and week, bot breaks only, PII planted in some texts."""
    records = []
    for number, (intent, templates) in enumerate(INTENTS.items()):
        for week, day in enumerate((DAY, SECOND_WEEK)):
            texts = [
                template.format(o=opener, card=CARD, name=NAME, email=EMAIL)
                for template, opener in itertools.product(templates, OPENERS)
            ]
            # The first week holds two thirds of each intent's messages.
            chosen = texts[week::3] if week else [t for i, t in enumerate(texts) if i % 3]
            records.append(
                conversation(
                    f"{intent.replace(' ', '-')}-{week}",
                    [
                        message(f"m{i}", text, bot_break=True, when=at(day, minute=i))
                        for i, text in enumerate(chosen)
                    ]
                    + [message("noise", NOISE[number][week], bot_break=True, when=at(day, 11))],
                    business=business,
                    user=PLANTED_USER if number == 0 else f"u-{number}",
                    started_at=at(day),
                )
            )
    return records


def topics_business(slug=BUSINESS):
    import_ok(*setup_records(slug), *topic_records(slug))
    return Business.objects.get(slug=slug)


def compute(business):
    """The topics job, run at once (no broker in the tests)."""
    job = schedule_topics(business, "test")
    job.refresh_from_db()
    return job
