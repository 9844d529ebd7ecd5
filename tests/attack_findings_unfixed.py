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
    "card, four spaces between groups": "4111    1111    1111    1111",
    "card, tabs": "4111\t\t\t\t1111 1111 1111",
    "card, commas": "4111,1111,1111,1111",
    "card, plus signs": "4111+1111+1111+1111",
    "card, hashes": "4111#1111#1111#1111",
    "card, ' - - '": "4111 - - 1111 1111 1111",
    "card glued after a word": "card4111111111111111",
    "card glued before a word": "4111111111111111abc",
    "Aadhaar glued after a word": "aadhaar234123412346",
    "phone glued after a word": "ph9876543210",
    "phone, middle dot": "98765\u00b743210",
    "phone, bullet": "98765\u202243210",
    "phone, tilde": "98765~43210",
    "phone, comma": "98765,43210",
    "phone, asterisk": "98765*43210",
    "phone, letter O and I for 0 and 1": "98765 432IO",
    "PAN, dots": "ABCPK.1234.F",
    "PAN, underscores": "ABCPK_1234_F",
    "PAN, letter by letter": "A B C P K 1 2 3 4 F",
    "PAN glued after a word": "panABCPK1234F",
    "PAN, Cyrillic look-alike letters": "\u0410\u0412\u0421\u0420\u041a1234F",
    "email, spaces around @": "john @ example.com",
    "email, quoted local part": '"john doe"@example.com',
    "email, IP literal": "john@[192.168.0.1]",
    "email, (at)": "john(at)example.com",
    "email, [at] and [dot]": "john[at]example[dot]com",
    "email, HTML entity for @": "alice&#64;example.com",
    "card, HTML entities for spaces": "4111&#32;1111&#32;1111&#32;1111",
}


def tell(text: str) -> str:
    """What must not be left of the value once masked: its last digits, or its user's name."""
    digits = [char for char in text if char.isdigit()]
    if "@" in text or "(at)" in text or "[at]" in text:
        return text.split("@")[0].split("(at)")[0].split("[at]")[0].strip(' "')[-4:]
    return "".join(digits[-4:])


@pytest.mark.parametrize("text", EVASIONS.values(), ids=EVASIONS.keys())
def test_a_value_typed_this_way_is_masked(text):
    masked = Masker(PersonalValues()).mask(f"mine: {text} ok")
    left = "".join(char for char in masked if not char.isspace() and char not in ".,-_#+*~")
    assert tell(text).replace(" ", "") not in left


# --- Names typed otherwise --------------------------------------------------------------------
# German umlauts transliterated ("ü" as "ue"); a name spelled letter by letter or broken by a
# hyphen; a Cyrillic look-alike letter (confusables need Unicode's confusables table, which is
# not among the dependencies).
NAME_EVASIONS = {
    "umlaut as ue": ("Jürgen Groß", "ask Juergen", "Juergen"),
    "letter by letter": ("Siobhan Kavanagh", "ask S i o b h a n", "S i o b h a n"),
    "hyphen inside a part": ("Siobhan Kavanagh", "ask Siob-han", "Siob-han"),
    "Cyrillic a": ("Siobhan Kavanagh", "ask Siobh\u0430n", "Siobh\u0430n"),
}


@pytest.mark.parametrize("name, text, typed", NAME_EVASIONS.values(), ids=NAME_EVASIONS.keys())
def test_a_name_typed_this_way_is_masked(name, text, typed):
    assert typed not in Masker(PersonalValues(name=name)).mask(text)
