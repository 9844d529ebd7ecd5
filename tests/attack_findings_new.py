"""Findings of the session-28 attack that are NOT fixed: each test fails today and passes once
fixed. Not collected (the name does not start with test_); run them with
    .venv/bin/pytest tests/attack_findings_new.py -p no:cacheprovider

None is a regression of the known-value index: the masker before it (7459e10^1) leaks the same
(checked by a differential run of ~230 typed forms of known values, old vs new: 0 regressions).
They are gaps of what is known about the end user, shown in full to masked viewers and analysts.
"""

import pytest

from rules.masking import Masker, PersonalValues

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
