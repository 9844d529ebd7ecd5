"""The words around a value, and values written to dodge filters (issue 23): each shape both
ways, masked when it is personal and readable when it is not."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.masking import Masker, PersonalValues, luhn_valid, verhoeff_valid


def card(prefix: str) -> str:
    """`prefix` with its Luhn check digit."""
    return next(prefix + digit for digit in string.digits if luhn_valid(prefix + digit))


MAESTRO_12 = card("50181234567")
VISA = card("411111111111111")


def mask(text: str) -> str:
    return Masker(PersonalValues()).mask(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        (f"card {MAESTRO_12}", "card [card number]"),
        (f"debit card no: {MAESTRO_12}", "debit card no: [card number]"),
        (f"mera card {MAESTRO_12} hai", "mera card [card number] hai"),
        (f"card ka number {MAESTRO_12[:4]} {MAESTRO_12[4:8]} {MAESTRO_12[8:]}", None),
        (f"kaard {MAESTRO_12}", "kaard [card number]"),
        (f"ATM card {MAESTRO_12}", "ATM card [card number]"),
        (f"my maestro {MAESTRO_12}", "my maestro [card number]"),
        (f"rupay: {VISA[:6]} {VISA[6:]}", "rupay: [card number]"),
    ],
)
def test_a_card_after_a_card_word_is_masked_in_any_grouping(text, expected):
    masked = mask(text)
    assert MAESTRO_12[-4:] not in masked and VISA[-4:] not in masked
    assert "[card number]" in masked
    if expected:
        assert masked == expected


def test_a_twelve_digit_number_without_a_card_word_is_no_card():
    assert not verhoeff_valid(MAESTRO_12)
    assert mask(f"got {MAESTRO_12} in the app") == f"got {MAESTRO_12} in the app"


def test_a_card_word_does_not_make_a_number_failing_luhn_a_card():
    failing = MAESTRO_12[:-1] + str((int(MAESTRO_12[-1]) + 1) % 10)
    assert mask(f"card {failing}") == f"card {failing}"


@pytest.mark.parametrize(
    "email",
    [
        "name(at)domain.com",
        "name at domain dot com",
        "name [at] domain [dot] com",
        "name{at}domain.co.in",
        "name AT domain DOT com",
        "name &#64; domain.com",
        "name&#64;domain.com",
        "name &commat; domain.com",
        "NAME &COMMAT; DOMAIN.COM",  # the entity's name in any case, as browsers read it
        "name @ domain.com",
        "ravi.k at gmail.com",
        "ravi at the rate gmail dot com",
        "ravi attherate gmail dot com",
        "name (at) domain (dot) in",
    ],
)
def test_an_obfuscated_email_is_masked(email):
    assert mask(f"mail me: {email} thanks") == "mail me: [email] thanks"


@pytest.mark.parametrize(
    "text",
    [
        "look at example.com for details",
        "meet at gate 5. ok",
        "I am at home dot",
        "the office is at 5th floor",
        "meet atthe gate 5 ok",  # "atthe" opens the search for "at the rate" addresses
        "tips &commat; noon",  # an "@" written as its entity, and no domain after it
        "logo (at) 2x.png",  # a file at twice the size
        "version (at) 1.2",  # no letters for a top-level domain
    ],
)
def test_at_in_a_sentence_stays_readable(text):
    assert mask(text) == text


@pytest.mark.parametrize(
    "text, number",
    [
        ("call me at 8 029 491-10-24", "8 029 491-10-24"),
        ("phone (012) 312 38 79", "(012) 312 38 79"),
        ("mobile 70 123 44 32", "70 123 44 32"),
        ("call me at 9696 1032", "9696 1032"),
        ("whatsapp: 612 34 56 78", "612 34 56 78"),
        ("mera number 0171 234 5678 hai", "0171 234 5678"),
        ("call karo 44 1234 5678", "44 1234 5678"),
        ("contact no. 030 12345678", "030 12345678"),
    ],
)
def test_a_national_number_after_a_phone_word_is_masked(text, number):
    assert mask(text) == text.replace(number, "[phone]")


@pytest.mark.parametrize(
    "text",
    [
        "scores 70 123 44 32",  # the same digits, with no phone word
        "call me at 10:30 on 12/05/2024",
        "order #913-4289320-2402505",
        "#913-4289320-2402505 not delivered",
        "GST/7928/218773",
        "invoice GST/2024-25/987654 attached",
        "OTP is 02310307",
        "otp aaya? got this: 02310307",
        "your verification code 98765432",
        "AWB 98765432101",
        "Blue Dart docket 98765432101",
        "Delhivery tracking 9876543210123",
        "consignment no 987654321012",
        "https://www.amazon.in/orders/027724303",
        "https://x.in/track/123456789012",
        "see /orders/9876543210 page",
        "https://shop.example.in/p?id=9876543210&ref=chat",
        "it shows 012345678901 on screen",
    ],
)
def test_identifiers_with_their_own_shape_stay_readable(text):
    assert mask(text) == text


def test_a_phone_number_in_a_whatsapp_link_is_masked():
    assert mask("wa.me/919876543210") == "wa.me/[phone]"


def test_a_phone_number_after_an_order_id_is_still_masked():
    assert mask("order #913-4289320-2402505, call 98765 43210") == (
        "order #913-4289320-2402505, call [phone]"
    )


def test_a_card_after_an_order_word_is_still_masked():
    assert mask(f"order ref {VISA}") == "order ref [card number]"


# --- Properties: the new shapes, generated ------------------------------------------------

CARD_WORDS = ["card", "card no", "debit card", "credit card number", "mera card", "kaard",
              "ATM card", "maestro", "rupay", "visa", "card ka number"]  # fmt: skip
PHONE_WORDS = ["call me at", "phone", "mobile", "whatsapp", "contact", "mera number",
               "call karo", "number"]  # fmt: skip
ID_WORDS = ["order", "OTP is", "tracking", "AWB", "consignment no", "docket", "invoice"]
gaps = st.sampled_from([" ", ": ", " - ", "\n", " no. "])
digits = st.text(string.digits, min_size=1, max_size=1)


@st.composite
def luhn_numbers(draw, low=12, high=19):
    length = draw(st.integers(low, high))
    body = draw(st.sampled_from("3456")) + draw(
        st.text(string.digits, min_size=length - 2, max_size=length - 2)
    )
    number = card(body)
    separator = draw(st.sampled_from(["", " ", "-"]))
    size = draw(st.sampled_from([3, 4, 5]))
    groups = [number[index : index + size] for index in range(0, len(number), size)]
    return separator.join(groups) if separator else number


@settings(max_examples=150, deadline=None)
@given(word=st.sampled_from(CARD_WORDS), gap=gaps, number=luhn_numbers())
def test_any_luhn_number_after_a_card_word_is_masked(word, gap, number):
    masked = mask(f"{word}{gap}{number} hai")
    assert number[-4:] not in masked
    assert masked.endswith("[card number] hai")


@st.composite
def obfuscated_emails(draw):
    letters = st.text(string.ascii_lowercase, min_size=2, max_size=10)
    local = draw(letters) + draw(st.sampled_from(["", ".", "_", "1"])) + draw(letters)
    labels = [draw(letters) for _ in range(draw(st.integers(1, 2)))]
    tld = draw(st.sampled_from(["com", "in", "org", "co"]))
    at = draw(st.sampled_from(["(at)", " (at) ", "[at]", " [at] ", "{at}", " at ", " AT ",
                               "&#64;", " @ ", " at the rate "]))  # fmt: skip
    dot = draw(st.sampled_from([".", " dot ", " [dot] ", "(dot)", " DOT "]))
    if at.strip().lower() == "at" and dot == ".":
        dot = " dot "  # a plain " at " with plain dots is a sentence unless a provider follows
    return local + at + dot.join([*labels, tld])


@settings(max_examples=150, deadline=None)
@given(email=obfuscated_emails(), gap=st.sampled_from([" ", ": ", "\n"]))
def test_any_obfuscated_email_is_masked(email, gap):
    assert mask(f"mail{gap}{email} ok") == f"mail{gap}[email] ok"


@st.composite
def national_numbers(draw):
    length = draw(st.integers(8, 12))
    number = draw(st.text(string.digits, min_size=length, max_size=length))
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=6))
    groups, position = [], 0
    for size in sizes:
        groups.append(number[position : position + size])
        position += size
    groups.append(number[position:])
    separator = draw(st.sampled_from([" ", "-", "."]))
    written = separator.join(group for group in groups if group)
    if draw(st.booleans()):
        written = f"({written[:3]}) {written[3:].lstrip(' -.')}"
    return written


@settings(max_examples=150, deadline=None)
@given(word=st.sampled_from(PHONE_WORDS), gap=gaps, number=national_numbers())
def test_any_number_after_a_phone_word_is_masked(word, gap, number):
    masked = mask(f"{word}{gap}{number}")
    assert not any(char.isdigit() for char in masked.removeprefix(word)), masked


@settings(max_examples=150, deadline=None)
@given(
    word=st.sampled_from(ID_WORDS),
    gap=gaps,
    number=st.text(string.digits, min_size=8, max_size=12).filter(
        lambda number: len(number) != 12 or not verhoeff_valid(number)
    ),
    separator=st.sampled_from(["", "-"]),
)
def test_numbers_after_identifier_words_stay_readable(word, gap, number, separator):
    written = number[:3] + separator + number[3:] if separator else number
    text = f"{word}{gap}{written}"
    assert mask(text) == text


@settings(max_examples=100, deadline=None)
@given(
    path=st.sampled_from(["https://x.in/track/", "/orders/", "shop.in/p?id=", "GST/2024/"]),
    number=st.text(string.digits, min_size=8, max_size=14),
)
def test_digits_in_a_link_stay_readable(path, number):
    text = f"see {path}{number} now"
    assert mask(text) == text
