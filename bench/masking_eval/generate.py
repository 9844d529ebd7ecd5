"""Builds bench/masking_eval/cases.jsonl: `python -m bench.masking_eval.generate`.

Every personal value is drawn from an outside source and written the ways people type it:

* card numbers: Faker's card types in several locales, and the valid numbers of Presidio's
  credit card tests (12-digit Maestro numbers are left out: 12 Luhn-valid digits are one
  number in ten, and as long as an Aadhaar);
* PAN and Aadhaar: python-stdnum's documented examples and Presidio's test values, and
  numbers built with python-stdnum's holder types and Verhoeff check digit, each passing
  python-stdnum's validator;
* emails: Faker in several locales, and Presidio's examples;
* phones: phonenumbers' example numbers of every region (national, international, "00" and
  E.164 forms), varied in their last digits, and Faker's numbers of several locales; each one
  valid by phonenumbers (Faker's fictional ranges, which libphonenumber rejects, are left out);
* known values (name, phone, date of birth, entities) from Faker, written in other forms than
  stored, with the `PersonalValues` of the case.

Clear negatives are texts with nothing personal in them: prices, dates, times, score lists,
ISBNs (python-stdnum), IP addresses, versions, order ids, timestamps, file names, SSH
addresses, and common words that are also the user's name parts.

Deterministic by SEED: the same libraries' versions give the same file.
"""

import datetime
import random
import unicodedata

import phonenumbers
from faker import Faker
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from stdnum import isbn, luhn, verhoeff
from stdnum.in_ import aadhaar as stdnum_aadhaar
from stdnum.in_ import pan as stdnum_pan

from bench.masking_eval import CASES_PATH, write_cases

SEED = 20261202

LOCALES = ("en_IN", "hi_IN", "en_US", "en_GB", "en_IE", "de_DE", "fr_FR", "es_ES", "it_IT",
           "pt_BR", "nl_NL", "vi_VN")  # fmt: skip

# What people put between digit groups; "mixed" draws one of the others for every gap.
SEPARATORS = {
    "space": " ",
    "dash": "-",
    "en dash": "\u2013",
    "em dash": "\u2014",
    "dot": ".",
    "slash": "/",
    "colon": ":",
    "no-break space": "\u00a0",
    "narrow no-break space": "\u202f",
    "thin space": "\u2009",
    "double space": "  ",
    "tab": "\t",
    "newline": "\n",
    "spaced dash": " - ",
}
MIXED = "mixed"

SENTENCES = (
    "{}",
    "my details: {}",
    "Sir I already shared {} yesterday, please check",
    "ok so it is {}.",
    "({}) is what I gave the agent",
    "pls update it to {} asap",
    "mera {} hai, jaldi check karo",
    "यह रहा: {} धन्यवाद",
    "Here you go:\n{}\nthanks",
    'is it "{}"?',
    "{} - that's the one",
    "you can use {}, I'm free after lunch",
    "hi team, {} is correct 🙏",
)

# Presidio's credit card tests (presidio-analyzer/tests/test_credit_card_recognizer.py): the
# ones it expects found.
PRESIDIO_CARDS = (
    "4012888888881881", "4012-8888-8888-1881", "4012 8888 8888 1881", "122000000000003",
    "371449635398431", "5555555555554444", "5019717010103742", "30569309025904",
    "6011000400000000", "3528000700000000", "6759649826438453", "4111111111111111",
    "4917300800000000", "4484070000000000",
)  # fmt: skip
# Presidio's IN_PAN and IN_AADHAAR tests and its prompt examples; PANs only where python-stdnum
# agrees the holder type exists.
PRESIDIO_PANS = ("ABCPD1234Z", "ABBPM4567S")
PRESIDIO_AADHAARS = ("312345678909", "399876543211", "3123 4567 8909", "3998-7654-3211",
                     "3123:4567:8909", "400123456787")  # fmt: skip
PRESIDIO_EMAILS = ("john.doe@example.com", "jane.smith+billing@sub.acme-corp.com")
# python-stdnum's documented valid examples (stdnum/in_/pan.py, stdnum/in_/aadhaar.py).
STDNUM_PANS = ("ACUPA7085R", "AAPPV8261K")
STDNUM_AADHAARS = ("234123412346",)

# Card groupings by length, as printed on cards and typed from them.
CARD_GROUPINGS = {
    13: ((4, 3, 3, 3), (4, 4, 5)),
    14: ((4, 6, 4),),
    15: ((4, 6, 5), (4, 4, 4, 3)),
    16: ((4, 4, 4, 4),),
    19: ((4, 4, 4, 4, 3),),
}
FAKER_CARD_TYPES = ("visa16", "visa13", "visa19", "mastercard", "amex", "discover", "diners",
                    "jcb15", "jcb16")  # fmt: skip

# Well-known Indian STD codes (trunk 0 left off) for landlines: Delhi, Mumbai, Kolkata,
# Chennai, Bengaluru, Hyderabad, Pune, Ahmedabad, Jaipur, Lucknow, Kochi, Chandigarh, Nagpur,
# Indore, Thiruvananthapuram, Coimbatore, Mysuru, Madurai.
INDIAN_STD_CODES = ("11", "22", "33", "44", "80", "40", "20", "79", "141", "522", "484", "172",
                    "712", "731", "471", "422", "821", "452")  # fmt: skip
US_EXTENSIONS = ("x{}", " x{}", " ext. {}", " ext {}", ", ext. {}", " extn {}", " Ext.{}")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
DATE_FORMATS = {
    "iso": "{y:04d}-{m:02d}-{d:02d}",
    "dmy slash": "{d:02d}/{m:02d}/{y:04d}",
    "dmy dash": "{d:02d}-{m:02d}-{y:04d}",
    "dmy dot": "{d:02d}.{m:02d}.{y:04d}",
    "dmy short": "{d}/{m}/{y:04d}",
    "dmy two-digit year": "{d:02d}/{m:02d}/{yy:02d}",
    "day month year": "{d} {month} {y:04d}",
    "ordinal day month year": "{d}{suffix} {month} {y:04d}",
    "month day, year": "{month} {d}, {y:04d}",
    "day-mon-year": "{d:02d}-{mon}-{y:04d}",
    "ymd slash": "{y:04d}/{m:02d}/{d:02d}",
}
STORED_DATE_FORMATS = ("iso", "dmy slash", "dmy dash")

# Common words that Faker's locales also list as first or last names, each in a sentence
# using it as a word; the user is named with it. "will" and "bill" are the example.
COMMON_WORD_SENTENCES = {
    "will": "I will pay the bill tomorrow",
    "bill": "the bill is wrong, I will not pay it",
    "ball": "the ball is in your court now",
    "best": "what is the best plan for me",
    "black": "the app shows a black screen",
    "case": "in that case please close the request",
    "church": "the branch is next to the church",
    "day": "it has been a day and no reply",
    "deep": "there is a deep scratch on the phone",
    "doctor": "my doctor asked for the report",
    "field": "the field is empty on the form",
    "glass": "the screen glass is broken",
    "good": "good morning, any update?",
    "green": "the light turned green after the update",
    "guy": "the delivery guy never came",
    "hope": "hope you can fix it soon",
    "house": "I was not at the house when it came",
    "key": "the key does not open the locker",
    "law": "is that even allowed by law",
    "little": "a little help here please",
    "long": "why is it taking so long",
    "may": "may I know the status",
    "more": "I need more time to pay",
    "north": "the north branch was closed",
    "page": "the page does not load",
    "power": "there was no power all day",
    "price": "the price went up again",
    "read": "I did read the terms",
    "rich": "the cake was too rich",
    "short": "the amount is short by a little",
    "small": "a small issue with my order",
    "strong": "the signal is not strong here",
    "summer": "I will travel in summer",
    "wall": "the charger is on the wall",
    "west": "I moved to the west side",
    "white": "the box was white, not blue",
    "young": "my son is too young for this plan",
    "rose": "the prices rose again this month",
    "mark": "please mark it as urgent",
    "grace": "is there a grace period for the payment",
    "joy": "no joy with the app so far",
    "king": "I want the king size bed",
}

NAME_CONTEXTS = ("my name is {}", "this is {} here", "Thanks, {}", "regards,\n{}", "I am {}")


def digits(rng, count, first="0123456789"):
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(count - 1))


def split_groups(number, lengths):
    groups, position = [], 0
    for length in lengths:
        groups.append(number[position : position + length])
        position += length
    return groups


def join_groups(rng, groups, separator_name):
    if separator_name == MIXED:
        choices = [" ", "-", ".", "\u2013", "\u00a0"]
        gaps = [rng.choice(choices) for _ in groups[1:]]
        if len(set(gaps)) == 1 and len(gaps) > 1:
            gaps[-1] = rng.choice([choice for choice in choices if choice != gaps[0]])
    else:
        gaps = [SEPARATORS[separator_name]] * (len(groups) - 1)
    return groups[0] + "".join(gap + group for gap, group in zip(gaps, groups[1:], strict=True))


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.fakers = {}
        for index, locale in enumerate(LOCALES):
            fake = Faker(locale)
            fake.seed_instance(seed + index)
            self.fakers[locale] = fake
        self.cases = []

    def faker(self, locales=LOCALES):
        return self.fakers[self.rng.choice(locales)]

    def separator(self, names=None):
        return self.rng.choice(list(names or SEPARATORS) + [MIXED])

    # --- Writing cases ---------------------------------------------------------------------

    def plant(self, kind, value, source, known=None, sentence=None, after="", form=None):
        """A case with `value` in a sentence; `after` follows the value unlabelled (as the
        extension of a phone number). `form` tells how the value is written."""
        before, rest = (sentence or self.rng.choice(SENTENCES)).split("{}")
        text = before + value + after + rest
        case = {"kind": kind, "text": text, "spans": [[len(before), len(before + value), kind]]}
        if form:
            case["form"] = form
        if known:
            case["known"] = known
        case["source"] = source
        self.cases.append(case)

    def negative(self, kind, text, source, known=None):
        case = {"kind": "negative: " + kind, "text": text, "spans": []}
        if known:
            case["known"] = known
        case["source"] = source
        self.cases.append(case)

    # --- Generic kinds ---------------------------------------------------------------------

    def card_numbers(self, count):
        pool = [(number, "Presidio's credit card tests") for number in PRESIDIO_CARDS]
        while len(pool) < count:
            card_type = self.rng.choice(FAKER_CARD_TYPES)
            fake = self.faker()
            pool.append((fake.credit_card_number(card_type=card_type), f"Faker {card_type}"))
        for number, source in pool:
            plain = "".join(char for char in number if char.isdigit())
            assert luhn.is_valid(plain), number
            if plain != number:  # Presidio's own grouping, kept as written
                self.plant("card number", number, source)
                continue
            separator = "unbroken" if self.rng.random() < 0.12 else self.separator()
            grouping = self.rng.choice(CARD_GROUPINGS[len(plain)])
            if separator == "unbroken":
                written = plain
            else:
                written = join_groups(self.rng, split_groups(plain, grouping), separator)
            form = f"{separator}, {'-'.join(map(str, grouping))}"
            self.plant("card number", written, source, form=form)

    def pans(self, count):
        pool = [(value, "python-stdnum's examples") for value in STDNUM_PANS]
        pool += [(value, "Presidio's IN_PAN tests") for value in PRESIDIO_PANS]
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        holder_types = sorted(stdnum_pan._pan_holder_types)
        while len(pool) < count:
            value = (
                "".join(self.rng.choice(letters) for _ in range(3))
                + self.rng.choice(holder_types)
                + self.rng.choice(letters)
                + digits(self.rng, 4, "123456789")
                + self.rng.choice(letters)
            )
            pool.append((value, "built on python-stdnum's holder types"))
        for value, source in pool:
            assert stdnum_pan.is_valid(value), value
            form = self.rng.choices(
                ("upper", "lower", "title", "spaced", "spaced lower", "dashed"),
                weights=(35, 25, 10, 15, 8, 7),
            )[0]
            written = {
                "upper": value,
                "lower": value.lower(),
                "title": value.title(),
                "spaced": f"{value[:5]} {value[5:9]} {value[9]}",
                "spaced lower": f"{value[:5]} {value[5:9]} {value[9]}".lower(),
                "dashed": f"{value[:5]}-{value[5:9]}-{value[9]}",
            }[form]
            self.plant("PAN", written, source, form=form)

    def aadhaars(self, count):
        pool = [(value, "python-stdnum's examples") for value in STDNUM_AADHAARS]
        pool += [(value, "Presidio's IN_AADHAAR tests") for value in PRESIDIO_AADHAARS]
        while len(pool) < count:
            payload = digits(self.rng, 11, "23456789")
            value = payload + verhoeff.calc_check_digit(payload)
            if stdnum_aadhaar.is_valid(value):
                pool.append((value, "built with python-stdnum's Verhoeff check digit"))
        for value, source in pool:
            plain = "".join(char for char in value if char.isdigit())
            assert stdnum_aadhaar.is_valid(plain), value
            if plain != value or self.rng.random() < 0.15:
                self.plant("Aadhaar", value, source)
            else:
                groups, separator = split_groups(plain, (4, 4, 4)), self.separator()
                written = join_groups(self.rng, groups, separator)
                self.plant("Aadhaar", written, source, form=separator)

    def emails(self, count):
        for value in PRESIDIO_EMAILS:
            self.plant("email", value, "Presidio's examples")
        for _ in range(count - len(PRESIDIO_EMAILS)):
            fake = self.faker()
            make = self.rng.choice((fake.email, fake.free_email, fake.company_email))
            self.plant("email", make(), f"Faker {fake.locales[0]}")

    # --- Phones ----------------------------------------------------------------------------

    def valid_variant(self, example, tries=20):
        """`example` with its last two digits changed, still valid (or `example` itself)."""
        national = str(example.national_number)
        for _ in range(tries):
            candidate = phonenumbers.PhoneNumber(
                country_code=example.country_code,
                national_number=int(national[:-2] + digits(self.rng, 2)),
                italian_leading_zero=example.italian_leading_zero,
            )
            if phonenumbers.is_valid_number(candidate):
                return candidate
        return example

    def respaced(self, formatted, names=None):
        """A formatted number with its spaces and dashes replaced by another separator."""
        separator = self.separator(names)
        parts = formatted.replace("-", " ").split(" ")
        if len(parts) == 1:
            return formatted
        return join_groups(self.rng, parts, separator)

    def render_international(self, number):
        international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        form = self.rng.choice(("international", "e164", "00", "respaced", "respaced"))
        if form == "international":
            return international
        if form == "e164":
            return e164
        if form == "00":
            return "00" + international[1:]
        return self.respaced(international, PHONE_SEPARATORS)

    def faker_numbers(self, locales, region, wanted_types):
        """Faker's phone numbers of these locales that phonenumbers finds valid, as written."""
        found = []
        for locale in locales:
            fake = self.fakers[locale]
            for _ in range(400):
                written = fake.phone_number()
                try:
                    number = phonenumbers.parse(written, region)
                except phonenumbers.NumberParseException:
                    continue
                if (
                    phonenumbers.is_valid_number(number)
                    and phonenumbers.number_type(number) in wanted_types
                ):
                    found.append((written, number, f"Faker {locale}"))
        return found

    def indian_mobiles(self, count):
        mobile_types = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
        faker_found = self.faker_numbers(("en_IN", "hi_IN"), "IN", mobile_types)
        self.rng.shuffle(faker_found)
        for written, _number, source in faker_found[: count // 3]:
            self.plant("phone: Indian mobile", written, source)
        example = phonenumbers.example_number_for_type("IN", PhoneNumberType.MOBILE)
        for _ in range(count - min(len(faker_found), count // 3)):
            number = self.valid_variant(example)
            ten = str(number.national_number)
            form = self.rng.choice(
                ("plain", "0", "91", "+91", "+91 ", "0091 ", "(+91) ", "intl", "national")
            )
            if form == "intl":
                written = self.render_international(number)
            elif form == "national":
                written = self.respaced(
                    phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
                    PHONE_SEPARATORS,
                )
            else:
                grouping = self.rng.choice(((10,), (5, 5), (3, 3, 4), (4, 3, 3)))
                body = join_groups(
                    self.rng, split_groups(ten, grouping), self.separator(PHONE_SEPARATORS)
                )
                written = ("" if form == "plain" else form) + body
            self.plant("phone: Indian mobile", written, "phonenumbers' IN example, varied")

    def indian_landlines(self, count):
        fixed = (PhoneNumberType.FIXED_LINE,)
        faker_found = self.faker_numbers(("en_IN", "hi_IN"), "IN", fixed)
        self.rng.shuffle(faker_found)
        for written, _number, source in faker_found[: count // 4]:
            self.plant("phone: Indian landline", written, source)
        planted = min(len(faker_found), count // 4)
        while planted < count:
            code = self.rng.choice(INDIAN_STD_CODES)
            subscriber = digits(self.rng, 10 - len(code), "2345")
            number = phonenumbers.parse("0" + code + subscriber, "IN")
            if not phonenumbers.is_valid_number(number):
                continue
            split = len(subscriber) // 2
            head, tail = subscriber[:split], subscriber[split:]
            separator = SEPARATORS[self.rng.choice(PHONE_SEPARATORS)]
            written = self.rng.choice(
                (
                    f"0{code}-{head}-{tail}",
                    f"(0{code}) {head}-{tail}",
                    f"0{code} {subscriber}",
                    f"0{code}{separator}{head}{separator}{tail}",
                    f"+91 {code} {head} {tail}",
                    f"+91-{code}-{subscriber}",
                    f"0091 {code} {subscriber}",
                    f"0{code}{subscriber}",
                    phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
                    self.render_international(number),
                )
            )
            self.plant("phone: Indian landline", written, "STD codes, valid by phonenumbers")
            planted += 1

    def us_numbers(self, count):
        us_types = (PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.FIXED_LINE)
        faker_found = self.faker_numbers(("en_US",), "US", us_types)
        self.rng.shuffle(faker_found)
        for written, number, source in faker_found[: count // 2]:
            # Faker writes extensions as "x123": the number is the personal part.
            extension = f"x{number.extension}" if number.extension else ""
            if extension and written.endswith(extension):
                self.plant("phone: US", written[: -len(extension)], source, after=extension)
            else:
                self.plant("phone: US", written, source)
        example = phonenumbers.example_number_for_type("US", PhoneNumberType.FIXED_LINE)
        for _ in range(count - min(len(faker_found), count // 2)):
            number = self.valid_variant(example)
            ten = str(number.national_number)
            area, exchange, line = ten[:3], ten[3:6], ten[6:]
            written = self.rng.choice(
                (
                    f"({area}) {exchange}-{line}",
                    f"{area}-{exchange}-{line}",
                    f"{area}.{exchange}.{line}",
                    ten,
                    f"+1 {area} {exchange} {line}",
                    f"1-{area}-{exchange}-{line}",
                    f"001 {area} {exchange} {line}",
                    f"+1 ({area}) {exchange}-{line}",
                    self.respaced(f"{area} {exchange} {line}", PHONE_SEPARATORS),
                )
            )
            after = ""
            if self.rng.random() < 0.2:
                after = self.rng.choice(US_EXTENSIONS).format(digits(self.rng, 3))
            self.plant("phone: US", written, "phonenumbers' US example, varied", after=after)

    def foreign_examples(self):
        """phonenumbers' fixed-line and mobile examples of every region but India and the
        North American plan, a few valid variants of each."""
        examples = []
        for region in sorted(phonenumbers.SUPPORTED_REGIONS):
            for number_type in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
                example = phonenumbers.example_number_for_type(region, number_type)
                if example is None or example.country_code in (1, 91):
                    continue
                examples.append((region, example))
        return examples

    def international_numbers(self, count):
        examples = self.foreign_examples()
        for index in range(count):
            region, example = examples[index % len(examples)]
            number = self.valid_variant(example)
            self.plant(
                "phone: international",
                self.render_international(number),
                f"phonenumbers' {region} example, varied",
            )

    def national_numbers(self, count, bare_count):
        """Foreign numbers written nationally. Those whose national form starts with a trunk
        0 or a bracket are told apart from other numbers by that; the others are a kind of
        their own: a bare "612 34 56 78" is as much an order number as a phone number."""
        marked, bare = [], []
        for region, example in self.foreign_examples():
            national = phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)
            (marked if national.startswith(("0", "(")) else bare).append((region, example))
        for kind, pool, wanted in (
            ("phone: foreign national", marked, count),
            ("phone: foreign national, no trunk prefix", bare, bare_count),
        ):
            for index in range(wanted):
                region, example = pool[index % len(pool)]
                number = self.valid_variant(example)
                national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
                if self.rng.random() < 0.4:
                    national = self.respaced(national, PHONE_SEPARATORS)
                self.plant(kind, national, f"phonenumbers' {region} example, varied")
        faker_locales = {"en_GB": "GB", "de_DE": "DE", "fr_FR": "FR", "nl_NL": "NL", "it_IT": "IT"}
        found = []
        for locale, region in faker_locales.items():
            for written, _number, source in self.faker_numbers((locale,), region, ALL_TYPES):
                if not written.startswith(("+", "00")):
                    found.append((written, source))
        self.rng.shuffle(found)
        for written, source in found[: count // 5]:
            kind = "phone: foreign national"
            if not written.startswith(("0", "(")):
                kind += ", no trunk prefix"
            self.plant(kind, written, source)

    # --- Known values ----------------------------------------------------------------------

    def person(self, locales=LOCALES):
        fake = self.faker(locales)
        return fake.first_name(), fake.last_name(), fake.locales[0]

    def names(self, count):
        forms = ("full", "first", "last", "lower", "upper", "glued", "joined", "camel",
                 "apostrophe", "accents stripped", "decomposed", "two-letter")  # fmt: skip
        planted = 0
        while planted < count:
            form = forms[planted % len(forms)]
            locales = LOCALES
            if form == "apostrophe":
                locales = ("en_GB", "en_IE", "en_IN")
            elif form in ("accents stripped", "decomposed"):
                locales = ("de_DE", "fr_FR", "es_ES", "pt_BR", "vi_VN")
            elif form == "two-letter":
                locales = ("en_US", "en_IN", "vi_VN")
            first, last, locale = self.person(locales)
            name = f"{first} {last}"
            sentence = None
            if form == "full":
                written = name
            elif form == "first":
                written = first
            elif form == "last":
                written = last
            elif form == "lower":
                written = name.lower()
            elif form == "upper":
                written = name.upper()
            elif form == "glued":
                written = (first + last).lower()
            elif form == "joined":
                written = self.rng.choice(("_", ".", "-")).join((first, last)).lower()
            elif form == "camel":
                written = first + last.replace(" ", "")
            elif form == "apostrophe":
                if "'" not in name and "\u2019" not in name:
                    continue
                # Stored with one apostrophe, typed with the other.
                straight, curly = "'", "\u2019"
                written = (
                    name.replace(straight, curly)
                    if straight in name
                    else name.replace(curly, straight)
                )
            elif form == "accents stripped":
                if name.isascii():
                    continue
                written = strip_accents(name)
                if written == name:
                    continue
            elif form == "decomposed":
                written = unicodedata.normalize("NFD", name)
                if written == name:
                    continue
            else:
                short = [part for part in (first, last) if len(part) == 2]
                if not short:
                    continue
                written = short[0]
                sentence = self.rng.choice(NAME_CONTEXTS + ("{} here", "ok {} will call"))
            if len(written.replace(" ", "")) < 2:
                continue
            self.plant("name", written, f"Faker {locale}", {"name": name}, sentence, form=form)
            planted += 1

    def known_phones(self, count):
        pool = []
        for locale, region in (("en_IN", "IN"), ("en_US", "US"), ("en_GB", "GB"), ("de_DE", "DE")):
            pool += self.faker_numbers((locale,), region, ALL_TYPES)
        self.rng.shuffle(pool)
        for stored, number, source in pool[:count]:
            if number.extension:
                continue
            national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
            international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
            e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
            written = self.rng.choice(
                (
                    e164[1:],
                    "".join(char for char in national if char.isdigit()),
                    str(number.national_number),
                    e164,
                    self.respaced(international, PHONE_SEPARATORS),
                )
            )
            if written == stored:
                written = e164[1:]
            first, last, _ = self.person()
            known = {"name": f"{first} {last}", "phone": stored}
            self.plant("known phone, typed otherwise", written, source, known)

    def dates_of_birth(self, count):
        for _ in range(count):
            fake = self.faker()
            born = fake.date_of_birth(minimum_age=18, maximum_age=90)
            stored_format = self.rng.choice(STORED_DATE_FORMATS)
            typed_format = self.rng.choice([name for name in DATE_FORMATS if name != stored_format])
            stored = format_date(born, stored_format)
            written = format_date(born, typed_format)
            if written == stored:
                continue
            known = {"entities": [["date_of_birth", stored]]}
            sentence = self.rng.choice(
                ("my dob is {}", "DOB: {}", "born on {}", "date of birth {} pls update", "{}")
            )
            self.plant(
                "known date of birth, other format",
                written,
                f"Faker date_of_birth, stored {stored_format}, typed {typed_format}",
                known,
                sentence,
            )

    def numeric_entities(self, count):
        """Entity values that arrive as JSON numbers, as an import gives them."""
        for index in range(count):
            entity = ("pincode", "customer_id", "policy_number")[index % 3]
            if entity == "pincode":
                value = int(self.faker(("en_IN",)).postcode())
                written = self.rng.choice((str(value), f"{str(value)[:3]} {str(value)[3:]}"))
            elif entity == "customer_id":
                value = int(digits(self.rng, self.rng.randint(6, 9), "123456789"))
                written = str(value)
            else:
                written = digits(self.rng, 8, "123456789")
                value = float(written)  # a JSON number that went through a float
            known = {"entities": [[entity, value]]}
            sentence = self.rng.choice(("my {} pls check", "it is {}", "{} is mine"))
            self.plant("known entity, JSON number", written, "Faker and digits", known, sentence)

    # --- Clear negatives -------------------------------------------------------------------

    def negatives(self, each):
        rng = self.rng
        for _ in range(each):
            amount = rng.randint(100, 9_999_999)
            self.negative(
                "price",
                rng.choice(
                    (
                        f"Rs. {amount:,}.00 was debited",
                        f"I paid ₹{indian_grouping(amount)} last week",
                        f"the plan costs ${amount / 100:,.2f} per month",
                        f"EUR {amount / 100:,.2f}".replace(",", " ") + " is too much",
                        f"refund of INR {amount:,} pending since 3 days",
                        f"price {amount // 100:,} - {amount // 50:,} rupees",
                    )
                ),
                "prices",
            )
            day = self.faker().date_between(start_date="-5y", end_date="+1y")
            time = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
            self.negative(
                "date or time",
                rng.choice(
                    (
                        f"on {day:%d/%m/%Y} at {time}",
                        f"delivered {day:%Y-%m-%d} {time}:{rng.randint(0, 59):02d}",
                        f"from {day:%d.%m.%Y} {time} to {day:%d.%m.%Y} {time}",
                        f"booked for {day:%d-%m-%Y}, {time} slot",
                        f"{day:%d/%m/%Y} – {day + datetime.timedelta(days=9):%d/%m/%Y}",
                        f"timestamp {day:%Y-%m-%d}T{time}:00Z",
                        f"open {time}–{rng.randint(12, 23)}:{rng.randint(0, 59):02d} daily",
                        f"{day:%d %B %Y} {time}",
                        f"{day:%m/%d/%Y} {rng.randint(1, 12)}:{rng.randint(0, 59):02d} PM",
                    )
                ),
                "dates and times",
            )
            scores = [str(rng.randint(10, 99)) for _ in range(rng.randint(5, 10))]
            self.negative(
                "score list",
                rng.choice(
                    (
                        "scores " + " ".join(scores),
                        "marks: " + ", ".join(scores),
                        "last games " + " - ".join(scores),
                        "ratings " + "/".join(scores),
                        "innings " + " ".join(str(rng.randint(0, 150)) for _ in range(8)),
                    )
                ),
                "score lists",
            )
            payload = "978" + digits(rng, 9)
            isbn13 = payload + ean_check_digit(payload)
            assert isbn.is_valid(isbn13)
            self.negative(
                "ISBN",
                rng.choice(
                    (
                        f"ISBN {isbn.format(isbn13)}",
                        f"ISBN-13: {isbn13}",
                        f"the book {isbn13} is out of stock",
                        f"isbn {isbn.to_isbn10(isbn13)}",
                    )
                ),
                "python-stdnum ISBNs",
            )
            octets = [rng.randint(1, 254) for _ in range(4)]
            ip = ".".join(map(str, octets))
            self.negative(
                "IP address",
                rng.choice(
                    (
                        f"server {ip} is down",
                        f"ping {ip}:{rng.randint(1024, 65535)}",
                        f"my IP is {ip}",
                        f"allow {ip}/24 in the firewall",
                    )
                ),
                "IPv4 addresses",
            )
            version = f"{rng.randint(0, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}"
            self.negative(
                "version",
                rng.choice(
                    (
                        f"install pkg@{version}",
                        f"app version v{version} crashes",
                        f"Windows 10.0.{rng.randint(10000, 22999)}.{rng.randint(1000, 9999)}",
                        f"npm i left-pad@{version} fixed it",
                        f"build {version}.{rng.randint(1000, 9999)}",
                    )
                ),
                "versions",
            )
            self.negative(
                "order id",
                rng.choice(
                    (
                        f"order {digits(rng, 3, '1234')}-{digits(rng, 7)}-{digits(rng, 7)}",
                        f"my order #{digits(rng, 3, '1234')}-{digits(rng, 7)}-{digits(rng, 7)}"
                        " has not arrived",
                        f"OD{digits(rng, 18)} still not shipped",
                        f"ticket INC{digits(rng, 7)} raised",
                    )
                ),
                "order ids",
            )
            moment = datetime.datetime(2015, 1, 1) + datetime.timedelta(
                seconds=rng.randint(0, 15 * 365 * 86400)
            )
            epoch = int(moment.replace(tzinfo=datetime.UTC).timestamp())
            self.negative(
                "timestamp",
                rng.choice(
                    (
                        f"ts={epoch}{digits(rng, 3)}",
                        f"error at {epoch}{digits(rng, 3)} ms",
                        f"created_at: {epoch}{digits(rng, 3)}",
                    )
                ),
                "millisecond timestamps",
            )
            word = self.faker(("en_US",)).word()
            self.negative(
                "file or SSH address",
                rng.choice(
                    (
                        f"the {word}@2x.png looks blurry",
                        f"upload icon@{rng.randint(2, 3)}x.jpg again",
                        f"git clone git@github.com:{word}/{word}-app.git",
                        f"push to git@gitlab.com:team/{word}.git failed",
                        f"banner-{word}@3x.webp is missing",
                    )
                ),
                "file names and SSH addresses",
            )
            common = rng.choice(sorted(COMMON_WORD_SENTENCES))
            first, last, _locale = self.person(("en_US", "en_GB"))
            name = rng.choice((f"{common.title()} {last}", f"{first} {common.title()}"))
            if common in ("will", "bill"):
                name = "Will Bill"
            self.negative(
                "common word in the name",
                COMMON_WORD_SENTENCES[common],
                "common words among Faker's names",
                {"name": name},
            )


PHONE_SEPARATORS = tuple(name for name in SEPARATORS if name != "colon")
ALL_TYPES = tuple(
    number_type
    for number_type in vars(PhoneNumberType).values()
    if isinstance(number_type, int) and number_type != PhoneNumberType.UNKNOWN
)


def ean_check_digit(payload):
    total = sum(int(char) * (3 if index % 2 else 1) for index, char in enumerate(payload))
    return str(-total % 10)


def indian_grouping(amount):
    text = str(amount)
    head, tail = text[:-3], text[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join(([head] if head else []) + groups + [tail])


def strip_accents(text):
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.translate(str.maketrans("ĐđØøŁł", "DdOoLl")).replace("ß", "ss")


def format_date(day, format_name):
    suffix = "th" if 11 <= day.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return DATE_FORMATS[format_name].format(
        y=day.year,
        yy=day.year % 100,
        m=day.month,
        d=day.day,
        month=MONTHS[day.month - 1],
        mon=MONTHS[day.month - 1][:3],
        suffix=suffix,
    )


def generate(seed=SEED):
    generator = Generator(seed)
    generator.card_numbers(420)
    generator.pans(260)
    generator.aadhaars(360)
    generator.emails(300)
    generator.indian_mobiles(330)
    generator.indian_landlines(300)
    generator.us_numbers(300)
    generator.international_numbers(330)
    generator.national_numbers(330, 120)
    generator.names(420)
    generator.known_phones(150)
    generator.dates_of_birth(150)
    generator.numeric_entities(90)
    generator.negatives(130)
    return generator.cases


def main():
    write_cases("Writes the masking evaluation set.", generate, SEED, CASES_PATH)


if __name__ == "__main__":
    main()
