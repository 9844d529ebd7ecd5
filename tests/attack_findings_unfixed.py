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
