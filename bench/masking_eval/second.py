"""A second, independent evaluation set for the masker: `python -m bench.masking_eval.second`.

The first set (generate.py) draws from Faker, python-stdnum's examples, phonenumbers' example
numbers and Presidio's test values, written in tidy sentences. This one shares none of them:

* names, emails and phone numbers from mimesis, in locales Faker's set does not use (Russian,
  Ukrainian, Kazakh, Polish, Turkish, Japanese, Korean, Greek, Czech, Swedish, ...), each phone
  number kept only if libphonenumber finds it valid;
* card numbers built here from the networks' issuer ranges and lengths: Visa, Mastercard (2-
  and 5-series), Amex, Diners, JCB, Discover, UnionPay, RuPay and Maestro of 12 to 19 digits;
* PAN and Aadhaar numbers built here from their rules (holder types, Verhoeff check digit);
* Indian mobile numbers built from the 6-9 series;
* chat typing: lower case, words run together, typos in the words around a value, Hindi typed
  in Latin letters ("mera number … hai", "card ka number"), emails written to dodge filters
  ("(at)", "[at] … [dot]", "at … dot", "&#64;", "at the rate"), and numbers written as at
  home after a phone word ("8 029 491-10-24", "(012) 312 38 79", "70 123 44 32").

Clear negatives are what a support chat is full of and what must stay readable: order ids with
separators, GST invoice numbers, OTPs, courier tracking numbers, digits in links, 12-digit
numbers failing Verhoeff, amounts, dates and times.

Seeds. TUNING_SEED (2312061) is the one looked at while tuning the masker. HELD_OUT_SEED
(2312062) is the one reported in bench/RESULTS.md: its misses were not looked at before the
report. A fix made after looking at a held-out seed's misses turns that seed into a tuning one,
and the report moves to a fresh seed; bench/RESULTS.md says which seeds were which.

`python -m bench.masking_eval.second --seed N --out PATH` writes a set; `python -m
bench.masking_eval` measures both sets side by side.
"""

import random
import string

import phonenumbers
from mimesis import Locale, Person
from phonenumbers import PhoneNumberFormat
from stdnum import luhn, verhoeff

from bench.masking_eval import SECOND_PATH, write_cases

TUNING_SEED = 2312061
HELD_OUT_SEED = 2312062

# mimesis locale and the region its phone numbers are in.
LOCALES = {
    Locale.RU: "RU", Locale.UK: "UA", Locale.KK: "KZ", Locale.PL: "PL", Locale.TR: "TR",
    Locale.JA: "JP", Locale.KO: "KR", Locale.EL: "GR", Locale.CS: "CZ", Locale.SV: "SE",
    Locale.DA: "DK", Locale.FI: "FI", Locale.HU: "HU", Locale.NO: "NO", Locale.PT: "PT",
    Locale.DE_AT: "AT", Locale.DE_CH: "CH", Locale.EN_AU: "AU", Locale.EN_CA: "CA",
    Locale.ES_MX: "MX", Locale.AR_AE: "AE", Locale.AR_EG: "EG", Locale.NL_BE: "BE",
    Locale.SK: "SK", Locale.HR: "HR", Locale.ET: "EE", Locale.AZ: "AZ", Locale.FA: "IR",
}  # fmt: skip

# (network, prefixes, lengths): the issuer ranges of ISO/IEC 7812 as the networks publish them.
CARD_NETWORKS = (
    ("Visa", ("4",), (13, 16, 19)),
    ("Mastercard", ("51", "52", "53", "54", "55", "2221", "2500", "2720"), (16,)),
    ("Amex", ("34", "37"), (15,)),
    ("Diners", ("300", "305", "36", "38"), (14,)),
    ("JCB", ("3528", "3589"), (16, 19)),
    ("Discover", ("6011", "644", "65"), (16, 19)),
    ("UnionPay", ("62",), (16, 17, 18, 19)),
    ("RuPay", ("60", "65", "81", "82", "508"), (16,)),
    ("Maestro", ("5018", "5020", "5038", "5893", "6304", "6759", "6761", "6763"), range(12, 20)),
)

CARD_WORDS = ("card", "card no", "card number", "debit card", "credit card", "my card",
              "mera card", "card ka number", "kaard", "atm card", "maestro", "rupay card",
              "visa", "mastercard", "cc", "debit card no.", "card details:")  # fmt: skip
PHONE_WORDS = ("call me at", "phone", "mobile", "whatsapp", "contact", "number", "mera number",
               "call karo", "my number is", "ph:", "mob no", "contact no.", "whatsapp me on",
               "reach me on", "phone number:", "yeh mera number hai")  # fmt: skip
HINGLISH = ("{} hai", "bhai {} pe bhej do", "{} check karo please", "ye raha {}",
            "sir {} hai mera", "{} ok?", "haan {} sahi hai", "{} pe call karna")  # fmt: skip
PLAIN = ("{}", "here: {}", "it's {} thanks", "{} pls check", "send to {}", "sent {}",
         "{}\nthanks", "pls note {} and revert")  # fmt: skip
TYPOS = {"please": "plz", "number": "numbr", "thanks": "thx", "check": "chk", "sir": "sirr"}


def luhn_number(rng, prefix, length):
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return body + luhn.calc_check_digit(body)


class Builder:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.people = {
            locale: Person(locale, seed=seed + index) for index, locale in enumerate(LOCALES)
        }
        self.cases = []

    # --- Writing cases ---------------------------------------------------------------------

    def typed(self, text):
        """Chat habits on the words around a value: lower case, typos."""
        if self.rng.random() < 0.3:
            text = text.lower()
        if self.rng.random() < 0.2:
            for word, typo in TYPOS.items():
                text = text.replace(word, typo)
        return text

    def plant(self, kind, value, before="", templates=PLAIN, form=""):
        template = self.typed(self.rng.choice(templates))
        head, tail = template.split("{}")
        if before:
            glue = "" if self.rng.random() < 0.1 else self.rng.choice((" ", ": ", " - ", " "))
            head = head + self.typed(before) + glue
        text = head + value + tail
        self.cases.append(
            {
                "kind": kind,
                "text": text,
                "spans": [[len(head), len(head) + len(value), kind]],
                "form": form,
                "source": "bench/masking_eval/second.py",
            }
        )

    def negative(self, kind, text):
        self.cases.append(
            {
                "kind": "negative: " + kind,
                "text": text,
                "spans": [],
                "source": "bench/masking_eval/second.py",
            }
        )

    def grouped(self, digits, lengths, separator):
        groups, position = [], 0
        for length in lengths:
            groups.append(digits[position : position + length])
            position += length
        if position < len(digits):
            groups.append(digits[position:])
        return separator.join(group for group in groups if group)

    # --- Planted values --------------------------------------------------------------------

    def cards(self, count):
        rng = self.rng
        for _ in range(count):
            network, prefixes, lengths = rng.choice(CARD_NETWORKS)
            number = luhn_number(rng, rng.choice(prefixes), rng.choice(tuple(lengths)))
            separator = rng.choice(("", " ", " ", "-", "  ", "."))
            written = (
                self.grouped(number, [4] * 5, separator) if separator and len(number) > 12
                else self.grouped(number, [4, 4, 4], separator) if separator else number
            )  # fmt: skip
            # A 12-digit Maestro is as long as an Aadhaar: people say it is a card.
            said = len(number) == 12 or rng.random() < 0.6
            before = rng.choice(CARD_WORDS) if said else ""
            templates = HINGLISH if rng.random() < 0.4 else PLAIN
            self.plant("card number", written, before, templates, f"{network} {len(number)}")

    def pans(self, count):
        rng = self.rng
        for _ in range(count):
            pan = (
                "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
                + rng.choice("PCHFATBLJG")
                + rng.choice(string.ascii_uppercase)
                + "".join(rng.choice(string.digits) for _ in range(4))
                + rng.choice(string.ascii_uppercase)
            )
            form = rng.choice(("plain", "lower", "spaced", "dashed"))
            written = {
                "plain": pan,
                "lower": pan.lower(),
                "spaced": f"{pan[:5]} {pan[5:9]} {pan[9]}",
                "dashed": f"{pan[:5]}-{pan[5:9]}-{pan[9]}",
            }[form]
            before = rng.choice(("pan", "PAN no", "pan card", "mera pan", "", "PAN:"))
            self.plant("PAN", written, before, rng.choice((PLAIN, HINGLISH)), form)

    def aadhaars(self, count):
        rng = self.rng
        for _ in range(count):
            body = rng.choice("23456789") + "".join(rng.choice(string.digits) for _ in range(10))
            number = body + verhoeff.calc_check_digit(body)
            separator = rng.choice(("", " ", "-", " ", "  "))
            written = self.grouped(number, [4, 4, 4], separator) if separator else number
            before = rng.choice(("aadhaar", "aadhar no", "adhar card", "UID", "", "my aadhaar"))
            self.plant("Aadhaar", written, before, rng.choice((PLAIN, HINGLISH)))

    def emails(self, count):
        rng = self.rng
        for index in range(count):
            person = self.people[rng.choice(list(LOCALES))]
            address = person.email()
            local, domain = address.split("@")
            labels = domain.split(".")
            form = "plain" if index % 5 < 3 else rng.choice(
                ("(at)", "[at] [dot]", "at dot", "&#64;", "spaced @", "{at}", "AT", "at the rate")
            )  # fmt: skip
            written = {
                "plain": address,
                "(at)": f"{local}(at){domain}",
                "[at] [dot]": f"{local} [at] {' [dot] '.join(labels)}",
                "at dot": f"{local} at {' dot '.join(labels)}",
                "&#64;": f"{local}&#64;{domain}",
                "spaced @": f"{local} @ {domain}",
                "{at}": f"{local}{{at}}{domain}",
                "AT": f"{local} AT {' DOT '.join(labels)}",
                "at the rate": f"{local} at the rate {domain}",
            }[form]
            if rng.random() < 0.3:
                written = written.lower()
            before = rng.choice(("mail me at", "email:", "my mail id", "mera email", ""))
            self.plant("email", written, before, form=form)

    def indian_mobiles(self, count):
        rng = self.rng
        for _ in range(count):
            number = rng.choice("6789") + "".join(rng.choice(string.digits) for _ in range(9))
            form = rng.choice(("plain", "5-5", "3-3-4", "+91", "+91 5-5", "0", "91", "dashed"))
            written = {
                "plain": number,
                "5-5": f"{number[:5]} {number[5:]}",
                "3-3-4": f"{number[:3]} {number[3:6]} {number[6:]}",
                "+91": f"+91{number}",
                "+91 5-5": f"+91 {number[:5]} {number[5:]}",
                "0": f"0{number}",
                "91": f"91{number}",
                "dashed": f"{number[:5]}-{number[5:]}",
            }[form]
            before = rng.choice(PHONE_WORDS) if rng.random() < 0.5 else ""
            self.plant("phone: Indian mobile", written, before, rng.choice((PLAIN, HINGLISH)), form)

    def valid_numbers(self, count):
        """(region, number) of mimesis' phone numbers that libphonenumber finds valid."""
        found: list[tuple[str, phonenumbers.PhoneNumber]] = []
        tries = 0
        while len(found) < count and tries < count * 50:
            tries += 1
            locale = self.rng.choice(list(LOCALES))
            region = LOCALES[locale]
            try:
                number = phonenumbers.parse(self.people[locale].phone_number(), region)
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(number):
                found.append((region, number))
        return found

    def international_phones(self, count):
        rng = self.rng
        for region, number in self.valid_numbers(count):
            form = rng.choice(("international", "e164", "00", "dashed"))
            formatted = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
            written = {
                "international": formatted,
                "e164": phonenumbers.format_number(number, PhoneNumberFormat.E164),
                "00": "00" + formatted[1:],
                "dashed": formatted.replace(" ", "-"),
            }[form]
            before = rng.choice(PHONE_WORDS) if rng.random() < 0.5 else ""
            self.plant("phone: international", written, before, form=f"{region} {form}")

    def national_phones(self, count):
        """Foreign numbers written as at home, after a phone word."""
        rng = self.rng
        for region, number in self.valid_numbers(count):
            national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
            digits = "".join(char for char in national if char.isdigit())
            form = rng.choice(("national", "pairs", "fours", "unbroken"))
            written = {
                "national": national,
                "pairs": self.grouped(digits, [len(digits) % 2 + 2] + [2] * 10, " "),
                "fours": self.grouped(digits, [4] * 5, " "),
                "unbroken": digits,
            }[form]
            templates = HINGLISH if rng.random() < 0.3 else PLAIN
            self.plant(
                "phone: foreign national after a phone word",
                written,
                rng.choice(PHONE_WORDS),
                templates,
                f"{region} {form}",
            )

    # --- Clear negatives -------------------------------------------------------------------

    def digits(self, count, first=string.digits):
        return self.rng.choice(first) + "".join(
            self.rng.choice(string.digits) for _ in range(count - 1)
        )

    def negatives(self, each):
        rng = self.rng
        for _ in range(each):
            self.negative(
                "order id",
                rng.choice(
                    (
                        f"order #{self.digits(3)}-{self.digits(7)}-{self.digits(7)}",
                        f"#{self.digits(3)}-{self.digits(7)}-{self.digits(7)} not delivered",
                        f"order id {self.digits(10)} cancel karo",
                        f"my order no. {self.digits(12)} status?",
                        f"ord {self.digits(4)}-{self.digits(4)}-{self.digits(4)} refund",
                    )
                ),
            )
            year = rng.randint(2019, 2026)
            self.negative(
                "GST invoice number",
                rng.choice(
                    (
                        f"GST/{self.digits(4)}/{self.digits(6)}",
                        f"invoice GST/{year}-{(year + 1) % 100}/{self.digits(6)} attached",
                        f"inv no INV/{year}/{self.digits(8)}",
                        f"bill GST-{self.digits(10)} please share",
                    )
                ),
            )
            otp = self.digits(rng.choice((6, 8)), "0123456789")
            self.negative(
                "OTP",
                rng.choice(
                    (
                        f"otp aaya? got this: {otp}",
                        f"OTP is {otp}",
                        f"your verification code {otp} do not share",
                        f"code: {otp}",
                        f"otp {otp} hai",
                    )
                ),
            )
            self.negative(
                "tracking number",
                rng.choice(
                    (
                        f"AWB {self.digits(11)}",
                        f"Blue Dart docket {self.digits(11)} not moving",
                        f"Delhivery tracking {self.digits(13)}",
                        f"consignment no {self.digits(12)}",
                        f"courier tracking id {self.digits(10)}",
                        f"DTDC {self.digits(9, '123456789')}{rng.choice(string.ascii_uppercase)}",
                    )
                ),
            )
            self.negative(
                "digits in a link",
                rng.choice(
                    (
                        f"https://www.amazon.in/orders/{self.digits(9, '0')}",
                        f"https://x.in/track/{self.digits(12)}",
                        f"see /orders/{self.digits(9)} page",
                        f"https://shop.example.in/p/item?id={self.digits(10)}&ref=chat",
                        f"link: example.com/invoice/{self.digits(12)}/download",
                    )
                ),
            )
            number = self.digits(12, "123456789")
            while verhoeff.is_valid(number) or number.startswith("91"):
                number = self.digits(12, "123456789")
            self.negative(
                "12 digits failing Verhoeff",
                rng.choice(
                    (
                        f"it shows {number} on screen",
                        f"got {number} in the app",
                        f"{number} ye kya hai?",
                        f"reference {number}",
                    )
                ),  # fmt: skip
            )
            amount = rng.randint(100, 99_999_999)
            self.negative(
                "amount",
                rng.choice(
                    (
                        f"₹{amount:,} debit hua",
                        f"Rs {amount}/- refund pending",
                        f"INR {amount:,}.00 charged",
                        f"paid {amount // 100:,}.{amount % 100:02d} USD",
                    )
                ),
            )
            day, month = rng.randint(1, 28), rng.randint(1, 12)
            hour, minute = rng.randint(0, 23), rng.randint(0, 59)
            self.negative(
                "date or time",
                rng.choice(
                    (
                        f"delivery on {day:02d}/{month:02d}/{year} {hour:02d}:{minute:02d}",
                        f"{year}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:00",
                        f"kal {day}.{month}.{year} ko {hour}:{minute:02d} baje",
                        f"slot {hour:02d}:{minute:02d}-{(hour + 1) % 24:02d}:{minute:02d}",
                    )
                ),
            )


def build(seed):
    builder = Builder(seed)
    builder.cards(300)
    builder.pans(200)
    builder.aadhaars(200)
    builder.emails(300)
    builder.indian_mobiles(300)
    builder.international_phones(300)
    builder.national_phones(300)
    builder.negatives(125)
    return builder.cases


def main():
    write_cases("Writes the second masking evaluation set.", build, HELD_OUT_SEED, SECOND_PATH)


if __name__ == "__main__":
    main()
