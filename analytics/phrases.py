"""The words and phrases of user messages that Word Analysis counts.

A phrase is words as they were typed, next to each other. A message is masked first, so no
personal value can ever become a phrase: each masked span breaks the text, and a phrase never
reaches across one. What remains is cut into clauses at the punctuation that ends one
(. , ; : ! ? a line break, the Devanagari danda), and each clause into words. A word that is
not counted (an English stop word or Hinglish filler, anything with a digit, a single letter,
an overlong run) ends a phrase rather than vanishing from it: "debited but not credited" gives
"debited" and "credited", never "debited credited". The 1-, 2- and 3-word runs of the counted
words left next to each other are the message's phrases.

`phrase_pattern` goes the other way, for the messages that contain a phrase: one regular
expression, understood alike by PostgreSQL and by Python (SQLite's REGEXP in Django), that
finds the phrase's words next to each other, with only spaces or punctuation that ends no
clause between them.
"""

import re
from collections.abc import Iterable

from rules.masking import Masker

PHRASE_SIZES = (1, 2, 3)
# Longer "words" are pasted ids, links or keyboard mashing, never what a bot failed to get.
LONGEST_WORD = 40

ENGLISH_STOP_WORDS = """
a about above after again against ain all am an and any are aren aren't as at be because been
before being below between both but by can couldn couldn't d did didn didn't do does doesn
doesn't doing don don't down during each few for from further had hadn hadn't has hasn hasn't
have haven haven't having he her here hers herself him himself his how i if in into is isn isn't
it it's its itself just ll m ma me mightn mightn't more most mustn mustn't my myself needn
needn't no nor not now o of off on once only or other our ours ourselves out over own re s same
shan shan't she she's should should've shouldn shouldn't so some such t than that that'll the
their theirs them themselves then there these they this those through to too under until up ve
very was wasn wasn't we were weren weren't what when where which while who whom why will with
won won't wouldn wouldn't y you you'd you'll you're you've your yours yourself yourselves
also can't could cannot would im i'm ive i've i'd i'll get got want need like one let let's
us that's what's there's here's where's who's how's they're we're it'll
hello hey hi hii hiii ok okay okk pls plz please thanks thank thankyou thx ty yes yeah yep
"""
# The fillers of Hindi written in Latin letters, as users type to Indian bots.
HINGLISH_FILLERS = """
hai hain ho hoga hogi hona tha thi the kya kyu kyun kaise kab kahan ka ki ke ko se me mein
mai main mera meri mere mujhe mujhko muje hum hume humko tum tumhe aap aapka aapki apna apni
yeh ye woh wo vo is us isko usko nahi nahin nhi na haan han ha ji acha accha achha theek thik
bhai bhi to toh aur ya par pe kar karo karna kiya kuch abhi jaldi bas bolo batao dijiye
kijiye hua hui huye raha rahi rahe sir madam mam
"""
STOP_WORDS = frozenset((ENGLISH_STOP_WORDS + HINGLISH_FILLERS).split())

# A word: letters, digits, underscores and apostrophes inside, plus the combining marks of
# Indic scripts (as in rules.masking), so a word written in Devanagari stays one word.
_WORD_CHARS = r"\w\u0900-\u0963\u0966-\u0dff"
_WORD = re.compile(rf"[{_WORD_CHARS}]+(?:['’][{_WORD_CHARS}]+)*")


def is_counted(word):
    return (
        1 < len(word) <= LONGEST_WORD
        and word not in STOP_WORDS
        and not any(char.isdigit() for char in word)
    )


# What ends a clause, and so a phrase: a phrase is never read across a full stop or comma.
_CLAUSE_ENDS = ".,;:!?\n\r\u0964\u0965"
_CLAUSE_END = re.compile(f"[{_CLAUSE_ENDS}]")


def _tokens(text):
    return [match[0].lower().replace("’", "'") for match in _WORD.finditer(text)]


def words(text):
    """The counted words of `text`, lower-cased, in order."""
    return [word for word in _tokens(text) if is_counted(word)]


def _adjacent_runs(stretch):
    """The runs of counted words next to each other in `stretch`: any other word, and the end
    of a clause, ends a run."""
    for clause in _CLAUSE_END.split(stretch):
        run: list[str] = []
        for token in _tokens(clause):
            if is_counted(token):
                run.append(token)
            elif run:
                yield run
                run = []
        if run:
            yield run


def _runs(stretch):
    for kept in _adjacent_runs(stretch):
        for size in PHRASE_SIZES:
            for start in range(len(kept) - size + 1):
                yield size, " ".join(kept[start : start + size])


def message_phrases(text, masker: Masker):
    """The distinct (size, phrase) pairs of one message, after masking it with `masker`.

    Distinct, because Word Analysis counts the messages that contain a phrase: a user who
    types "card card card" once is one message about cards.
    """
    return phrases_around(text, masker.find(text))


def phrases_around(text, spans: Iterable[tuple[int, int, str]]):
    """`message_phrases` of a text whose personal spans (`Masker.find`) are known already."""
    phrases, position = set(), 0
    for start, end, _placeholder in spans:
        phrases.update(_runs(text[position:start]))
        position = end
    phrases.update(_runs(text[position:]))
    return phrases


def parse_phrase(value):
    """The words of a phrase given in a URL, or None when it is not one Word Analysis counts."""
    found = words(value or "")
    if not 1 <= len(found) <= PHRASE_SIZES[-1] or " ".join(found) != value.strip().lower():
        return None
    return found


_NOT_WORD = f"[^{_WORD_CHARS}]"
# Between two words of a phrase: spaces, hyphens, quotes and the like, but no word (a word
# between them would be a word the phrase skipped) and nothing that ends a clause.
_GAP = f"[^{_WORD_CHARS}{_CLAUSE_ENDS}]+"


def phrase_pattern(phrase_words):
    """A case-insensitive regular expression for texts containing the phrase."""
    body = _GAP.join(re.escape(word).replace("'", "['’]") for word in phrase_words)
    return rf"(^|{_NOT_WORD}){body}({_NOT_WORD}|$)"
