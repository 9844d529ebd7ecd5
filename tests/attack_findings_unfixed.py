"""Findings of the attack that are NOT fixed: each test fails today and passes once fixed.

Not collected by default (the name does not start with test_); run them with
    .venv/bin/pytest tests/attack_findings_unfixed.py
Each needs a design decision, or a fix too large to make in passing (see each test's comment).
Move a test into tests/test_attack_findings.py when its finding is fixed.
"""

import pytest

from rules.masking import Masker, PersonalValues

# --- Masking evasions: separators and shapes the masker does not read -----------------------
# What people (or a hostile end user, or an agent pasting) type between a value's parts. Each
# value here shows in full to masked viewers and analysts. The gap between digit groups is at
# most three of a fixed set of characters (`_DIGIT_SEPARATOR`), which keeps the pattern linear;
# widening it needs care not to mask amounts and lists ("1,200,300").
EVASIONS = {
    # A run of digits allows up to three separators between groups, or 4 to 8 spaces; more
    # mixed punctuation would join amounts and lists into numbers.
    "card, ' - - '": "4111 - - 1111 1111 1111",
    # A value glued to a letter AFTER it is part of a longer token (an id, a hash); telling
    # which ones are cards needs a word list of its own.
    "card glued before a word": "4111111111111111abc",
    # Letters for digits: reading O as 0 and I as 1 would turn words into numbers.
    "phone, letter O and I for 0 and 1": "98765 432IO",
    # Quoted local parts and IP literals are legal but never typed by people in a chat.
    "email, quoted local part": '"john doe"@example.com',
    "email, IP literal": "john@[192.168.0.1]",
    # HTML entities are decoded by whatever renders them, not by the masker; decoding them
    # first would change every span.
    "card, HTML entities for spaces": "4111&#32;1111&#32;1111&#32;1111",
}


def tell(text: str) -> str:
    """What must not be left of the value once masked: its last digits, or its user's name."""
    digits = [char for char in text if char.isdigit()]
    if "@" in text:
        return text.split("@")[0].strip(' "')[-4:]
    return "".join(digits[-4:])


@pytest.mark.parametrize("text", EVASIONS.values(), ids=EVASIONS.keys())
def test_a_value_typed_this_way_is_masked(text):
    masked = Masker(PersonalValues()).mask(f"mine: {text} ok")
    left = "".join(char for char in masked if not char.isspace() and char not in ".,-_#+*~")
    assert tell(text).replace(" ", "") not in left


# --- Names typed otherwise --------------------------------------------------------------------
# German umlauts transliterated ("ü" as "ue"); a name spelled letter by letter or broken by a
# hyphen. (A Cyrillic look-alike letter is folded now: tests/test_attack_findings.py.)
NAME_EVASIONS = {
    "umlaut as ue": ("Jürgen Groß", "ask Juergen", "Juergen"),
    "letter by letter": ("Siobhan Kavanagh", "ask S i o b h a n", "S i o b h a n"),
    "hyphen inside a part": ("Siobhan Kavanagh", "ask Siob-han", "Siob-han"),
}


@pytest.mark.parametrize("name, text, typed", NAME_EVASIONS.values(), ids=NAME_EVASIONS.keys())
def test_a_name_typed_this_way_is_masked(name, text, typed):
    assert typed not in Masker(PersonalValues(name=name)).mask(text)


# --- Found by the attack review of 2026-12-06 ------------------------------------------------
# None is a regression of the known-value index: the masker before it leaks the same (a
# differential run of ~230 typed forms of known values, old against new: 0 regressions).
EMAIL = PersonalValues(email="john.doe77@example.com")

KNOWN_VALUE_EVASIONS = {
    # Impact (medium): the identifying part of a known email, typed without its domain ("my id
    # is john.doe77", "mail john.doe77 on gmail"), shows in full. Fix: also index the local part
    # of a known email when it is distinctive (>= 5 characters holding a digit or a dot/underscore,
    # not a dictionary word), with the [email] placeholder.
    "email's local part alone": (EMAIL, "john.doe77"),
    "email's local part, dot as space": (EMAIL, "john doe77"),
    # Impact (low): a surname with a plural or possessive "s" and no apostrophe ("the Kavanaghs",
    # "Kavanaghs order") is read as another word. Fix: _NameFinder may accept a trailing "s"
    # after a part of 4 letters or more (it masks more, never less).
    "surname with a trailing s": (PersonalValues(name="Siobhan Kavanagh"), "Kavanaghs"),
}


@pytest.mark.parametrize(
    "known, typed", KNOWN_VALUE_EVASIONS.values(), ids=KNOWN_VALUE_EVASIONS.keys()
)
def test_a_known_value_typed_this_way_is_masked(known, typed):
    assert typed not in Masker(known).mask(f"it is {typed} ok")


# --- Obfuscated emails: "dot" written in the local part ---------------------------------------
# Impact (low-medium): the new obfuscated-email pass (`_OBFUSCATED_EMAIL`) reads "dot" words in
# the domain only; the local part is [\w.+-]++, so "ravindra dot kumar at gmail dot com" shows
# as "ravindra dot [email]": the first name (or first part of an id) of an address that is not
# the end user's own (a relative's, a second address) stays readable to masked viewers. Fix:
# let the local part be `[\w.+-]++(?:{_DOT_WORD}[\w.+-]++)*+` (possessive: still linear), which
# masks more, never less; measure with bench.masking_eval before bumping MASKER_VERSION.
@pytest.mark.parametrize(
    "text",
    [
        "write to ravindra dot kumar at gmail dot com",
        "write to ravindra (dot) kumar (at) gmail (dot) com",
        "write to ravindra [dot] kumar [at] gmail [dot] com",
    ],
)
def test_an_obfuscated_email_with_dot_words_in_its_local_part_is_masked_whole(text):
    assert "ravindra" not in Masker(PersonalValues()).mask(text)


# --- Over-masking (utility, not a leak): English read as an obfuscated email -----------------
# Impact (low): a plain " at X dot Y" is an address whenever Y is 2 to 24 letters
# (`_TOP_LEVEL_DOMAIN` is any such word not a file extension), so ordinary sentences lose words
# to "[email]" for every viewer, full ones too when texts are shown masked (analytics, topics).
# Fix: after a plain " at ", ask for a real top-level domain (a list of them: com, in, org,
# net, co, ... ; IANA's, kept in the code, nothing downloaded) or a mail provider.
# Note: letting " dot " into the local part (the finding above) must stay linear: a possessive
# `(?:{_DOT_WORD}label)*+` there, tried at each word, made "a dot " * 13000 + " at gmail"
# take 17 s (quadratic); it needs a scan that fails once per run, not once per start.
@pytest.mark.parametrize(
    "sentence",
    ["I looked at the dot on the map", "she is at home dot she said", "meet at 5 dot com"],
)
def test_a_sentence_with_at_and_dot_stays_readable(sentence):
    assert Masker(PersonalValues()).mask(sentence) == sentence
