"""Two customers of Acme, each with their own values planted in every field that can hold
them, for the tests of erasure, the customer's copy and retention: one is erased or exported,
the other must stay untouched."""

import os
import re
import subprocess
from dataclasses import dataclass

from django.db import connection

from rules.masking import verhoeff_valid
from tests.pii import folded
from tests.records import BUSINESS, at, conversation, message

AGENT = f"{BUSINESS}-asha"


def aadhaar(stem):
    return next(stem + d for d in "0123456789" if verhoeff_valid(stem + d))


@dataclass(frozen=True)
class Customer:
    user_id: str
    name: str
    email: str
    former_email: str
    phone: str
    pan_entity: str  # the personal entity pan_number of the support bot
    card: str
    typed_pan: str
    aadhaar: str
    # Words found nowhere else, one for each field they are planted in.
    word: str  # in a user message: Word Analysis counts it
    review_word: str
    note_word: str  # an agent's private note
    picked_word: str  # the quick reply the user picked
    form_word: str  # a form field's value
    reason_word: str  # the close reason
    file_name: str
    place: str
    latitude: float

    @property
    def conversation_ids(self):
        return [f"chat-{self.word}-1", f"chat-{self.word}-2"]

    def values(self):
        """Every value planted, as written."""
        return [
            self.user_id,
            *self.conversation_ids,
            *self.name.split(),
            self.email,
            self.former_email,
            self.phone,
            self.pan_entity,
            self.card,
            self.typed_pan,
            self.aadhaar,
            self.word,
            self.review_word,
            self.note_word,
            self.picked_word,
            self.form_word,
            self.reason_word,
            self.file_name,
            self.place,
            str(self.latitude),
        ]


RAVINDRA = Customer(
    user_id="wa-919820012345",
    name="Ravindra Kumaraswamy",
    email="ravindra.k@example.com",
    former_email="ravi.old@example.org",
    phone="+91 98200 12345",
    pan_entity="ABCPK1234F",
    card="4111 1111 1111 1111",
    typed_pan="AAAPL1234C",
    aadhaar=aadhaar("23456789012"),
    word="zanzibarquux",
    review_word="reviewzeta",
    note_word="notezeta",
    picked_word="pickzeta",
    form_word="formzeta",
    reason_word="reasonzeta",
    file_name="passport-scan-zeta.jpg",
    place="Koregaon Park flat 7",
    latitude=18.536208,
)
MEENAKSHI = Customer(
    user_id="wa-919988776655",
    name="Meenakshi Sundaram",
    email="meena.s@example.org",
    former_email="meena.old@example.net",
    phone="+91 99887 76655",
    pan_entity="BQRPS6789K",
    card="5555 5555 5555 4444",
    typed_pan="CDEPM5678B",
    aadhaar=aadhaar("34567890123"),
    word="kilimanjaroplex",
    review_word="reviewomega",
    note_word="noteomega",
    picked_word="pickomega",
    form_word="formomega",
    reason_word="reasonomega",
    file_name="salary-slip-omega.pdf",
    place="Indiranagar house 12",
    latitude=12.971599,
)


def customer_records(customer, *, started_hour=10):
    """Two conversations of `customer`: one of texts, rated, with their details (an email
    corrected later, so the former one is remembered); one of rich elements, closed."""
    c = customer
    texts = conversation(
        c.conversation_ids[0],
        [
            message("m1", f"Hi, I am {c.name}, mail {c.email} or call {c.phone}", bot_break=True),
            message(
                "m2",
                f"{c.word} card {c.card} PAN {c.typed_pan} Aadhaar {c.aadhaar}",
                bot_break=True,
                when=at(hour=started_hour, minute=1),
            ),
            message(
                "m3",
                f"Noted {c.name}",
                sender="agent",
                agent=AGENT,
                when=at(hour=started_hour, minute=2),
            ),
        ],
        user={
            "id": c.user_id,
            "name": c.name,
            "email": c.former_email,
            "phone": c.phone,
            "attributes": {"pan_number": c.pan_entity, "city": "Pune"},
        },
        started_at=at(hour=started_hour),
        agent=AGENT,
        csat={
            "rating": 2,
            "review": f"{c.review_word}: {c.name} here, call {c.phone}",
            "at": at(hour=started_hour, minute=30),
        },
    )
    rich_messages = [
        {"type": "quick_replies", "text": "What do you need?", "options": ["Cards", "Loans"]},
        {"sender": "user", "picked": f"{c.picked_word} {c.email}"},
        {
            "sender": "user",
            "type": "image",
            "text": f"my PAN {c.pan_entity}",
            "attachments": [
                {
                    "name": c.file_name,
                    "media_type": "image/jpeg",
                    "size": 120_000,
                    "url": f"https://files.example.net/u/{c.file_name}",
                }
            ],
        },
        {
            "sender": "user",
            "type": "location",
            "location": {"latitude": c.latitude, "longitude": 73.5, "name": c.place},
        },
        {
            "sender": "user",
            "type": "form",
            "fields": [
                {"label": "Full name", "value": c.name},
                {"label": "Reference", "value": c.form_word},
            ],
        },
        {"sender": "agent", "agent": AGENT, "text": f"{c.note_word}: {c.name}", "private": True},
    ]
    rich = conversation(
        c.conversation_ids[1],
        [
            {
                "id": f"r{number}",
                "at": at(hour=started_hour + 1, minute=number),
                "sender": "bot",
                **element,
            }
            for number, element in enumerate(rich_messages, start=1)
        ],
        user={"id": c.user_id, "email": c.email},
        started_at=at(hour=started_hour + 1),
        agent=AGENT,
        status="closed",
        close_reason=f"{c.reason_word}: {c.name} asked for a call back",
    )
    return [texts, rich]


def database_dump():
    """Every row of every table as text: SQLite's own dump, or on PostgreSQL pg_dump of the
    test database (the test must commit its data: django_db(transaction=True))."""
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    command = ["pg_dump", "--data-only", "--no-owner", "--dbname", settings["NAME"]]
    for option, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
        if settings.get(key):
            command += [option, str(settings[key])]
    # The test settings' own database, never input from outside.
    dump = subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    return dump.stdout


DIGITS = re.compile(r"\d")
# Digits that, alone, still name a value (a phone, a card, an Aadhaar or a user id).
DIGITS_ALONE = 10


def found_in(dump, values):
    """The values found in `dump`, however written: in any case, with separators between
    their digits or none, or as their digits alone."""
    # A tab parts the columns of pg_dump's rows: digits across it are not one number.
    views = (dump.lower(), folded(dump.replace("\t", " | ")).lower())
    found = []
    for value in values:
        digits = "".join(DIGITS.findall(value))
        if (
            value.lower() in views[0]
            or folded(value).lower() in views[1]
            or (len(digits) >= DIGITS_ALONE and digits in views[1])
        ):
            found.append(value)
    return found
