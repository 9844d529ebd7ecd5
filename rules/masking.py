"""Masking of personal data in conversation texts.

Viewers without the right to see personal details get every text through a `Masker`, which
replaces each personal value with a placeholder naming its kind ("[email]", "[phone]", ...).
This is a security boundary: when in doubt, a span is masked rather than shown.

Two kinds of values are found:

* generic ones, in any text by anyone: emails, phone numbers, payment card numbers, PANs and
  Aadhaar numbers. They are found by one compiled pattern per kind, read leftmost first as
  one alternation of them would (`_generic_matches`); numbers are then checked in Python
  (Luhn, Verhoeff, the groupings people write, numbering plans), and a number failing its
  checks stays readable. Only runs starting with 0, "00" or "(" that fail our own rules are
  asked of libphonenumber (the phonenumbers package), so most texts never reach it. The words
  just before a number (`_context_before`, English and Hindi in Latin letters) tell what its
  shape cannot: a card after "card", a phone number after "call me at", neither in an order
  id, an OTP, a tracking number or a link. Emails written to dodge filters ("name(at)x.com",
  "name at x dot com") are found in a second pass, only in texts that hint at one.
* the values known about the conversation's end user (`PersonalValues`): name, email, phone and
  the bot entities marked personal, in the forms people type them (other apostrophes, accents,
  punctuation or date formats, names glued together). Their pattern is compiled once per
  `Masker`; names are read by `_NameFinder`, not a pattern, as a pattern of a name's parts
  can backtrack exponentially on text an end user writes.

Both are looked for in a folded view of the text (`fold`: invisible characters dropped,
compatibility forms such as full-width letters read as plain ones), and the span of the
original characters is masked. Every step takes time linear in the text's length.

Pure Python on purpose: no Django, so it can run anywhere (views, exports, analytics jobs);
rules/compiled.py builds the same source with mypyc, which is imported instead where built.
Measured against two outside evaluation sets by `python -m bench.masking_eval`.
"""

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import cycle
from operator import itemgetter
from typing import Any, Final, NamedTuple

import phonenumbers

# The version of the rules below. Stored masked copies of texts record the version they were
# masked with and are masked again when it changes: bump it with every change to what is
# masked, however small.
MASKER_VERSION: Final = 19

NAME: Final = "[name]"
EMAIL: Final = "[email]"
PHONE: Final = "[phone]"
CARD_NUMBER: Final = "[card number]"
PAN: Final = "[PAN]"
AADHAAR: Final = "[Aadhaar number]"

# Words of an entity's name written as people write them in a placeholder: the rest is in
# lower case, as the placeholders above are.
PLACEHOLDER_WORDS: Final = {
    "pan": "PAN",
    "aadhaar": "Aadhaar",
    "id": "ID",
    "ifsc": "IFSC",
    "upi": "UPI",
}
_CAMEL_HUMP: Final = re.compile(r"(?<=[a-z])(?=[A-Z])")
# What separates the words of an entity's name; brackets too, which end a placeholder.
_NAME_SEPARATORS: Final = re.compile(r"[\s_\-.,:;/()\[\]]+")


def personal_placeholder(entity_name: str) -> str:
    """A personal entity's placeholder, its name in words: "account_number" and "accountNumber"
    give "[account number]", "PAN-Number" "[PAN number]"."""
    words = _NAME_SEPARATORS.split(_CAMEL_HUMP.sub(" ", entity_name).lower())
    words = [word for word in words if word]
    return f"[{' '.join(PLACEHOLDER_WORDS.get(word, word) for word in words) or 'detail'}]"


# A placeholder in a masked text, as `Masker.mask` writes them. An entity's placeholder is
# words in brackets, so a user's own "[sic]" matches too: enough to never cut a text inside a
# placeholder; the chat page marks only the placeholders of the business's entities
# (rules.presenter).
_PLACEHOLDER_WORD: Final = r"[^\s\[\]]{1,100}"
PLACEHOLDER: Final = re.compile(
    rf"\[(?:name|email|phone|card number|PAN|Aadhaar number"
    rf"|{_PLACEHOLDER_WORD}(?: {_PLACEHOLDER_WORD}){{0,19}})\]"
)
ELLIPSIS: Final = "…"


def shorten(text: str, length: int) -> str:
    """`text` cut to at most `length` characters at a word's end, never inside a placeholder
    (a cut "[card num" reads as a broken page, a cut word as a typo)."""
    if len(text) <= length:
        return text
    cut = text[: length - len(ELLIPSIS)]
    opening = cut.rfind("[")
    if opening > cut.rfind("]") and PLACEHOLDER.match(text, opening):
        cut = cut[:opening]
    elif text[len(cut)].isalnum() and " " in cut.strip():
        cut = cut.rstrip().rsplit(" ", 1)[0]
    return cut.rstrip() + ELLIPSIS


@dataclass(frozen=True)
class PersonalValues:
    """What is known about one conversation's end user."""

    name: str = ""
    email: str = ""
    phone: str = ""
    # (entity name, value), each entity marked personal; a value may be a number, as in JSON.
    entities: tuple[tuple[str, str | int | float], ...] = ()
    # What the user was known by before a correction (a new name, another account number):
    # older texts still hold those values, and they stay hidden.
    former: tuple["PersonalValues", ...] = ()


# --- Check digits ----------------------------------------------------------------------------

# Each digit's byte as its value, and as its value * 2 with the digits of the result summed:
# bytes.translate and sum add up a number in C, several times faster than a loop in Python.
_LUHN_PLAIN: Final = bytes.maketrans(b"0123456789", bytes(range(10)))
_LUHN_DOUBLED: Final = bytes.maketrans(b"0123456789", bytes((0, 2, 4, 6, 8, 1, 3, 5, 7, 9)))


def luhn_valid(number: str) -> bool:
    """Whether a string of digits ends with its correct Luhn check digit (payment cards)."""
    if not number.isdecimal():
        return False
    backwards = _ascii_digits(number).encode()[::-1]
    total = sum(backwards[0::2].translate(_LUHN_PLAIN)) + sum(
        backwards[1::2].translate(_LUHN_DOUBLED)
    )
    return total % 10 == 0


# Verhoeff's tables: multiplication in the dihedral group D5, and the position permutations.
_VERHOEFF_MULTIPLY: Final = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_VERHOEFF_PERMUTE: Final = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


# Each position's permutation, by character.
_VERHOEFF_PERMUTE_CHARS: Final = tuple(
    dict(zip("0123456789", row, strict=True)) for row in _VERHOEFF_PERMUTE
)


def verhoeff_valid(number: str) -> bool:
    """Whether a string of digits ends with its correct Verhoeff check digit (Aadhaar)."""
    if not number.isdecimal():
        return False
    check = 0
    for permute, char in zip(cycle(_VERHOEFF_PERMUTE_CHARS), reversed(_ascii_digits(number))):
        check = _VERHOEFF_MULTIPLY[check][permute[char]]
    return check == 0


# --- Generic values: one pattern, one pass ---------------------------------------------------

# What people put between the digit groups of a number: spaces of every width (no-break,
# figure, thin, narrow no-break), tabs and line breaks, dashes of every length and the minus
# sign, dots, slashes, colons, parentheses; up to three of them, as in "+91 (98765) 43210",
# "98765 - 43210" or "4111  1111". Which of them a kind of number may use is decided later.
_DIGIT_SEPARATOR: Final = r"[ \t\r\n\u00a0\u2007\u2009\u202f._\-\u2010-\u2015\u2212/:()]"
_DIGIT_GAP: Final = _DIGIT_SEPARATOR + "{0,3}"
# Inside a run of the generic pattern, also a wide gap of spaces ("4111    1111", tabs lined up)
# and one of the characters people use to dodge filters ("4111,1111,…", "98765·43210",
# "4111+1111+…", "#", "~", "*", "•"), alone: with a space after it, it is a list ("12345678,
# 87654321"). A number written with one of those is only taken for a card or a mobile number
# (`_ODD_GAP`): "1,234,567" is an amount.
_ODD_SEPARATORS: Final = ",#*~+\u00b7\u2022"
_RUN_GAP: Final = (
    rf"(?:{_DIGIT_SEPARATOR}{{0,3}}|[ \t\u00a0\u2007\u2009\u202f]{{4,8}}|[{_ODD_SEPARATORS}])"
)
_ODD_GAP: Final = re.compile(f"[{_ODD_SEPARATORS}]")

# Letters and digits (Python's \w) plus combining marks: the vowel signs of Indic scripts are
# marks, and a name or address written in one must not end at each of them.
_WORD_CHARS: Final = r"\w\u0300-\u036f\u0900-\u0963\u0966-\u0dff"  # all but the danda punctuation
_WORD_CHAR: Final = f"[{_WORD_CHARS}]"

# Characters allowed in the local part of an address (RFC 5322 "atext" and the dot). Wide on
# purpose: masking "email=a@b.co" whole beats leaving the start of an unusual address readable.
_EMAIL_LOCAL_CHAR: Final = rf"[{_WORD_CHARS}.!#$%&'*+/=?^`{{|}}~\-]"
_EMAIL_DOMAIN_LABEL: Final = rf"[{_WORD_CHARS}\-]++"

# The PAN's 4th letter, the holder type: python-stdnum's list, with K (Krish, trusts).
_PAN_HOLDER_TYPES: Final = "ABCFGHJLPTK"

# Obfuscated emails: the "@" written as "(at)", "[at]", "{at}", "<at>", "&#64;", "&commat;", "at
# the rate" (as said in India) or with spaces around it, and the dots of the domain as "(dot)",
# "[dot]" or " dot ".
_OBFUSCATED_AT: Final = r"""(?:
    [ \t]{0,3} (?: [(\[{<] [ \t]? (?i:at|@) [ \t]? [)\]}>] | &\#64; | &(?i:commat); ) [ \t]{0,3}
    | [ \t]{1,3} (?i:at [ \t]? the [ \t]? rate (?:[ \t]? of)?) [ \t]{1,3}
    | [ \t]{1,3} @ [ \t]{0,3} | @ [ \t]{1,3}
)"""
_DOT_WORD: Final = (
    r"(?:[ \t]{0,3}[(\[{<][ \t]?(?i:dot)[ \t]?[)\]}>][ \t]{0,3}|[ \t]{1,3}(?i:dot)[ \t]{1,3})"
)
_OBFUSCATED_DOT: Final = rf"(?:\.|{_DOT_WORD})"
_MAIL_PROVIDERS: Final = (
    r"(?i:gmail|googlemail|yahoo|ymail|rocketmail|hotmail|outlook|live|msn|rediffmail|rediff"
    r"|icloud|me|aol|protonmail|proton|pm|zoho|zohomail|gmx|yandex|mail|fastmail|tutanota)"
    r"(?![\w\-])"
)
# The rest of a PAN spelled letter by letter, after its first letter and separator.
_PAN_SPELLED_REST: Final = (
    f"[A-Z](?P=pan_space)[A-Z](?P=pan_space)[{_PAN_HOLDER_TYPES}](?P=pan_space)[A-Z](?P=pan_space)"
    + "".join(r"\d(?P=pan_space)" for _ in range(4))
    + r"[A-Z](?![^\W_])"
)
# A PAN glued to the words before it: "pancardABCPK1234F", "PAN noABCPK1234F".
_PAN_WORD_BEFORE: Final = re.compile(r"(?:pan|card|no|number|is|hai)[\s.:\-]{0,3}\Z", re.IGNORECASE)

# Found in a second pass, and only in texts with an "@" written some way (`_ANY_AT_FORM`):
# most have none.
_OBFUSCATED_EMAIL: Final = re.compile(
    rf"""  # "name(at)domain.com", "name at gmail dot com", "name &#64; x.in"
        [{_WORD_CHARS}.+\-] (?<![{_WORD_CHARS}.+\-].) [{_WORD_CHARS}.+\-]*+
        (?:
            {_OBFUSCATED_AT} {_EMAIL_DOMAIN_LABEL} (?:{_OBFUSCATED_DOT}{_EMAIL_DOMAIN_LABEL})++
            # A plain " at " (or "@" without spaces, which the pattern of addresses finds
            # otherwise) is an address only with a " dot " in it or a mail provider after it:
            # "look at example.com" is a sentence.
            | (?:[ \t]{{1,3}}(?i:at)[ \t]{{1,3}}|@)
              (?: {_MAIL_PROVIDERS} (?:{_OBFUSCATED_DOT}{_EMAIL_DOMAIN_LABEL})++
                | {_EMAIL_DOMAIN_LABEL} (?:\.{_EMAIL_DOMAIN_LABEL})*+ {_DOT_WORD}
                  {_EMAIL_DOMAIN_LABEL} (?:{_OBFUSCATED_DOT}{_EMAIL_DOMAIN_LABEL})*+ )
        )
    """,
    re.VERBOSE,
)
# Where each way of writing the "@" that `_OBFUSCATED_EMAIL` reads is found: at the "@" or "&",
# or at the space or bracket before an "at" ("&COMMAT;" too, in any case). Up to 5 spaces and
# brackets are between it and the local part before it ("name  ( at )"), which holds none.
_ANY_AT_FORM: Final = re.compile(
    r"[@&(\[{<\s](?:(?<=@)|(?<=&)(?:\#64;|(?i:commat);)|(?<=[(\[{<\s])[aA][tT])"
)
# The same "at" in a text of ASCII characters lowered: a pattern starting with a literal, which
# re finds much faster than a class.
_LOWERED_AT_AFTER_GAP: Final = re.compile(r"at(?<=[(\[{<\s]at)")
_LOCAL_PART_BACKWARDS: Final = re.compile(rf"[ \t(\[{{<]{{0,5}}[{_WORD_CHARS}.+\-]*+")

# Numbers are found as runs: digits joined by separators, at least 8 digits (the shortest
# international phone number), not glued to a digit in front (glued to a letter, they are
# read after a card, Aadhaar or phone word only: `_glued`); with the "+" or "(+" of
# an international number or the "(" of an area code ("(987) 654-3210", "(0-312) 34567") in
# front. Possessive, so a run is
# always taken whole and never re-tried from its middle; which parts of it are personal is
# decided by `_number_spans`. `(?<![^\W_])` reads "not after a letter or digit".
#
# The kinds are one alternation, read leftmost first (`_generic_matches`), but each is a
# pattern of its own starting with the characters it can start with: re skips to those
# quickly, and tries nothing at other places, where an alternation starting with a lookbehind
# tries every kind at every character.
_GENERIC_KINDS: Final = (
    (
        "email",
        re.compile(
            rf"""(?=[{_WORD_CHARS}.!#$%&'*+/=?^`{{|}}~\-])
            (?<!{_EMAIL_LOCAL_CHAR}) {_EMAIL_LOCAL_CHAR}++
            @ {_EMAIL_DOMAIN_LABEL} (?:\.{_EMAIL_DOMAIN_LABEL})+""",
            re.VERBOSE,
        ),
    ),
    (
        "pan",  # 5 letters, the 4th the holder type, 4 digits, 1 letter: "ABCPK 1234 F" too
        re.compile(
            rf"""[A-Za-z]{{3}} [{_PAN_HOLDER_TYPES}{_PAN_HOLDER_TYPES.lower()}]
            [A-Za-z] (?P<pan_gap>[ \u00a0\-._]?) [0-9]{{4}} (?P=pan_gap) [A-Za-z] (?![^\W_])""",
            re.VERBOSE,
        ),
    ),
    (
        "pan_spelled",  # letter by letter, in capitals: "A B C P K 1 2 3 4 F"
        # The capital first, then that no letter or digit is before it.
        re.compile(rf"[A-Z](?<![^\W_].) (?P<pan_space>[ .\-]) {_PAN_SPELLED_REST}", re.VERBOSE),
    ),
    (
        "number",
        re.compile(
            # Its first character, then what it may be: a digit not after one, the "+" of an
            # international number (also "(+"), the "(" of an area code.
            rf"""[\d(+] (?<!\d.)
            (?: (?<=\d) | (?<=\+)\d | (?<=\() (?:\+|(?=\d(?:{_DIGIT_SEPARATOR}?\d){{0,5}}\)))\d )
            (?:{_RUN_GAP}\d){{7,}}+""",
            re.VERBOSE,
        ),
    ),
)


# The kinds a text is searched for, by whether it holds an "@" and whether 4 digits: an address
# holds an "@", and every other kind 4 digits or more.
#
# Each with how many characters before the text's first digit a value of the kind may start:
# every kind but an address holds digits, so the text before them need not be searched.
_REACH_BEFORE_DIGITS: Final = {"email": None, "pan": 6, "pan_spelled": 10, "number": 2}
_KINDS_TO_SEARCH: Final = {
    (at_sign, four_digits): tuple(
        (kind, pattern, _REACH_BEFORE_DIGITS[kind])
        for kind, pattern in _GENERIC_KINDS
        if (at_sign if kind == "email" else four_digits)
    )
    for at_sign in (False, True)
    for four_digits in (False, True)
}


def _generic_matches(
    text: str, kinds: tuple[tuple[str, re.Pattern[str], int | None], ...], first_digit: int
) -> Iterator[tuple[str, re.Match[str]]]:
    """(kind, match) of each generic value in `text`, as one pattern of the kinds in order
    would find them: the leftmost, of the first kind matching there, then on after its end."""
    # [start, kind, pattern, match] of each kind's next match, in the order of the kinds.
    found: list[list[Any]] = []
    for kind, pattern, reach in kinds:
        match = pattern.search(text, 0 if reach is None else max(0, first_digit - reach))
        if match is not None:
            found.append([match.start(), kind, pattern, match])
    if len(found) == 1:  # most texts: values of one kind only
        _, kind, pattern, match = found[0]
        while match is not None:
            yield kind, match
            match = pattern.search(text, match.end())
        return
    while found:
        # The leftmost; of several there, the first kind, which min() keeps.
        _, kind, _, match = min(found, key=itemgetter(0))
        yield kind, match
        position = match.end()
        for entry in found:
            if entry[0] < position:
                entry[3] = entry[2].search(text, position)
                entry[0] = -1 if entry[3] is None else entry[3].start()
        found = [entry for entry in found if entry[3] is not None]


_DIGITS: Final = re.compile(r"\d+")

_LONGEST_NUMBER: Final = 19  # digits, the longest card number
# Dates and times inside a run of digits: "9/8/2024 10:30" or "05 06 2024" is no phone
# number, however its digits read. Day and month (either order) before a 4-digit year, or a
# year before them, with the same separator twice.
_DATE: Final = re.compile(
    r"(?:(?:0?[1-9]|[12]\d|3[01])(?P<sep>[./\- ])(?:0?[1-9]|[12]\d|3[01])(?P=sep)(?:19|20)\d\d"
    r"|(?:19|20)\d\d(?P<sep2>[./\- ])(?:0?[1-9]|1[0-2])(?P=sep2)(?:0?[1-9]|[12]\d|3[01]))(?!\d)"
)

# Ranks break ties between spans covering exactly the same text: lowest wins. Known values beat
# generic kinds (an entity holding a phone number shows as that entity); a checksum-valid number
# beats a phone number, which has no checksum (a Verhoeff-valid "919876543210" shows as Aadhaar).
_KNOWN_RANK: Final = 0
_GENERIC_RANK: Final = 1
_UNCHECKED_NUMBER_RANK: Final = 2


# A mobile number spelled digit by digit ("9 8 7 6 5 4 3 2 1 0"), perhaps behind its trunk 0 or
# 91; found apart from other numbers, as no other kind is written so.
_SPELLED_GAP: Final = r"[ \t\r\n\u00a0\u2007\u2009\u202f._\-\u2010-\u2015\u2212/()]{1,3}"
_SPELLED_PHONE: Final = re.compile(
    rf"(?<!\d)(?:(?:0|9{_SPELLED_GAP}1){_SPELLED_GAP})?[6-9](?:{_SPELLED_GAP}\d(?!\d)){{9}}"
)

_DECIMAL: Final = re.compile(r"0\.\d")
_EXTENSION_FIRST: Final = frozenset(", \txXeE")
# A phone number's extension: "x123", " ext. 45", ", extn 12"; masked with its number.
_EXTENSION: Final = re.compile(
    r",?[ \t]{0,2}(?:x|ext|extn|extension)\.?[ \t]{0,2}[:#]?\d{1,6}(?!\d)", re.IGNORECASE
)


def digits_of(text: str) -> str:
    """The digits of `text` alone, as 0-9: how a phone number is compared however typed."""
    return _ascii_digits("".join(char for char in text if char.isdecimal()))


def _ascii_digits(digits: str) -> str:
    # \d also matches other scripts' digits (Devanagari "९८७६..."): read them as 0-9.
    return digits if digits.isascii() else "".join(str(int(char)) for char in digits)


def _is_indian_number(digits: str) -> bool:
    """A mobile number, 10 digits starting 6-9, possibly behind a 0 or 91 (the "+" form is
    international); or any number behind the trunk 0, as landlines are written with their STD
    code ("022-2345-6789", "(0141) 218-7920"): 0 and 10 digits is a phone number in India and
    in most of the world."""
    if len(digits) == 11 and digits[0] == "0":
        return digits[1] != "0"
    if len(digits) == 12 and digits[:2] == "91":
        digits = digits[-10:]
    return len(digits) == 10 and digits[0] in "6789"


def _is_north_american(digits: str, group_lengths: list[int]) -> bool:
    """A US or Canadian number in its national form: 3-3-4 as in "(212) 765-4321" or
    "212.765.4321", possibly behind a "1-", or 10 digits unbroken. Area codes and exchanges
    never start with 0 or 1."""
    if group_lengths[:1] == [1] and digits[0] == "1":
        digits, group_lengths = digits[1:], group_lengths[1:]
    return group_lengths in ([3, 3, 4], [10]) and digits[0] not in "01" and digits[3] not in "01"


def _phone_grouping(digits: str, group_lengths: list[int]) -> bool:
    """Whether digit groups are written as people write phone numbers: in groups of 3 or more
    ("98765 43210", "987 654 3210") or digit by digit, never in pairs as score lists are. A
    short trunk 0, 1 or 91 in front is a group of its own."""
    if len(digits) > 10 and group_lengths[0] < 3:
        group_lengths = group_lengths[1:]
    return all(length >= 3 for length in group_lengths) or set(group_lengths) == {1}


@cache
def _numbering_plans() -> dict[tuple[str, int], list[tuple[str, re.Pattern[str]]]]:
    """{(trunk prefix, length): [(region, pattern of its national numbers)]} for every region
    libphonenumber knows, and the trunk prefix "" for numbers written without one. Built on
    first use, as it loads every region's data."""
    plans: dict[tuple[str, int], list[tuple[str, re.Pattern[str]]]] = {}
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
        general = metadata.general_desc if metadata else None
        if metadata is None or general is None or not general.national_number_pattern:
            continue
        pattern = re.compile(general.national_number_pattern)
        for trunk_prefix in {"", metadata.national_prefix or ""}:
            for length in general.possible_length:
                plans.setdefault((trunk_prefix, length), []).append((region, pattern))
    return plans


@lru_cache(maxsize=4096)
def _is_phone_by_libphonenumber(digits: str) -> bool:
    """Whether libphonenumber finds `digits` a valid number: with "00", an international one;
    otherwise a national one of some region ("030 123456" in Germany, "(02) 1234 5678" in
    Australia). Each region's lengths and pattern pick the few worth a full parse."""
    if digits.startswith("00"):
        try:
            return phonenumbers.is_valid_number(phonenumbers.parse("+" + digits[2:]))
        except phonenumbers.NumberParseException:
            return False
    plans = _numbering_plans()
    for trunk_length in range(min(len(digits), 3) + 1):
        trunk_prefix, national = digits[:trunk_length], digits[trunk_length:]
        for region, pattern in plans.get((trunk_prefix, len(national)), ()):
            if not pattern.fullmatch(national):
                continue
            try:
                if phonenumbers.is_valid_number(phonenumbers.parse(digits, region)):
                    return True
            except phonenumbers.NumberParseException:
                continue
    return False


def _is_card_number(digits: str, group_lengths: list[int]) -> bool:
    # Cards are written unbroken or in the groups printed on them: 4 first, then groups of 3
    # to 6, the last one possibly shorter (4-4-4-4, 4-6-5, 4-6-4, 4-3-3-3, 4-4-4-4-3). This
    # keeps a list like "10 20 30 40 50 60 70", a date next to a number or an order id like
    # "402-1234567-1234567" from passing for a card. (Typed digit by digit or in pairs, they
    # are `_small_group_spans`'.)
    return (
        len(group_lengths) == 1
        or (
            group_lengths[0] == 4
            and all(3 <= length <= 6 for length in group_lengths[1:-1])
            and group_lengths[-1] <= 6
        )
    ) and (
        _card_digits(digits)
        # 13 digits in groups: a Maestro or a Visa; unbroken, it may be a timestamp.
        or (len(digits) == 13 and len(group_lengths) > 1 and luhn_valid(digits))
    )


def _card_digits(digits: str) -> bool:
    # 13-digit cards are Visa's, starting with 4: a millisecond timestamp ("1716543210123") or
    # an ISBN-13 ("978...") is none.
    return (
        13 <= len(digits) <= _LONGEST_NUMBER
        and (len(digits) > 13 or digits[0] == "4")
        and luhn_valid(digits)
    )


def _aadhaar_digits(digits: str) -> bool:
    return len(digits) == 12 and digits[0] not in "01" and verhoeff_valid(digits)


def _is_aadhaar(digits: str, group_lengths: list[int]) -> bool:
    return group_lengths in ([12], [4, 4, 4]) and _aadhaar_digits(digits)


_FEWEST_SMALL_GROUPS: Final = 6  # an Aadhaar in pairs; a card has more digits


def _small_group_spans(text: str, groups: list[re.Match[str]]) -> list[tuple[int, int, str, int]]:
    """Cards and Aadhaar numbers typed digit by digit or in pairs ("4 1 1 1 …", "41 11 11 …"):
    in a stretch of groups of one size (1 or 2, the last one possibly shorter) with the same
    separator, the whole stretch; after words that say a card or an Aadhaar follows, also the
    numbers of their lengths that start where the stretch starts or end where it ends (an
    expiry date may follow). Only those: every part of a long list of small numbers would
    pass a checksum one time in ten."""
    spans: list[tuple[int, int, str, int] | None] = []
    first = 0
    while first + _FEWEST_SMALL_GROUPS <= len(groups):
        size = len(groups[first][0])
        last = first
        if size <= 2:
            separator = None
            while last + 1 < len(groups):
                gap = text[groups[last].end() : groups[last + 1].start()]
                following = len(groups[last + 1][0])
                if separator not in (None, gap) or following > size or not _SMALL_GAP.match(gap):
                    break
                separator = gap
                last += 1
                if following < size:
                    break  # a shorter last group ends the stretch
        if last - first + 1 >= _FEWEST_SMALL_GROUPS:
            said = _SAID_CARD_OR_AADHAAR.search(
                text, max(0, groups[first].start() - 40), groups[first].start()
            )
            stretches = _ends(first, last) if said else [(first, last)]
            spans.extend(_checked_stretch(groups, begin, end) for begin, end in stretches)
        first = last + 1
    return [span for span in spans if span is not None]


# Between digits typed one or two at a time: spaces, dashes or dots; a list of ratings is
# written "24/51/62", a time "10:30".
_SMALL_GAP: Final = re.compile(r"[ \t\u00a0.\-\u2010-\u2015\u2212_]{1,3}\Z")
_SAID_CARD_OR_AADHAAR: Final = re.compile(
    r"\b(?:card|debit|credit|visa|master|rupay|amex|maestro|a{1,2}dh?a{1,2}r|uid)", re.IGNORECASE
)


def _ends(first: int, last: int) -> Iterator[tuple[int, int]]:
    """The stretches of groups first..last that start at `first` or end at `last`, shortest
    first, up to the longest number of any kind (one digit a group at the least)."""
    for end in range(first, min(last, first + _LONGEST_NUMBER) + 1):
        yield first, end
    for begin in range(last, max(first, last - _LONGEST_NUMBER) - 1, -1):
        yield begin, last


# The first digit of every card network's numbers (Visa 4; Mastercard 2 and 5; Amex, Diners
# and JCB 3; RuPay, Discover, Maestro and UnionPay 5, 6 and 8): a list of scores typed in
# pairs ("10 20 30 40 50 60 70 84") passes Luhn one time in ten, but mostly starts otherwise.
_CARD_NETWORK_DIGITS: Final = "234568"


def _checked_stretch(
    groups: list[re.Match[str]], begin: int, end: int
) -> tuple[int, int, str, int] | None:
    number = "".join(group[0] for group in groups[begin : end + 1])
    if number[0] in _CARD_NETWORK_DIGITS and _card_digits(number):
        return (groups[begin].start(), groups[end].end(), CARD_NUMBER, _GENERIC_RANK)
    if _aadhaar_digits(number):
        return (groups[begin].start(), groups[end].end(), AADHAAR, _GENERIC_RANK)
    return None


# --- What the words before a number say it is -------------------------------------------------
#
# A number's own shape does not always tell: a 12-digit Maestro card is as long as an Aadhaar
# and passes Luhn one time in ten, "70 123 44 32" is a phone number in Belarus and a list
# anywhere, "02310307" is a phone number in some country and a one-time password here. The
# words just before a number decide, in English and in Hindi typed in Latin letters, as
# Presidio's context words do: only within `_CONTEXT_WINDOW` characters, so the look costs
# the same for every number however long the text.
_CONTEXT_WINDOW: Final = 48


def _word_classes(**classes: str) -> dict[str, str]:
    return {word: kind for kind, words in classes.items() for word in words.split()}


# Each word's class; the window's words are looked up one by one (a pattern of them all,
# case-insensitive, costs tens of microseconds a number).
_CONTEXT_CLASSES: Final = _word_classes(
    card="card kaard kard debit credit atm maestro rupay visa mastercard master amex diners "
    "discover cc",
    aadhaar="aadhaar aadhar adhaar adhar aadaar aadar adaar adar uid uidai",
    # Words for what is never an Aadhaar either; long ones, which chance does not type.
    order="order invoice receipt gstin reference transaction tracking consignment docket "
    "courier shipment parcel bluedart dart delhivery xpressbees booking ticket complaint "
    "voucher",
    identifier="ord inv bill gst ref txn utr rrn awb track dtdc ekart ecom fedex dhl aramex pnr "
    "otp code pin passcode verification coupon promo serial imei model sku item product case "
    "request sr policy batch lot #",
    phone="phone ph phn fone fon mob mobile mobail cell cellphone call calls calling text sms "
    "whatsapp whats wa contact tel telephone landline dial ring reach",
)
# Words that name the number, of the class of a word up to two words before them ("card
# number", "order no", "OTP is no.", "card ka number"); otherwise ("number:", "mera no",
# "order delivered, my number is") a phone number's.
_NUMBER_WORDS: Final = frozenset(
    _word_classes(number="no num numbr number nmbr nbr nambar numbar id details")
)
# A word, or "#": its first character a class, which re skips to, unlike an alternation's.
_CONTEXT_TOKEN: Final = re.compile(r"[a-z#](?:(?<=#)|[a-z]*+)")
_ANY_CONTEXT_WORD: Final = _CONTEXT_CLASSES.keys() | _NUMBER_WORDS


# Before a number inside a link or a path ("/orders/027724303", "?id=123456789012",
# "GST/7928/218773"): a letter earlier in the same word, then "/" or "=" right before it. A
# WhatsApp or "tel:" link holds a phone number, though.
_LETTER: Final = re.compile(r"[^\W\d_]")
_PHONE_LINK: Final = re.compile(r"wa\.me/|whatsapp|tel:|callto:", re.IGNORECASE)


class _Context(NamedTuple):
    card: bool  # a card word is near: a Luhn-valid number of 12 to 19 digits is a card
    phone: bool  # a phone word is the nearest: a number of 8 to 15 digits is a phone number
    named: bool  # a card, Aadhaar or phone word is the nearest: a number glued to it is read
    no_phone: bool  # an order id, OTP, tracking number or link: no phone number
    no_aadhaar: bool  # an order or tracking number, or a link: no Aadhaar either
    in_link: bool  # digits in a link's path: only a card said to be one


_NO_CONTEXT: Final = _Context(False, False, False, False, False, False)
# What ends a link or path right before its number: "/orders/", "?id=", "tel:".
_LINK_ENDS: Final = frozenset("/=:")


def _context_before(text: str, start: int) -> _Context:
    window = text[max(0, start - _CONTEXT_WINDOW) : start]
    tokens = _CONTEXT_TOKEN.findall(window.lower())
    if _ANY_CONTEXT_WORD.isdisjoint(tokens) and window[-1:] not in _LINK_ENDS:
        return _NO_CONTEXT  # most windows: no word that says anything, and no link
    last = None
    card = False
    since_last = 0  # words read since the last word of a class
    for token in tokens:
        since_last += 1
        kind = _CONTEXT_CLASSES.get(token)
        if kind is None and token in _NUMBER_WORDS:
            kind = last if last is not None and since_last <= 3 else "phone"
        if kind is not None:
            last, since_last = kind, 0
            card = card or kind == "card"
    named = last in ("card", "aadhaar", "phone")
    if window[-1:] in _LINK_ENDS:
        # The number ends a link or a path: the word it is the end of.
        link = window.rsplit(None, 1)[-1]
        if _PHONE_LINK.search(link):
            return _Context(card, True, True, False, False, False)
        if link[-1] != ":" and _LETTER.search(link):
            return _Context(card, False, False, True, True, True)
    return _Context(
        card, last == "phone", named, last in ("order", "identifier"), last == "order", False
    )


def _number_spans(text: str, start: int, end: int) -> list[tuple[int, int, str, int]]:
    """The personal numbers in the run text[start:end], as (start, end, placeholder, rank).

    A run may hold several numbers ("9876543210 4111 1111 1111 1111") or none (a date, an
    amount, an order id failing its checksum). Every stretch of whole digit groups is tried, so
    a number is found whatever stands next to it; overlapping finds are merged later.
    """
    groups = list(_DIGITS.finditer(text, start, end))
    # A spelled phone number has 10 groups of one digit; a date has 3 and a year starting 19 or
    # 20, and is read even when its last group is glued to a letter. Most runs have neither.
    may_be_spelled = len(groups) >= 10
    may_hold_date = len(groups) >= 3 and ("19" in text[start:end] or "20" in text[start:end])
    # An extension starts with one of these: most runs are followed by none.
    extension = _EXTENSION.match(text, end) if text[end : end + 1] in _EXTENSION_FIRST else None
    if extension is None and end < len(text) and text[end].isalnum():
        groups.pop()  # its last group is glued to a following letter: part of a longer token
    international = text.startswith(("+", "(+"), start)
    # A run starting with a trunk 0, "00" or an area code's bracket is a phone number if
    # libphonenumber says so, failing our own rules.
    dialled = (
        not international
        and text.startswith(("0", "("), start)
        and not _DECIMAL.match(text, start)  # "0.11.46.4332" is a version, not a trunk 0
    )
    # Each group's digits, read once for all the stretches that hold it.
    group_digits = [group[0] for group in groups]
    if not text.isascii():  # a flag of the string: no cost
        group_digits = [_ascii_digits(digits) for digits in group_digits]
    digit_count = sum(map(len, group_digits))
    if digit_count < 10 and len(groups) < _FEWEST_SMALL_GROUPS and not (international or dialled):
        # Too short for every kind but a phone number said to be one ("call me at 70 123 44"),
        # and too few groups for one typed digit by digit: most such runs are dates and amounts.
        context = _context_before(text, start)
        if not context.phone:
            return []
    else:
        if (
            extension is None
            and not international
            and not (start and text[start - 1] in _LINK_ENDS)  # may be a link's: see the context
            and 13 <= digit_count <= _LONGEST_NUMBER  # a card's length: most runs are not
            and _is_whole_card(text, groups, group_digits)
        ):
            # The most common long run: every shorter stretch of it would be joined into it.
            return [(start, groups[-1].end(), CARD_NUMBER, _GENERIC_RANK)]
        context = _context_before(text, start)
    if context.in_link and not (context.card or international):
        return []  # digits in a link's path, not said to be a card's: an id of the site's
    in_date = [False] * len(groups)
    # The groups starting inside each date, found by bisection: a run of thousands of dates
    # ("01/02/2024 01/02/2024 …") must not cost dates × groups steps.
    group_starts = [group.start() for group in groups]
    for date in _DATE.finditer(text, start, end) if may_hold_date else ():
        first_inside = bisect_left(group_starts, date.start())
        for index in range(first_inside, bisect_left(group_starts, date.end(), first_inside)):
            in_date[index] = True
    # Said to be an order id, an OTP, a tracking number or a link: no phone number unless
    # international. (Numbers with a check digit are masked wherever they stand: an id passes
    # it one time in ten, and a card or an Aadhaar left readable is a leak.)
    no_phone = context.no_phone and not international
    first_only = international or dialled or context.card or context.phone
    spans = (
        _small_group_spans(text, groups)
        if len(groups) >= _FEWEST_SMALL_GROUPS and not context.in_link
        else []
    )
    # Each group's end, and the gap before it (none before the first).
    group_ends = [group.end() for group in groups]
    gaps = [""] + [
        text[group_ends[index - 1] : group_starts[index]] for index in range(1, len(groups))
    ]
    odd_gaps = (
        [bool(_ODD_GAP.search(gap)) for gap in gaps]
        if _ODD_GAP.search(text, start, end)
        else [False] * len(gaps)  # most runs
    )
    digits_from = digit_count  # digits in the groups from `first` on
    for first, first_group in enumerate(groups):
        if digits_from < 8:
            break  # no kind is shorter, and no stretch from here on is as long
        digits_from -= len(group_digits[first])
        span_start = start if first == 0 else first_group.start()  # with any "+" or "("
        checked_further = first == 0 and first_only
        said_card = first == 0 and context.card
        digits, group_lengths, separators = "", [], []
        odd_gap = timed = dated = False
        # Whether the stretch so far can still grow into a card (4, then groups of 3 to 6) or
        # a phone number by our own rules (groups of 3 or more after the first): past that,
        # only the first stretch of a "+", "0" or "(" run grows on, so a long run costs a few
        # steps per group.
        card_shape = phone_shape = True
        if (
            not checked_further
            and len(group_digits[first]) == 1
            and first + 1 < len(groups)
            and len(group_digits[first + 1]) == 1
        ):
            continue  # digit by digit from here: _SPELLED_PHONE's
        for last in range(first, len(groups)):
            if not (card_shape or phone_shape or checked_further):
                break
            limit = _LONGEST_NUMBER if card_shape or said_card else 15 if checked_further else 12
            group_end = group_ends[last]
            length = len(group_digits[last])
            if last > first:
                separators.append(gaps[last])
                odd_gap = odd_gap or odd_gaps[last]
                timed = timed or ":" in gaps[last]
                card_shape = card_shape and 3 <= length <= 6
                phone_shape = phone_shape and length >= 3
            else:
                card_shape = length == 4
            digits += group_digits[last]
            group_lengths.append(length)
            if len(digits) > limit:
                break
            dated = dated or in_date[last]
            if len(digits) < 10 and not checked_further:
                # No kind is shorter than 8 digits, and of 8 or 9 only the phone numbers of a
                # "+", "0" or "(" run or said to be one, which start with its first group.
                continue
            phone_end = group_end
            if extension is not None and last == len(groups) - 1:
                phone_end = extension.end()
            if first == 0 and international and 8 <= len(digits) <= 15:
                spans.append((span_start, phone_end, PHONE, _UNCHECKED_NUMBER_RANK))
            if said_card and 12 <= len(digits) <= _LONGEST_NUMBER and luhn_valid(digits):
                # Any grouping, and 12-digit Maestro cards too, after "card", "debit card"…
                spans.append((span_start, group_end, CARD_NUMBER, _GENERIC_RANK))
            elif context.in_link:
                continue
            elif odd_gap:
                # "4111,1111,1111,1111", "98765·43210": with one odd character throughout, a
                # card or a mobile number; anything else so written ("1,234,567", "12, 34")
                # is an amount or a list.
                if set(separators) == {separators[0]} and (
                    _is_card_number(digits, group_lengths)
                    or (_is_indian_number(digits) and _phone_grouping(digits, group_lengths))
                ):
                    placeholder = CARD_NUMBER if len(digits) > 12 else PHONE
                    spans.append((span_start, group_end, placeholder, _GENERIC_RANK))
            elif _is_card_number(digits, group_lengths):
                spans.append((span_start, group_end, CARD_NUMBER, _GENERIC_RANK))
            elif (
                _is_aadhaar(digits, group_lengths)
                and not context.no_aadhaar
                and not (
                    # "8427 9556 4992 4429" is one 16-digit number (an order id failing Luhn), not
                    # an Aadhaar and "4429": a grouped Aadhaar does not go on in the same grouping.
                    separators
                    and (
                        (first > 0 and gaps[first] in separators)
                        or (last + 1 < len(groups) and gaps[last + 1] in separators)
                    )
                )
            ):
                spans.append((span_start, group_end, AADHAAR, _GENERIC_RANK))
            elif (first == 0 and international) or no_phone or timed:
                continue  # found above, said to be no phone number, or a time's colon
            # After "call me at", "phone", "mera number": the whole run, as a foreign number
            # written nationally ("8 029 491-10-24", "70 123 44 32"), unless it is a date.
            said_phone = (
                first == 0
                and context.phone
                and last == len(groups) - 1
                and 8 <= len(digits) <= 15
                and not (may_hold_date and _DATE.fullmatch(text, group_starts[0], group_end))
            )
            if dated and not said_phone:
                continue
            if (
                (
                    (_is_indian_number(digits) or _is_north_american(digits, group_lengths))
                    and _phone_grouping(digits, group_lengths)
                    and not _part_of_identifier(text, groups, first, last, separators)
                )
                or (
                    first == 0
                    and dialled
                    and 8 <= len(digits) <= 15
                    and group_lengths[-1] > 1  # "0-306-40615-2" ends with an ISBN's check digit
                    # 12 digits unbroken behind a 0 are an id failing Verhoeff, unless said
                    # to be a phone number.
                    and (group_lengths != [12] or context.phone)
                    and _is_phone_by_libphonenumber(digits)
                )
                or said_phone
            ):
                spans.append((span_start, phone_end, PHONE, _UNCHECKED_NUMBER_RANK))
    if may_be_spelled and not no_phone:
        spans.extend(
            (spelled.start(), spelled.end(), PHONE, _UNCHECKED_NUMBER_RANK)
            for spelled in _SPELLED_PHONE.finditer(text, start, end)
        )
    return spans


def _is_whole_card(text: str, groups: list[re.Match[str]], group_digits: list[str]) -> bool:
    """Whether the groups of a run of a card's length (13 to 19 digits, which the caller
    checks), with no odd character between them, are one card number: what `_number_spans`
    finds for the stretch of them all, before it tries the shorter ones."""
    lengths = [len(digits) for digits in group_digits]
    if len(lengths) > 1 and lengths[0] != 4:
        return False  # no card's shape
    # Between the first group and the last: their gaps, and groups, which hold no odd character.
    gaps_odd = _ODD_GAP.search(text, groups[0].end(), groups[-1].start()) is not None
    return not gaps_odd and _is_card_number("".join(group_digits), lengths)


def _part_of_identifier(
    text: str, groups: list[re.Match[str]], first: int, last: int, separators: list[str]
) -> bool:
    """Whether the stretch groups[first..last] goes on, with the separator it uses inside and
    no space, into more groups: "913-4289320" in the order id "913-4289320-2402505"."""
    inside = set(separators)
    if len(inside) != 1 or any(char.isspace() for char in separators[0]):
        return False
    return (first > 0 and text[groups[first - 1].end() : groups[first].start()] in inside) or (
        last + 1 < len(groups) and text[groups[last].end() : groups[last + 1].start()] in inside
    )


# Not addresses though shaped like them: "logo@2x.png" (a file at twice the size), "pkg@1.2.3"
# (a version), "git@github.com:team/app.git" or "git@gitlab.com" (SSH remotes). Not .zip or
# .mov, which are top-level domains too.
_FILE_EXTENSIONS: Final = frozenset(
    ("png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "tif", "tiff", "heic", "pdf",
     "txt", "csv", "json", "xml", "yaml", "yml", "html", "htm", "js", "css", "mp3", "mp4", "avi",
     "wav", "gz", "tgz", "tar", "rar", "apk", "exe", "dmg", "iso", "doc", "docx",
     "xls", "xlsx", "ppt", "pptx")
)  # fmt: skip
_SSH_PATH: Final = re.compile(r":[\w~.-]*/")
# An ISBN is said to be one: "ISBN 0-306-40615-2", "isbn-13: 978...".
_ISBN_BEFORE: Final = re.compile(r"isbn(?:-?1[03])?:?[ \t]{0,2}\Z", re.IGNORECASE)


# An obfuscated address ends with a top-level domain, letters only and no file's extension:
# "x(at)y(dot)5" and "logo (at) 2x.png" are none.
_TOP_LEVEL_DOMAIN: Final = re.compile(r"(?<![\w\-])[^\W\d_]{2,24}\Z")


def _is_address(text: str, match: re.Match[str]) -> bool:
    top_level = match[0].rsplit(".", 1)[-1].lower()
    return (
        # Only the ASCII form of an international one ("xn--11b4c3d") has digits.
        (top_level.startswith("xn--") or not any(char.isdecimal() for char in top_level))
        # "logo@2x.png" names a file; "a@mail.example.png" is still an address.
        and not (top_level in _FILE_EXTENSIONS and match[0].rsplit("@", 1)[-1].count(".") == 1)
        and not _SSH_PATH.match(text, match.end())
        and not match[0].lower().startswith("git@")  # the SSH user of every Git host
    )


_NEXT_GROUP: Final = re.compile(r"(?<=\D)\d")


def _glued(text: str, start: int) -> bool:
    """Whether a value found at `start` is glued to a letter or digit before it."""
    return start > 0 and text[start - 1].isalnum()


def _first_at_form(text: str, lowered: str | None) -> int | None:
    """Where the first "@" written any way is in `text` (`_ANY_AT_FORM`); `lowered` is the text
    lowered if it is ASCII, else None."""
    if lowered is None:
        if not ("@" in text or "&" in text or _holds_at_letters(text)):
            return None  # most texts
        found = _ANY_AT_FORM.search(text)
        return None if found is None else found.start()
    at_word = _LOWERED_AT_AFTER_GAP.search(lowered)
    first = len(lowered) if at_word is None else at_word.start() - 1
    for form in ("@", "&#64;", "&commat;") if "&" in lowered else ("@",):
        position = lowered.find(form, 0, first)  # only before the first found so far
        if position >= 0:
            first = position
    return None if first == len(lowered) else first


def _obfuscated_email_spans(text: str, lowered: str | None) -> list[tuple[int, int, str, int]]:
    first_at = _first_at_form(text, lowered)
    if first_at is None:
        return []
    # No address starts before the local part in front of the first "@" written any way: the
    # text before it is not searched.
    local_part = _LOCAL_PART_BACKWARDS.match(text[:first_at][::-1])
    assert local_part is not None  # it matches the empty string
    spans = []
    for match in _OBFUSCATED_EMAIL.finditer(text, first_at - local_part.end()):
        top_level = _TOP_LEVEL_DOMAIN.search(match[0])
        if top_level and top_level[0].lower() not in _FILE_EXTENSIONS:
            spans.append((match.start(), match.end(), EMAIL, _GENERIC_RANK))
    return spans


def _generic_spans(text: str) -> list[tuple[int, int, str, int]]:
    # A text of ASCII characters is also read lowered: the word "at" is then found from its
    # letters as a literal, fast. (Lowering other scripts may change their length.)
    lowered = text.lower() if text.isascii() else None
    at_sign = "@" in text
    four_digits = (_FOUR_DIGITS if lowered is None else _FOUR_ASCII_DIGITS).search(text)
    if not (at_sign or four_digits or "&" in text or _has_at_word(text, lowered)):
        return []  # most texts
    spans = _obfuscated_email_spans(text, lowered)
    kinds = _KINDS_TO_SEARCH[at_sign, four_digits is not None]
    first_digit = 0 if four_digits is None else four_digits.start()
    for kind, match in _generic_matches(text, kinds, first_digit):
        start = match.start()
        if kind == "number":
            # Glued to a word ("card4111…", "mob no9876543210", "is+91…") only after a word
            # that says what follows; "ABC12345678" is a code, and the run starts after it.
            if (
                text[start] not in "+("
                and _glued(text, start)
                and not _context_before(text, start).named
            ):
                following = _NEXT_GROUP.search(text, start + 1, match.end())
                if following is None:
                    continue
                start = following.start()
            if not _ISBN_BEFORE.search(text, max(0, start - 10), start):
                spans.extend(_number_spans(text, start, match.end()))
        elif kind == "pan":
            if not _glued(text, start) or _PAN_WORD_BEFORE.search(text, max(0, start - 12), start):
                spans.append((start, match.end(), PAN, _GENERIC_RANK))
        elif kind == "pan_spelled":
            spans.append((start, match.end(), PAN, _GENERIC_RANK))
        elif _is_address(text, match):
            spans.append((match.start(), match.end(), EMAIL, _GENERIC_RANK))
    return spans


# --- Known values: an index per Masker, patterns compiled once -------------------------------

# Values shorter than this would mask common words and numbers everywhere ("NA", "12"). Name
# parts may be shorter ("Li", "Om"): see COMMON_WORDS.
_MIN_KNOWN_LENGTH: Final = 3

# Known values are bounded by plain \w (a letter, digit or "_"), not _WORD_CHAR: without the
# vowel signs a value may match where one meets it, which masks more, never less. Names are
# bounded by letters only, so that "ravi_kumar" and "ravi2" show the name.
_KNOWN_BOUNDARY: Final = r"\w"
_WORD_CHAR_FIRST: Final = re.compile(_KNOWN_BOUNDARY)
_WORD_CHAR_LAST: Final = re.compile(_KNOWN_BOUNDARY + r"\Z")


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"  # what \w matches


def _is_letter(char: str) -> bool:
    return char.isalnum() and not char.isdecimal()  # what [^\W\d_] matches


def _lowered(text: str) -> str:
    """`text` in lower case, letter for letter (a letter whose lower case is longer gives its
    first character), with the Greek final sigma as a sigma: two strings in this form are
    equal where a case-insensitive pattern would match one with the other."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(char.lower()[:1] for char in text)
    return lowered if lowered.isascii() else lowered.replace("ς", "σ")


_NAME_PART_SEPARATORS: Final = re.compile(r"[\s.,\-_]+")
_DIGITS_VALUE: Final = re.compile(r"[\d\s.\-()+]+")
_FLOAT_OF_AN_INTEGER: Final = re.compile(r"(\d+)\.0+")

# --- Folding: what is compared, not what is shown -------------------------------------------

# Masking looks for values in a folded view of each text, and masks the matching span of the
# original: what people type to make a value look different must not hide it, and what is
# shown never keeps part of a value. Folding drops what shows nothing (format characters such
# as zero-width spaces and joiners, the soft hyphen and the byte-order mark: Unicode category
# Cf; variation selectors and the other default-ignorable code points), takes compatibility
# forms as plain ones (NFKC: "ＢＱＺＰＢ４８２１Ｋ", a full-width "＠", the ideographic space, "․"),
# digits of every script as 0-9, letters without their accents ("José" is "Jose"), and every
# apostrophe as "'" ("D’Souza" is "D'Souza").
_INVISIBLE: Final = frozenset(
    code
    for low, high in (
        (0x034F, 0x034F),
        (0x115F, 0x1160),
        (0x17B4, 0x17B5),
        (0x180B, 0x180F),
        (0x3164, 0x3164),
        (0xFE00, 0xFE0F),
        (0xFFA0, 0xFFA0),
        (0xFFF0, 0xFFF8),
        (0xE0000, 0xE0FFF),
    )  # fmt: skip
    for code in range(low, high + 1)
)
# Cyrillic and Greek capitals that look like Latin ones ("АВСРК1234F" is a PAN to the eye), read
# as those; each one's small letter as the Latin small letter, so that folding keeps case
# pairs and a value is found case-insensitively whichever script it is typed in.
_HOMOGLYPHS: Final = {
    look_alike: latin
    for capitals, latins in (
        ("АВСЕНІЈКМОРЅТХУ", "ABCEHIJKMOPSTXY"),  # Cyrillic
        ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX"),  # Greek
    )
    for capital, latin_capital in zip(capitals, latins, strict=True)
    for look_alike, latin in ((capital, latin_capital), (capital.lower(), latin_capital.lower()))
}
_FOLDED_AS: Final = {
    **dict.fromkeys("\u2019\u2018\u02bc\u00b4\u2032", "'"),
    **{"ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ı": "i"},
    # Spaces and line breaks that NFKC keeps: the Ogham space mark, the line and paragraph
    # separators; between digits they are spaces like any other.
    **{"\u1680": " ", "\u2028": "\n", "\u2029": "\n"},
    # The ideographic full stops, which IDNA reads as the dot of a domain ("a@example。com").
    **dict.fromkeys("\u3002\uff61", "."),
    **_HOMOGLYPHS,
}


def _is_dropped(char: str) -> bool:
    code = ord(char)
    return (
        0x0300 <= code <= 0x036F  # the accents of Latin letters, written apart (NFD)
        or code in _INVISIBLE
        or unicodedata.category(char) == "Cf"
    )


def _fold_char(char: str) -> str:
    if char in _FOLDED_AS:
        return _FOLDED_AS[char]
    if _is_dropped(char):
        return ""
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    folded = []
    for compatible in unicodedata.normalize("NFKC", char):
        base = unicodedata.normalize("NFD", compatible)[0]
        if base != compatible and base.isascii() and base.isalpha():
            compatible = base
        if not _is_dropped(compatible):
            folded.append(compatible)
    return "".join(folded)


@dataclass(frozen=True)
class _Folding:
    table: dict[int, str]  # every character folded as something else
    # The combining marks (of every script) that folding keeps; on a plain letter or digit,
    # such as an enclosing circle or a keycap on "4", a Devanagari sign on "1" or a Hebrew
    # point on "A", they hide nothing of it and are dropped (`fold`).
    marks: frozenset[int]
    # The characters folded as none or several, and the marks: a text holding none of them is
    # folded character for character. A set, as a pattern of their thousands of ranges costs
    # tens of microseconds a text.
    special: frozenset[str]


@cache
def _folding() -> _Folding:
    """Built on first use: it reads the Unicode data of the planes where people type."""
    table, length_changing, marks = {}, [], []
    for code in (*range(0x80, 0xD800), *range(0xE000, 0x2FA20), *range(0xE0000, 0xE1000)):
        char = chr(code)
        if unicodedata.category(char).startswith("M") and not _is_dropped(char):
            marks.append(code)
        if (
            unicodedata.is_normalized("NFKD", char)  # no compatibility form, no accent
            and not char.isdecimal()
            and char not in _FOLDED_AS
            and not _is_dropped(char)
        ):
            continue  # most characters: checked quickly, as this runs on ~200,000
        folded = _fold_char(char)
        if folded != char:
            table[code] = folded
            if len(folded) != 1:
                length_changing.append(code)
    return _Folding(table, frozenset(marks), frozenset(map(chr, [*length_changing, *marks])))


_PAST_ASCII: Final = re.compile(r"[^\x00-\x7f]+")


class Folded(NamedTuple):  # a tuple, not a dataclass: one is made for every text masked
    """A folded text, and where each of its characters came from in the original."""

    text: str
    # Index in the original of each folded character; None: the same as in the folded text.
    origins: list[int] | None
    original_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original that the folded text[start:end] came from: whole
        characters, with any dropped character after the last one (a combining accent)."""
        if self.origins is None:
            return start, end
        origins = self.origins
        if end == len(origins):
            return origins[start], self.original_length
        last = origins[end - 1] + 1
        return origins[start], max(last, origins[end])


def fold(text: str) -> Folded:
    if text.isascii():
        return Folded(text, None, len(text))
    folding = _folding()
    if folding.special.isdisjoint(text):
        # Only the characters past ASCII are looked up: translating every one costs more.
        return Folded(
            _PAST_ASCII.sub(lambda past: past[0].translate(folding.table), text), None, len(text)
        )
    pieces, origins = [], []
    on_plain = False  # whether the last character shown folds to ASCII: a mark on it goes
    for index, char in enumerate(text):
        folded = folding.table.get(ord(char), char)
        if ord(char) in folding.marks:
            if on_plain:
                folded = ""
        elif folded:
            on_plain = folded.isascii()
        pieces.append(folded)
        origins.extend([index] * len(folded))
    return Folded("".join(pieces), origins, len(text))


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Name parts that are also common words mask only when written as a name ("Will", not "will":
# "I will pay the bill" stays readable for Will Bill) or right after words that introduce a
# name ("my name is will"); so do two-letter parts ("Li", "Om"). Titles never mask.
COMMON_WORDS: Final = _word_set(
    """
    a about after all also am an and any april are art as ask at august autumn baby back ball
    bank baker bell best big bill bird black blue bold bond box brave bright brook brown bud
    bush by call can care case chase cherry church clay close cook cool court cross crystal
    dale dark dawn day dean dear deep doctor dolly don down dusty early east easy end even
    faith fair fall far field fine fish fisher flower fox frank free friend from fuller gain
    gay gene gift glass glen gold golden good grace grand gray green grey grove guy hall hand
    happy hardy hart have hay head heart heather help here high hill holly home honey hope
    house hunt hunter in iris is it ivy jade jay jack joy june just keen key kind king knight
    lake lamb land lane large last law lee light lily link little long lord love lucky major
    mark marsh mason may me mild mill miller moon more my new nice noble north oak of ok old
    on or page park pat peace pearl penny pink pinky plain poor pope porter power prince
    price pride queen rain ram raja rani ray read red reed rich river rock rocky root rose
    rosy ruby rush rusty sage salt sandy sea sharp short silver sky small smart snow so south
    sparks spring star steel sterling stone storm strong summer sun sunny sweet swift tall the
    to true turner up us victor violet wall ward warm water waters way we well wells west
    white wild will win wing winter wise wolf wood woods young
    aman anand asha chanda deepak dil diya heera jyoti kamal kiran mohan moti prem pyaar
    roshni sagar sona sonu sundar suraj
    """
)
_NAME_PARTICLES: Final = _word_set(
    "da de del della di do dos das du van von der den ter ten la le bin ibn"
)
_TITLES: Final = _word_set(
    "mr mrs ms miss mx dr prof sir madam shri sri smt km kumari er adv capt col jr sr"
)
_NAME_CONTEXTS: Final = ("name is ", "name: ", "i am ", "i'm ", "this is ", "call me ", "dear ",
                  "hi ", "hello ", "hey ", "thanks ", "thanks, ", "regards, ", "mr ", "mr. ",
                  "mrs ", "mrs. ", "ms ", "ms. ", "dr ", "dr. ", "miss ")  # fmt: skip
_NAME_CONTEXT_BEFORE: Final = re.compile(
    "(?:"
    + "|".join(re.escape(context).replace(r"\ ", r"\s") for context in _NAME_CONTEXTS)
    + r")\Z",
    re.IGNORECASE,
)
_LONGEST_NAME_CONTEXT: Final = max(map(len, _NAME_CONTEXTS))

_MONTHS: Final = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
# A date as stored: 1990-05-14, 14/05/1990, 14-5-1990, 14.05.1990, 14 May 1990, May 14, 1990.
_STORED_DATES: Final = (
    re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?:[T ][\d:.Z+-]*)?"),
    re.compile(r"(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4})"),
    re.compile(
        r"(?P<day>\d{1,2})(?:st|nd|rd|th)?[ -](?P<month>[a-z]{3,})\.?,?[ -](?P<year>\d{4})",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?P<month>[a-z]{3,})\.?[ -](?P<day>\d{1,2})(?:st|nd|rd|th)?,? (?P<year>\d{4})",
        re.IGNORECASE,
    ),
)


def _stored_date(value: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a value that is a date, in any of the forms above."""
    for form in _STORED_DATES:
        match = form.fullmatch(value)
        if match is None:
            continue
        month = match["month"]
        if not month.isdecimal():
            names = [name for name in _MONTHS if name.startswith(month.lower()[:3])]
            if not names:
                return None
            month = _MONTHS.index(names[0]) + 1
        year, month, day = int(match["year"]), int(month), int(match["day"])
        return (year, month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None
    return None


# A date written in any form: three words or numbers with - / . or a space between, not inside
# a longer word. Tried at every word start (a lookahead), so that "on 14 May 1990" is read from
# "14" as well as from "on"; `_KnownDate` says which of them is a known date.
_DATE_PART: Final = r"(?:\d{1,4}(?:st|nd|rd|th)?|[a-z]{3,9}\.?)"
_DATE_SEPARATOR: Final = r"(?:,?[ \t]{1,2}|[-/.])"
_WRITTEN_DATE: Final = re.compile(
    rf"(?<!\w)(?=({_DATE_PART}){_DATE_SEPARATOR}({_DATE_PART}){_DATE_SEPARATOR}({_DATE_PART})(?!\w))",
    re.IGNORECASE,
)
_ORDINALS: Final = ("", "st", "nd", "rd", "th")
# A date of six or eight digits and nothing else ("14051990", "19900514", "140590").
_COMPACT_DATE: Final = re.compile(r"(?<!\d)(?:\d{8}|\d{6})(?!\d)")


class _KnownDate:
    """A known date in every form people write one: day, month and year in either order with
    any of - / . or a space between, the year with 4 digits or 2, the month as a number, a name
    or its abbreviation, the day with an ordinal ("14th"); or the year first, all numbers."""

    def __init__(self, year: int, month: int, day: int):
        numbers = {str(day), f"0{day}"}
        self.days = {number + ordinal for number in numbers for ordinal in _ORDINALS}
        self.plain_days = numbers
        name = _MONTHS[month - 1]
        self.numeric_months = {str(month), f"0{month}"}
        self.months = self.numeric_months | {name, name[:3], name[:3] + "."}
        self.year = str(year)
        self.short_year = f"{year % 100:02d}"
        self.years = {self.year, self.short_year}
        # Written without separators, as forms and "your DOB?" answers often are.
        day_, month_, short_year = f"{day:02d}", f"{month:02d}", self.short_year
        self.compact = {
            f"{day_}{month_}{year}",
            f"{month_}{day_}{year}",
            f"{year}{month_}{day_}",
            f"{day_}{month_}{short_year}",
            f"{month_}{day_}{short_year}",
        }

    def written_as(self, first: str, second: str, third: str) -> bool:
        """Whether the parts of a `_WRITTEN_DATE`, in lower case, are this date."""
        return (
            (third in self.years and first in self.days and second in self.months)
            or (third in self.years and first in self.months and second in self.days)
            or (first == self.year and second in self.numeric_months and third in self.plain_days)
        )


# The words and numbers of a stored value, which may be typed with other punctuation between
# them: an address stored as "12 MG Road, Indiranagar" typed "12, MG Road Indiranagar".
_VALUE_TOKEN: Final = re.compile(r"(?:[^\W_]|[\u0300-\u036f\u0900-\u0963\u0966-\u0dff])+")
_MOST_TOKEN_GAP: Final = 8  # characters other than letters and digits between the words of a value


def _index_key(literal: str) -> str:
    """What a text must hold where a value starting with `literal` starts: its first two
    characters, in lower case."""
    return literal[:2]


_LETTER_RUN: Final = re.compile(r"[^\W\d_]+")


def _key_positions(key: str, text: str, lowered: str) -> Iterator[int]:
    """Where `key` stands in `lowered` (`_lowered(text)`), but not after a letter when it
    starts with one: no name or value starting with a letter starts inside a word. A word is
    passed over at one step, so that a long run of the key's letters costs one, not one a
    letter."""
    after_letters_too = not (key and _is_letter(key[0]))
    position = lowered.find(key)
    while position >= 0:
        if after_letters_too or not position or not _is_letter(text[position - 1]):
            yield position
            position = lowered.find(key, position + 1)
        else:
            word = _LETTER_RUN.match(text, position)
            position = lowered.find(key, word.end() if word else position + 1)


class _KnownText:
    """A known value of text, in any case: as stored with any whitespace between its words;
    or, of two words or numbers or more, those with up to `_MOST_TOKEN_GAP` characters of
    anything but letters and digits between them (glued too). Not inside a longer word where
    the value starts or ends with one. Read, with all the others, by `_KnownTexts`."""

    def __init__(self, value: str):  # folded, its whitespace single spaces
        lowered = _lowered(value)
        self.words = lowered.split(" ")
        self.words_bounded = (
            _WORD_CHAR_FIRST.match(value) is not None,
            _WORD_CHAR_LAST.search(value) is not None,
        )
        tokens = _VALUE_TOKEN.findall(lowered)
        self.tokens = (
            tokens if len(tokens) >= 2 and len("".join(tokens)) >= _MIN_KNOWN_LENGTH else []
        )
        self.tokens_bounded = (
            bool(tokens) and _is_word_char(tokens[0][0]),
            bool(tokens) and _is_word_char(tokens[-1][-1]),
        )

    def index_keys(self) -> set[str]:
        firsts = [self.words[0], *self.tokens[:1]]
        return {_index_key(first) for first in firsts}


# A trie of the known values of text, character by character: the values' words (`_SPACE`:
# some whitespace, then the next word) and, apart, their words and numbers (`_GAP`: a few marks
# or none, then the next). `_END` holds, for the values ending at a node, the lowest priority by
# how they are bounded: {(bounded first, bounded last): priority}.
_Trie = dict[str, Any]
_SPACE, _GAP, _END = "\x00space", "\x00gap", "\x00end"  # no character of a text


class _KnownTexts:
    """Finds at a place of a text the known value of text first in priority that is written
    there, as `_KnownText` describes, by one walk of a trie of all of them: the work does not
    grow with the number of values that share a start (a user controls their values)."""

    def __init__(self, values: list[tuple[int, _KnownText]]):  # (priority, value), any order
        self.words: _Trie = {}
        self.tokens: _Trie = {}
        for priority, value in values:
            self._add(self.words, value.words, _SPACE, value.words_bounded, priority)
            if value.tokens:
                self._add(self.tokens, value.tokens, _GAP, value.tokens_bounded, priority)

    @staticmethod
    def _add(
        trie: _Trie, pieces: list[str], joint: str, bounded: tuple[bool, bool], priority: int
    ) -> None:
        node = trie
        for index, piece in enumerate(pieces):
            if index:
                node = node.setdefault(joint, {})
            for char in piece:
                node = node.setdefault(char, {})
        ends = node.setdefault(_END, {})
        ends[bounded] = min(ends.get(bounded, priority), priority)

    def first_at(self, text: str, lowered: str, start: int) -> tuple[int, int] | None:
        """(priority, end) of the value first in priority read from `start` of `text`
        (`lowered`: `_lowered(text)`), or None. A value read as stored ends where so read,
        else where its words and numbers end."""
        after_word = start > 0 and _is_word_char(text[start - 1])
        found: dict[int, int] = {}  # {priority: end}, the first end of each
        self._read_words(text, lowered, start, after_word, found)
        if self.tokens:
            as_stored = dict(found)
            self._read_tokens(text, lowered, start, after_word, found)
            found.update(as_stored)
        if not found:
            return None
        priority = min(found)
        return priority, found[priority]

    @staticmethod
    def _ended(
        node: _Trie, text: str, position: int, after_word: bool, found: dict[int, int]
    ) -> None:
        before_word = position < len(text) and _is_word_char(text[position])
        for (bounded_first, bounded_last), priority in node[_END].items():
            if bounded_first and after_word or bounded_last and before_word:
                continue
            found.setdefault(priority, position)

    def _read_words(
        self, text: str, lowered: str, start: int, after_word: bool, found: dict[int, int]
    ) -> None:
        pending = [(self.words, start)]
        while pending:
            node, position = pending.pop()
            while True:  # a word's characters in a loop, the spaces between words apart
                if _END in node:
                    self._ended(node, text, position, after_word, found)
                if position == len(text):
                    break
                if _SPACE in node and text[position].isspace():
                    spaced = position + 1
                    while spaced < len(text) and text[spaced].isspace():
                        spaced += 1
                    pending.append((node[_SPACE], spaced))
                child = node.get(lowered[position])
                if child is None:
                    break
                node, position = child, position + 1

    def _read_tokens(
        self, text: str, lowered: str, start: int, after_word: bool, found: dict[int, int]
    ) -> None:
        # Depth first, wider gaps first, as a greedy pattern reads them: each value's first end
        # is the one it would be read to alone. A node reached again at a place reads the same.
        seen: set[tuple[int, int]] = set()

        def read(node: _Trie, position: int) -> None:
            while True:  # a token's characters in a loop: a word may be long
                if _END in node:
                    self._ended(node, text, position, after_word, found)
                if _GAP in node:
                    read_gap(node[_GAP], position)
                if position == len(text) or lowered[position] not in node:
                    return
                node, position = node[lowered[position]], position + 1

        def read_gap(after_gap: _Trie, position: int) -> None:
            gap_end = position
            while (
                gap_end < len(text)
                and gap_end - position < _MOST_TOKEN_GAP
                and not text[gap_end].isalnum()
            ):
                gap_end += 1
            # The whole gap; shorter ones only before a word that starts with a mark (neither
            # letter nor digit nor in the gap's class).
            for next_start in range(min(gap_end, len(text) - 1), position - 1, -1):
                char = lowered[next_start]
                if next_start < gap_end and char.isalnum() or char not in after_gap:
                    continue
                if (id(after_gap), next_start) not in seen:
                    seen.add((id(after_gap), next_start))
                    read(after_gap[char], next_start + 1)

        read(self.tokens, start)


# Values of more words or numbers than this, or of more digits than the longest card, are
# found by `_TokenSequence`: a pattern of one, tried at every word start of a text of its
# first words, costs the text's length times the value's.
_MOST_PATTERN_TOKENS: Final = 4
_MOST_PATTERN_DIGITS: Final = _LONGEST_NUMBER + 1
_DIGIT_UNIT: Final = re.compile(r"\d")
_MOST_DIGIT_GAP: Final = 3  # characters between the digits of a number, as _DIGIT_GAP allows


@dataclass(frozen=True)
class _Units:
    """How a text is read for `_TokenSequence`: its units (words, or digits) and how much of
    anything else may stand between two of one value."""

    unit: re.Pattern[str]
    most_gap: int

    def read(self, text: str, lowered: str) -> list[tuple[str, int, int] | None]:
        """(unit in lower case, start, end) of each unit of `text` (`lowered`: `_lowered(text)`);
        None where more than `most_gap` characters stand between two."""
        units: list[tuple[str, int, int] | None] = []
        end = None
        for match in self.unit.finditer(text):
            start = match.start()
            if end is not None and start - end > self.most_gap:
                units.append(None)
            end = match.end()
            units.append((lowered[start:end], start, end))
        return units


WORDS: Final = _Units(_VALUE_TOKEN, _MOST_TOKEN_GAP)
DIGITS: Final = _Units(_DIGIT_UNIT, _MOST_DIGIT_GAP)


class _TokenSequence:
    """A long known value found as the run of its units in a text (Knuth-Morris-Pratt over
    the text's units): time linear in the text and the value, whatever either holds."""

    def __init__(self, units: list[str], kind: _Units, placeholder: str):
        self.units = [_lowered(unit) for unit in units]
        self.distinct_units = set(self.units)
        self.kind = kind
        self.placeholder = placeholder
        # failure[i]: the length of the longest proper prefix of units[: i + 1] that is also
        # its suffix.
        self.failure = [0] * len(self.units)
        length = 0
        for index in range(1, len(self.units)):
            while length and self.units[index] != self.units[length]:
                length = self.failure[length - 1]
            if self.units[index] == self.units[length]:
                length += 1
            self.failure[index] = length

    def may_occur(self, lowered: str) -> bool:
        """Whether a text, `_lowered`, holds every unit of the value: most do not, and need
        not be read unit by unit."""
        return all(unit in lowered for unit in self.distinct_units)

    def spans(self, units: list[tuple[str, int, int] | None]) -> Iterator[tuple[int, int]]:
        matched = 0
        for index, unit in enumerate(units):
            if unit is None:
                matched = 0
                continue
            while matched and unit[0] != self.units[matched]:
                matched = self.failure[matched - 1]
            if unit[0] == self.units[matched]:
                matched += 1
            if matched == len(self.units):
                first = units[index - matched + 1]
                assert first is not None  # a match spans no break
                yield first[1], unit[2]
                matched = self.failure[matched - 1]


def _is_weak_name_part(part: str) -> bool:
    return len(part) <= 2 or part.lower() in COMMON_WORDS


class _NamePart(NamedTuple):  # a tuple: several are made for every Masker
    lower: str
    # The forms in which a weak part or a particle counts as a name when it must be written as
    # one: as stored, and capitalised.
    as_name: frozenset[str]
    weak: bool
    particle: bool

    @classmethod
    def of(cls, part: str) -> "_NamePart":
        return cls(
            lower=_lowered(part),
            as_name=frozenset({part, part[:1].upper() + part[1:].lower()}),
            weak=_is_weak_name_part(part),
            particle=part.lower() in _NAME_PARTICLES,
        )


# How the parts of a name written in a text are joined: nothing or ".", "_", "-" (glued:
# "ravikumar", "ravi_kumar"), or with a space among them (spaced: "Ravi Kumar").
_NAME_GLUE: Final = "._-"
_MOST_NAME_PARTS: Final = 5  # a part, then up to four more; leading particles ("van der") aside
_MOST_LEADING_PARTICLES: Final = 2

# The states of reading a name: only leading particles so far; a name that may be spaced; a
# name whose first part is a weak one in any case, which must go on glued ("ravikumar" for a
# Kumar Ravi, but not "ravi" alone when Ravi is a common word).
_LEADING, _NAMED, _GLUED = "leading", "named", "glued"


class _NameStep(NamedTuple):
    """A part of a name read at a position of a text, and what follows it."""

    part: _NamePart
    as_name: bool  # written as a name: as stored, or capitalised
    end: int
    at_word_end: bool
    next_start: int  # past the glue or spaces after it
    goes_on: bool  # a letter at next_start
    next_spaced: bool  # a space among what is between


class _NameFinder:
    """Finds a known name in a folded text: its parts in a row, in any order, spaced, glued or
    joined ("Ravi Kumar", "kumar ravi", "ravikumar", "ravi_kumar", "RaviKumar"), in any case;
    but a weak part spaced from the others only as a name (as stored, capitalised, or first
    after words that introduce a name), and a particle ("van", "da") in lower case only next
    to another part.

    Not a regular expression: a pattern of many parts that are prefixes of each other
    backtracks exponentially on a long run of their letters. This reads a text in time linear
    in its length: a candidate start is where a part begins after a non-letter (the Masker
    finds them by `index_keys`, `starts_at` checks them), and from each, every way of reading up to
    a few parts is tried once (states are never visited twice), a bounded amount of work per
    start.
    """

    def __init__(self, parts: list[str]):
        variants = {part: None for part in parts}
        for part in parts:  # "Strauß" is typed "Strauss" too
            if "ß" in part:
                variants[part.replace("ß", "ss")] = None
            if "'" in part:  # "D'Souza" is typed "DSouza", "Dsouza" and "D Souza" too
                variants[part.replace("'", "")] = None
                after = part.rsplit("'", 1)[1]
                if len(after) >= _MIN_KNOWN_LENGTH:
                    variants[after] = None
        self.parts = [_NamePart.of(part) for part in variants]
        self.any_strong = any(not part.weak for part in self.parts)
        # The parts by their first two characters, so that reading a place compares the few
        # that may start there, not every part of every name the user was known by.
        self.by_key: dict[str, list[_NamePart]] = {}
        for name_part in self.parts:
            self.by_key.setdefault(_index_key(name_part.lower), []).append(name_part)
        self.short_keys = any(len(key) < 2 for key in self.by_key)

    def index_keys(self) -> set[str]:
        return set(self.by_key)

    def _parts_at(self, lowered: str, position: int) -> list[_NamePart]:
        """The parts that may start at `position`: those with its two characters first."""
        parts = self.by_key.get(lowered[position : position + 2], [])
        if self.short_keys:
            parts = parts + self.by_key.get(lowered[position : position + 1], [])
        return parts

    def starts_at(self, text: str, lowered: str, position: int) -> bool:
        """Whether a name may start at `position`: after a non-letter, one of its parts in any
        case, followed by a non-letter or glued to another part."""
        if position and _is_letter(text[position - 1]):
            return False
        for part in self._parts_at(lowered, position):
            if lowered.startswith(part.lower, position):
                end = position + len(part.lower)
                if end == len(text) or not _is_letter(text[end]):
                    return True
                if any(
                    lowered.startswith(glued.lower, end) for glued in self._parts_at(lowered, end)
                ):
                    return True
        return False

    def _steps_at(self, text: str, lowered: str, position: int) -> list[_NameStep]:
        """Each part that can be read at `position`, and what follows it."""
        steps = []
        for part in self._parts_at(lowered, position):
            if not lowered.startswith(part.lower, position):
                continue
            end = position + len(part.lower)
            next_start = end
            while next_start < len(text) and (
                text[next_start] in _NAME_GLUE or text[next_start].isspace()
            ):
                next_start += 1
            steps.append(
                _NameStep(
                    part,
                    text[position:end] in part.as_name,
                    end,
                    end == len(text) or not text[end].isalpha(),
                    next_start,
                    next_start < len(text) and text[next_start].isalpha(),
                    any(char not in _NAME_GLUE for char in text[end:next_start]),
                )
            )
        return steps

    def longest_from(self, text: str, lowered: str, start: int) -> int | None:
        """The end of the longest name read from `start` (`lowered` is `text` in lower case,
        letter for letter), or None."""
        longest = None
        pending = [(start, _LEADING, 0, False)]  # (position, state, parts read, spaced join)
        seen = set()
        # The steps at each position, read once: many states stand at one position.
        steps: dict[int, list[_NameStep]] = {}
        while pending:
            state = pending.pop()
            if state in seen:
                continue
            seen.add(state)
            position, mode, count, spaced = state
            if position not in steps:
                steps[position] = self._steps_at(text, lowered, position)
            for step in steps[position]:
                for next_mode, next_count in self._read(
                    step.part, step.as_name, mode, count, spaced, text, position
                ):
                    complete = next_mode == _NAMED or (next_mode == _GLUED and next_count >= 2)
                    if complete and step.at_word_end:
                        longest = max(longest or step.end, step.end)
                    if step.goes_on and (next_mode == _LEADING or next_count < _MOST_NAME_PARTS):
                        pending.append((step.next_start, next_mode, next_count, step.next_spaced))
        return longest

    def _read(
        self,
        part: _NamePart,
        as_name: bool,
        mode: str,
        count: int,
        spaced: bool,
        text: str,
        position: int,
    ) -> Iterator[tuple[str, int]]:
        """The states after reading `part` (written `as_name` or not) in state `mode`."""
        if mode == _LEADING:
            if part.particle and count < _MOST_LEADING_PARTICLES:
                yield _LEADING, count + 1
            if (
                as_name
                or not (part.weak or part.particle)
                or (
                    part.weak
                    and not part.particle
                    and _NAME_CONTEXT_BEFORE.search(
                        text[max(0, position - _LONGEST_NAME_CONTEXT) : position]
                    )
                )
            ):
                yield _NAMED, 1
            if count == 0 and self.any_strong:
                yield _GLUED, 1
        elif mode == _NAMED:
            if not spaced or as_name or part.particle or not part.weak:
                yield _NAMED, count + 1
        elif not spaced:
            yield _GLUED, count + 1


# Digits as a number may be written: each from the next no further than `_DIGIT_GAP` allows.
_DIGIT_CHAIN: Final = re.compile(rf"\d(?:{_DIGIT_GAP}\d)*+")
_NOT_DIGIT: Final = re.compile(r"\D")
# A country code or trunk 0 in front of a phone number ("+91 ", "0049 ", "(0)"), not inside a
# longer number, ending where the number starts; at most 16 characters.
_PHONE_PREFIX: Final = re.compile(
    rf"(?<!\d)(?:\(?\+?\d{{1,4}}\)?{_DIGIT_GAP})?(?:\(?0\)?{_DIGIT_GAP})?\Z"
)
_LONGEST_PHONE_PREFIX: Final = 16


class _KnownDigits:
    """A known number, its digits in any grouping (`_DIGIT_CHAIN`), not inside a longer
    number; `with_prefix`, a country code or trunk 0 in front is masked along with it."""

    def __init__(self, digits: str, with_prefix: bool):
        self.digits = digits
        self.with_prefix = with_prefix

    def spans(
        self, text: str, chains: list[tuple[re.Match[str], str]]
    ) -> Iterator[tuple[int, int]]:
        """(start, end) of each place in `text` where the number stands; `chains`: the
        `_DIGIT_CHAIN`s of `text`, each with its digits."""
        length = len(self.digits)
        for chain, digits in chains:
            index = digits.find(self.digits)
            if index < 0:
                continue
            positions = [unit.start() for unit in _DIGIT_UNIT.finditer(text, *chain.span())]
            while index >= 0:
                last = index + length - 1
                if last + 1 == len(positions) or positions[last + 1] - positions[last] > 1:
                    start, end = positions[index], positions[last] + 1
                    alone = index == 0 or positions[index] - positions[index - 1] > 1
                    if self.with_prefix:
                        # The prefix may be glued to the number ("919876543210").
                        earliest = max(0, start - _LONGEST_PHONE_PREFIX)
                        prefix = _PHONE_PREFIX.search(text, earliest, start)
                        if prefix is not None and prefix.start() < start:
                            yield prefix.start(), end
                    if alone:
                        yield start, end
                index = digits.find(self.digits, index + 1)


_PHONE_PUNCTUATION: Final = re.compile(r"[ ()\-.]+")
_INDIAN_MOBILE: Final = re.compile(r"(?:\+91)?[6-9][0-9]{9}")


def _phone_digits(phone: str) -> str:
    """The digits a stored phone is known by, however it is typed: its national significant
    number by libphonenumber (without country code or trunk 0: "+44 (0)20 7946 0958" is
    2079460958; without a "+", an Indian number is assumed), or else its last 10 digits."""
    compact = _PHONE_PUNCTUATION.sub("", phone)
    if _INDIAN_MOBILE.fullmatch(compact):  # most stored phones: libphonenumber says the same
        return compact[-10:]
    digits = _ascii_digits("".join(char for char in phone if char.isdecimal()))
    try:
        number = phonenumbers.parse(phone, "IN")
    except phonenumbers.NumberParseException:
        return digits[-10:]
    national = phonenumbers.national_significant_number(number)
    return national if len(national) >= 6 else digits[-10:]


def _entity_text(value: object) -> str:
    """An entity's value as text; JSON numbers come as int or float ("9876543210.0")."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    whole = _FLOAT_OF_AN_INTEGER.fullmatch(text)
    return whole[1] if whole else text


# A known value but a name, as it is looked for in a text.
_KnownValue = _KnownText | _KnownDigits | _KnownDate


@dataclass
class _KnownValues:
    # (value, its length as stored, placeholder) of each usable known value but names, on
    # folded text.
    alternatives: list[tuple[_KnownValue, int, str]]
    # The parts of each name the user was known by, for `_NameFinder`.
    names: list[list[str]]
    # Long values, found by their units.
    sequences: list[_TokenSequence]


def _known_values(known: PersonalValues, found: _KnownValues | None = None) -> _KnownValues:
    found = found or _KnownValues([], [], [])
    alternatives = found.alternatives

    def folded(value: str) -> str:
        return fold(" ".join(value.split())).text

    def add_text(value: str, placeholder: str) -> None:
        value = folded(value or "")
        tokens = _VALUE_TOKEN.findall(value)
        if len(tokens) > _MOST_PATTERN_TOKENS:
            found.sequences.append(_TokenSequence(tokens, WORDS, placeholder))
        elif len(value) >= _MIN_KNOWN_LENGTH:
            alternatives.append((_KnownText(value), len(value), placeholder))

    def add_digits(digits: str, placeholder: str, with_prefix: bool = False) -> None:
        digits = _ascii_digits("".join(char for char in digits if char.isdecimal()))
        if len(digits) > _MOST_PATTERN_DIGITS:
            found.sequences.append(_TokenSequence(list(digits), DIGITS, placeholder))
        elif len(digits) >= _MIN_KNOWN_LENGTH:
            alternatives.append((_KnownDigits(digits, with_prefix), len(digits), placeholder))

    parts = [
        part
        for part in _NAME_PART_SEPARATORS.split(folded(known.name or ""))
        if len(part) >= 2 and part.lower() not in _TITLES
    ]
    # As stored, whatever its characters; also a name of titles alone ("Col" is a name too).
    if not parts or not all(_is_weak_name_part(part) for part in parts):
        add_text(known.name, NAME)
    if parts:
        found.names.append(parts)
    add_text(known.email, EMAIL)
    if known.phone:
        add_digits(_phone_digits(known.phone), PHONE, with_prefix=True)
    for entity_name, raw_value in known.entities:
        value, placeholder = _entity_text(raw_value), personal_placeholder(entity_name)
        date = _stored_date(value)
        if date is not None:
            alternatives.append((_KnownDate(*date), len(value), placeholder))
        elif _DIGITS_VALUE.fullmatch(value):
            # 10 digits may be a mobile number, typed with its country code or trunk 0.
            add_digits(value, placeholder, with_prefix=len(re.sub(r"\D", "", value)) == 10)
        else:
            add_text(value, placeholder)
    for earlier in known.former:
        _known_values(earlier, found)
    return found


# --- Masker ----------------------------------------------------------------------------------


def _merge_overlaps(spans: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str]]:
    """Sorted, non-overlapping spans. Overlapping spans are joined, so nothing any of them covers
    is shown; the joined span takes the placeholder of its longest part (ties: lowest rank)."""
    merged: list[tuple[int, int, str]] = []
    best = (0, 0)
    for start, end, placeholder, rank in sorted(spans, key=lambda span: span[0]):
        key = (start - end, rank)
        if merged and start < merged[-1][1]:
            merged_start, merged_end, merged_placeholder = merged[-1]
            if key < best:
                best, merged_placeholder = key, placeholder
            merged[-1] = (merged_start, max(merged_end, end), merged_placeholder)
        else:
            best = key
            merged.append((start, end, placeholder))
    return merged


# What every generic value holds: 4 digits or more (a PAN 4, numbers 8 or more), or an "@" or
# the word "at" (emails, also as people write them to dodge filters), or "&" ("&#64;" and
# "&commat;" for "@"). Most texts hold none and are not searched further, most of the time
# of masking them. A generic kind holding none of them must be added to `_generic_spans`'
# first test.
_FOUR_DIGITS: Final = re.compile(r"\d(?:\D*+\d){3}")
# The same in a text of ASCII characters: a range is checked faster than Unicode's digits.
_FOUR_ASCII_DIGITS: Final = re.compile(r"[0-9](?:[^0-9]*+[0-9]){3}")
# The word "at" in any case, not inside a word, or at the start of "atthe rate": its letters
# first, as a pattern starting with a lookbehind tries every character of the text.
_AT_WORD: Final = re.compile(r"[aA][tT](?<![^\W_][aA][tT])(?:(?![^\W_])|(?=[ \t]?[tT][hH][eE]))")


def _holds_at_letters(text: str) -> bool:
    return "at" in text or "AT" in text or "At" in text or "aT" in text


# The same in a text of ASCII characters lowered, from the literal "at".
_LOWERED_AT_WORD: Final = re.compile(r"at(?<![^\W_]at)(?:(?![^\W_])|(?=[ \t]?the))")


def _has_at_word(text: str, lowered: str | None) -> bool:
    if lowered is not None:
        return _LOWERED_AT_WORD.search(lowered) is not None
    # Looked for in texts holding its letters: most do not.
    return _holds_at_letters(text) and _AT_WORD.search(text) is not None


class Masker:
    """Finds and masks personal data; build one per conversation and reuse it for its texts.

    What is known about the end user is indexed, not compiled: each value of text and each
    name part under its first two characters, which a text is searched for (`str.find`) before
    anything is compared; from each place found, one trie of all the values of text and one
    finder of the parts of all names are read, whatever their number (a user sets them);
    numbers and dates are read by patterns compiled once, and compared.
    A Masker costs microseconds to build, whatever is known."""

    def __init__(self, known: PersonalValues | None = None):
        values = _known_values(known or PersonalValues())
        # Where several values start at one place, the longest as stored is taken (equal
        # lengths: name, email, phone, entities, in that order), as in the text it is likely
        # the most of them that is written.
        alternatives = sorted(values.alternatives, key=lambda alternative: -alternative[1])
        self._placeholders = [placeholder for _, _, placeholder in alternatives]
        texts: list[tuple[int, _KnownText]] = []  # priority: the index in `alternatives`
        self._digits: list[tuple[int, _KnownDigits]] = []
        self._dates: list[tuple[int, _KnownDate]] = []
        for priority, (value, _, _) in enumerate(alternatives):
            if isinstance(value, _KnownText):
                texts.append((priority, value))
            elif isinstance(value, _KnownDigits):
                self._digits.append((priority, value))
            else:
                self._dates.append((priority, value))
        self._texts = _KnownTexts(texts)
        self._text_keys = {key for _, value in texts for key in value.index_keys()}
        # All the names the user was known by, read as one: their parts together.
        self._names = _NameFinder([part for parts in values.names for part in parts])
        self._name_keys = self._names.index_keys()
        self._keys = sorted(self._text_keys | self._name_keys)
        self._sequences = values.sequences
        self._knows_any = bool(self._keys or self._digits or self._dates or self._sequences)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, placeholder) of each personal span in `text`: sorted, non-overlapping.

        Values are looked for in the folded text (`fold`), and each span is that of the
        original characters they were folded from."""
        folded = None if text.isascii() else fold(text)  # most texts: nothing to fold
        searched = text if folded is None else folded.text
        spans = _generic_spans(searched)
        if self._knows_any:
            spans.extend(self._known_spans(searched))
        if not spans:
            return []
        merged = _merge_overlaps(spans)
        if folded is None or folded.origins is None:
            return merged
        return [(*folded.span(start, end), placeholder) for start, end, placeholder in merged]

    def _known_spans(self, text: str) -> list[tuple[int, int, str, int]]:
        """The known values in `text`, as `_generic_spans` gives its: at each start the value
        first in priority, then the names, then the long values."""
        lowered = _lowered(text)
        found: dict[int, tuple[int, int]] = {}  # {start: (priority, end)}
        name_starts: set[int] = set()
        read: set[int] = set()  # where the values of text were read
        for key in self._keys:
            if key not in lowered:
                continue  # most keys, in most texts
            texts, names = key in self._text_keys, key in self._name_keys
            for position in _key_positions(key, text, lowered):
                if texts and position not in read:
                    read.add(position)
                    first = self._texts.first_at(text, lowered, position)
                    if first is not None:
                        found[position] = first
                if (
                    names
                    and position not in name_starts
                    and self._names.starts_at(text, lowered, position)
                ):
                    name_starts.add(position)
        for priority, start, end in self._number_matches(text):
            if start not in found or priority < found[start][0]:
                found[start] = (priority, end)
        spans = [
            (start, end, self._placeholders[priority], _KNOWN_RANK)
            for start, (priority, end) in sorted(found.items())
        ]
        if name_starts:
            spans.extend(self._name_spans(text, lowered, sorted(name_starts)))
        if self._sequences:
            spans.extend(self._sequence_spans(text, lowered))
        return spans

    def _number_matches(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(priority, start, end) of each known number and date in `text`."""
        if not (self._digits or self._dates) or not _DIGIT_UNIT.search(text):
            return
        # A number's digits are in a chain's, so in the text's all together: most texts with
        # digits hold none of the user's numbers, and their chains need not be read.
        text_digits = _NOT_DIGIT.sub("", text)
        numbers = [(priority, n) for priority, n in self._digits if n.digits in text_digits]
        if numbers:
            chains = [
                (chain, _NOT_DIGIT.sub("", chain[0])) for chain in _DIGIT_CHAIN.finditer(text)
            ]
            for priority, number in numbers:
                for start, end in number.spans(text, chains):
                    yield priority, start, end
        # Every way a date is written holds its year, in 2 digits at least; digits of other
        # scripts are compared as 0-9, so such texts are read whatever they hold.
        dates = [
            (priority, date)
            for priority, date in self._dates
            if date.short_year in text_digits or not text_digits.isascii()
        ]
        if dates:
            written = [
                (date.start(), date.end(3), date[1].lower(), date[2].lower(), date[3].lower())
                for date in _WRITTEN_DATE.finditer(text)
            ]
            compact = [
                (run.start(), run.end(), _ascii_digits(run[0]))
                for run in _COMPACT_DATE.finditer(text)
            ]
            for priority, known_date in dates:
                for start, end, *parts in written:
                    if known_date.written_as(*parts):
                        yield priority, start, end
                for start, end, digits in compact:
                    if digits in known_date.compact:
                        yield priority, start, end

    def _sequence_spans(self, text: str, lowered: str) -> Iterator[tuple[int, int, str, int]]:
        read: dict[_Units, list[tuple[str, int, int] | None]] = {}
        for sequence in self._sequences:
            if not sequence.may_occur(lowered):
                continue
            if sequence.kind not in read:
                read[sequence.kind] = sequence.kind.read(text, lowered)
            for start, end in sequence.spans(read[sequence.kind]):
                yield start, end, sequence.placeholder, _KNOWN_RANK

    def _name_spans(
        self, text: str, lowered: str, starts: list[int]
    ) -> Iterator[tuple[int, int, str, int]]:
        for start in starts:
            end = self._names.longest_from(text, lowered, start)
            if end is not None:
                yield start, end, NAME, _KNOWN_RANK

    def mask(self, text: str) -> str:
        """`text` with each personal span replaced by its placeholder."""
        return self.replace(text, self.find(text))

    @staticmethod
    def replace(text: str, spans: list[tuple[int, int, str]]) -> str:
        """`text` with the spans `find` gave for it replaced by their placeholders."""
        if not spans:
            return text
        parts, position = [], 0
        for start, end, placeholder in spans:
            parts.append(text[position:start])
            parts.append(placeholder)
            position = end
        parts.append(text[position:])
        return "".join(parts)
