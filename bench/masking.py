"""Our Masker against Microsoft Presidio's pattern recognizers: speed, and recall of planted values.

Presidio runs with its credit card, IN_PAN, IN_AADHAAR, email and phone recognizers and no NLP
model: each recognizer's `analyze` is called directly, which is what an AnalyzerEngine of just
these recognizers does minus its bookkeeping. A result with any score counts as a find, as
with the engine's default threshold of 0. Our Masker runs without known values (Presidio knows
nothing about the user either) and does the whole job, masking the text, not only finding.
Each tool's rate is its best of a few passes, taken in turn (bench.rates). Ours runs as the
import and the pages do: from its mypyc build where `make compile` made one (rules/compiled.py).

Recall is measured on generated sentences each holding one planted value, in the ways the demo
data writes them; look-alikes that must stay readable (order ids failing Luhn, 12-digit
numbers failing Verhoeff, amounts, dates) show how much each tool masks that it should not.
"""

import random
import re
from collections import defaultdict
from dataclasses import dataclass

import tldextract
from faker import Faker
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    InAadhaarRecognizer,
    InPanRecognizer,
    PhoneRecognizer,
)

from bench.rates import best_rates
from demo.records import PAN_LETTERS, luhn_check_digit, shape_digits, verhoeff_check_digit
from demo.world import (
    AADHAAR_PATTERNS,
    CARD_BINS,
    CARD_PATTERNS,
    EMAIL_DOMAINS,
    ORDER_ID_PATTERNS,
    PHONE_PATTERNS,
)
from rules.compiled import masker_is_compiled
from rules.masking import Masker

SEED = 11
MIN_SECONDS = 1.0  # the Masker's texts are masked over and over until this long
SENTENCES = (
    "{value}",
    "my details: {value}",
    "Sir I already shared {value} yesterday, please check",
    "ok so it is {value}.",
    "({value}) is what I gave the agent",
    "pls update it to {value} asap",
)
# Real US numbers, not the demo's 555-01xx, which phone libraries rightly call invalid.
US_AREA_CODES = ("212", "646", "917", "201", "415", "312")


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's email recognizer, checking domains against tldextract's bundled list of
    public suffixes instead of downloading the current one, which this machine cannot."""

    _extract = tldextract.TLDExtract(suffix_list_urls=())

    def validate_result(self, pattern_text):
        return self._extract(pattern_text).fqdn != ""


def presidio_recognizers():
    return [
        CreditCardRecognizer(),
        InPanRecognizer(),
        InAadhaarRecognizer(),
        OfflineEmailRecognizer(),
        PhoneRecognizer(),
    ]


def presidio_spans(recognizers, text):
    return [
        (result.start, result.end)
        for recognizer in recognizers
        for result in recognizer.analyze(text, recognizer.supported_entities, None)
        if result.score > 0
    ]


def masker_spans(masker, text):
    return [(start, end) for start, end, _placeholder in masker.find(text)]


class Planter:
    """Values of each kind, written as the demo data writes them."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.fake = Faker("en_IN")
        self.fake.seed_instance(seed)

    def digits(self, count):
        return "".join(self.rng.choice("0123456789") for _ in range(count))

    def card(self):
        prefix, length = self.rng.choice(CARD_BINS)
        payload = prefix + self.digits(length - len(prefix) - 1)
        number = payload + str(luhn_check_digit(payload))
        patterns = [pattern for pattern in CARD_PATTERNS if pattern.count("#") == length]
        return shape_digits(self.rng.choice(patterns), number)

    def pan(self):
        letters = "".join(self.rng.choices(PAN_LETTERS, k=5))
        return letters[:3] + "P" + letters[4] + self.digits(4) + self.rng.choice(PAN_LETTERS)

    def aadhaar(self):
        payload = self.rng.choice("23456789") + self.digits(10)
        number = payload + str(verhoeff_check_digit(payload))
        return shape_digits(self.rng.choice(AADHAAR_PATTERNS), number)

    def email(self):
        first, last = self.fake.first_name(), self.fake.last_name()
        local = self.rng.choice((f"{first}.{last}", f"{first}{last}{self.rng.randint(1, 99)}"))
        # As the demo does: names such as "D’Alia" have characters no address has.
        local = re.sub(r"[^a-z0-9.]", "", local.lower())
        return f"{local}@{self.rng.choice(EMAIL_DOMAINS)}"

    def indian_phone(self):
        number = self.rng.choice("6789") + self.digits(9)
        return shape_digits(self.rng.choice(PHONE_PATTERNS["en_IN"]), number)

    def us_phone(self):
        exchange = self.rng.choice("23456789") + self.digits(2)
        number = self.rng.choice(US_AREA_CODES) + exchange + self.digits(4)
        return shape_digits(self.rng.choice(PHONE_PATTERNS["en_US"]), number)

    def order_id(self):
        payload = self.rng.choice("123456789") + self.digits(14)
        wrong = (luhn_check_digit(payload) + self.rng.randint(1, 9)) % 10
        return shape_digits(self.rng.choice(ORDER_ID_PATTERNS), payload + str(wrong))

    def twelve_digits(self):
        payload = self.rng.choice("3456") + self.digits(10)
        wrong = (verhoeff_check_digit(payload) + self.rng.randint(1, 9)) % 10
        return payload + str(wrong)

    def amount(self):
        return self.rng.choice(("Rs. {:,}", "₹{:,}", "INR {:,}.00", "${:,}")).format(
            self.rng.randint(100, 2_500_000)
        )

    def date(self):
        return f"{self.rng.randint(1, 28):02d}/{self.rng.randint(1, 12):02d}/20{self.digits(2)}"

    def sentences(self, kinds, each):
        """(kind, text, start, end) for `each` values of each kind, in sentences."""
        planted = []
        for kind, make in kinds.items():
            for _ in range(each):
                value = make()
                before, after = self.rng.choice(SENTENCES).split("{value}")
                planted.append(
                    (kind, before + value + after, len(before), len(before) + len(value))
                )
        return planted


def _covered(spans, start, end):
    """Whether the spans together cover text[start:end]."""
    position = start
    for span_start, span_end in sorted(spans):
        if span_start <= position < span_end:
            position = span_end
    return position >= end


def _overlapped(spans, start, end):
    return any(span_start < end and start < span_end for span_start, span_end in spans)


@dataclass(frozen=True)
class ToolResult:
    name: str
    rate: float  # messages per second
    recall: dict  # kind -> share of planted values wholly masked
    look_alikes_flagged: dict  # kind -> share of look-alikes any of which was masked

    @property
    def overall_recall(self):
        return sum(self.recall.values()) / len(self.recall)


def _shares(find_spans, cases, test):
    """{kind: share of its cases for which test(spans found, start, end) holds}."""
    outcomes = defaultdict(list)
    for kind, text, start, end in cases:
        outcomes[kind].append(test(find_spans(text), start, end))
    return {kind: sum(results) / len(results) for kind, results in outcomes.items()}


def compare(texts, each=200):
    """(our Masker's ToolResult, Presidio's) on the same message texts and planted values."""
    planter = Planter(SEED)
    planted = planter.sentences(
        {
            "card number": planter.card,
            "PAN": planter.pan,
            "Aadhaar": planter.aadhaar,
            "email": planter.email,
            "Indian phone": planter.indian_phone,
            "US phone": planter.us_phone,
        },
        each,
    )
    look_alikes = planter.sentences(
        {
            "order id": planter.order_id,
            "12 digits": planter.twelve_digits,
            "amount": planter.amount,
            "date": planter.date,
        },
        each,
    )
    masker = Masker()
    recognizers = presidio_recognizers()

    def ours(text):
        return masker_spans(masker, text)

    def theirs(text):
        return presidio_spans(recognizers, text)

    # What each tool loads on first use, before the clock starts: Presidio's phone number
    # metadata, our Masker's table of how characters of other scripts fold (a text past ASCII).
    theirs(planted[0][1])
    ours("₹ café")
    # What our rate stands for is the whole job, masking, not only finding. Presidio goes once
    # over the texts a pass, which takes it about as long as ours `MIN_SECONDS`.
    our_rate, their_rate = best_rates([(masker.mask, MIN_SECONDS), (theirs, 0)], texts)
    return (
        ToolResult(
            "our Masker" + (" (mypyc build)" if masker_is_compiled() else " (pure Python)"),
            our_rate,
            _shares(ours, planted, _covered),
            _shares(ours, look_alikes, _overlapped),
        ),
        ToolResult(
            "Presidio pattern recognizers",
            their_rate,
            _shares(theirs, planted, _covered),
            _shares(theirs, look_alikes, _overlapped),
        ),
    )
