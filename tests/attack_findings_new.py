"""Findings of the session-28 attack that are NOT fixed: each test fails today and passes once
fixed. Not collected (the name does not start with test_); run them with
    .venv/bin/pytest tests/attack_findings_new.py -p no:cacheprovider

None is a regression of the known-value index: the masker before it (7459e10^1) leaks the same
(checked by a differential run of ~230 typed forms of known values, old vs new: 0 regressions).
They are gaps of what is known about the end user, shown in full to masked viewers and analysts.
"""

import pytest

from rules.masking import Masker, PersonalValues

DOB = (("date_of_birth", "1990-04-12"),)
EMAIL = PersonalValues(email="john.doe77@example.com")

KNOWN_VALUE_EVASIONS = {
    # Impact (medium): the identifying part of a known email, typed without its domain ("my id
    # is john.doe77", "mail john.doe77 on gmail"), shows in full. Fix: also index the local part
    # of a known email when it is distinctive (>= 5 characters holding a digit or a dot/underscore,
    # not a dictionary word), with the [email] placeholder.
    "email's local part alone": (EMAIL, "john.doe77"),
    "email's local part, dot as space": (EMAIL, "john doe77"),
    # Impact (medium): a known date of birth written as 8 digits without separators (forms,
    # OTP-style answers to "your DOB?") shows in full: _WRITTEN_DATE needs separators, and the
    # generic masker leaves 8 digits that are no phone or card. Fix: let _KnownDate also read an
    # 8-digit run (ddmmyyyy, mmddyyyy, yyyymmdd) equal to the known date.
    "date of birth, ddmmyyyy": (PersonalValues(entities=DOB), "12041990"),
    "date of birth, yyyymmdd": (PersonalValues(entities=DOB), "19900412"),
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
