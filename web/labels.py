"""Names written for people: a key the data uses, shown as words."""

import re

_SEPARATORS = re.compile(r"[_\-\s]+")


def words_of(key: str) -> str:
    """An attribute's or entity's key as words: "date_of_birth" reads "Date of birth"."""
    spaced = _SEPARATORS.sub(" ", key).strip()
    return spaced[:1].upper() + spaced[1:]
