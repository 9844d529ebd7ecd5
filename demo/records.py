"""Deterministic demo data for Chat Links, as records of the import format (import-format.md).

`demo_records()` yields three businesses with their bots, teams and staff, then conversations
whose transcripts carry every kind of PII the site must mask (the user's name, email and phone,
Luhn-valid card numbers, PAN, Verhoeff-valid Aadhaar numbers, personal entity values) next to
look-alikes it must leave readable (Luhn-invalid order ids, Verhoeff-invalid UTRs, amounts,
dates). The same seed and `today` give the same records byte for byte. Ids depend on the seed
alone, not on `today` (which only moves timestamps), so seeding again, even on another day,
updates the same objects instead of adding new ones.

The demo world itself (businesses, bots, their dialogues, staff, the ways people write their
numbers) is data, read by `demo.world` from demo/data/; this module only plays it out.
"""

import datetime
import itertools
import random
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from faker import Faker

from demo.world import (
    AADHAAR_PATTERNS,
    AGENT_REVIEWS,
    BOT_FALLBACKS,
    BUSINESSES,
    CARD_BINS,
    CARD_PATTERNS,
    CITIES,
    CLOSED,
    CLOSINGS,
    DATE_FORMATS,
    EMAIL_DOMAINS,
    HANDOFF_LINES,
    LANGUAGES,
    MENU,
    MULTI_BUSINESS_STAFF,
    ORDER_ID_PATTERNS,
    PHONE_PATTERNS,
    PRIVATE_NOTE,
    REVIEWS,
    RICH_ELEMENTS,
    ROLE_VIEWS,
    STAFF_LAYOUT,
    TRANSFER,
    USER_HELLOS,
    DemoBot,
    DemoBusiness,
    Options,
    Scenario,
    Seat,
    Turns,
)
from rules.masking import luhn_valid, verhoeff_valid

# Every demo login shares it; it is printed by `seed_demo`, so it is no secret.
DEMO_PASSWORD = "chatlinks-demo"  # noqa: S105
# The authenticator app key of every demo login of a business that requires a second factor
# (hex, as django-otp stores it; seed_demo prints it as an authenticator app takes it).
DEMO_AUTHENTICATOR_KEY = "c4a1e0f3d2b5968778695a4b3c2d1e0f11223344"

DAYS = 60  # conversations are spread over this many days before `today`
OPENING_HOURS = (9, 18)  # first and last local hour in which a conversation may start
CONVERSATIONS_PER_LONG_CHAT = 150  # one ~150-message marathon per this many conversations
ABANDONED_RATE = 0.12  # users who leave after a few messages
HANDOVER_RATE = 0.42  # planned hand-overs; a bot that fails twice adds more: ~42% in all
BREAK_RATE = 0.25  # per user message to the bot, a stray one first: ~13% of all
CSAT_RATE = 0.6  # of the chats that ended normally (~84%), so ~50% of all are rated
REVIEW_RATE = 0.5
RATING_WEIGHTS = (8, 7, 15, 30, 40)  # ratings 1..5, skewed positive as real CSAT is
# How many conversations one end user has: mostly one or two, a long tail up to ten.
CONVERSATIONS_PER_USER = {1: 40, 2: 22, 3: 14, 4: 9, 5: 6, 6: 3, 7: 2, 8: 2, 9: 1, 10: 1}
PAN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
# Seconds between a message and the one before it, by the sender of the later one.
GAPS = {"user": (5, 75), "bot": (1, 3), "system": (1, 5), "agent": (15, 120)}
QUEUE_WAIT = (40, 400)  # from the hand-over to the agent's first message

T = TypeVar("T")
# A message's time before the whole transcript is known and spaced out.
NOT_YET_TIMED = datetime.datetime.min.replace(tzinfo=datetime.UTC)


# ---------------------------------------------------------------------------------------------
# Check digits


def _check_digit(payload: str, is_valid) -> int:
    """The digit that, appended to `payload`, makes a number `is_valid` accepts: the demo
    plants values the masker must find, so it checks them with the masker's own rules."""
    return next(digit for digit in range(10) if is_valid(f"{payload}{digit}"))


def luhn_check_digit(payload: str) -> int:
    """For payment cards."""
    return _check_digit(payload, luhn_valid)


def verhoeff_check_digit(payload: str) -> int:
    """For Aadhaar numbers."""
    return _check_digit(payload, verhoeff_valid)


def shape_digits(pattern: str, digits: str) -> str:
    """Lay `digits` into the '#' slots of `pattern`: ('#### ####', '12345678') -> '1234 5678'."""
    remaining = iter(digits)
    return "".join(next(remaining) if char == "#" else char for char in pattern)


def _indian_grouping(number: int) -> str:
    """1234567 -> '12,34,567': lakh and crore commas, as Indian amounts are written."""
    return re.sub(r"(\d)(?=(\d\d)+\d$)", r"\1,", str(number))


def _business(slug: str) -> DemoBusiness:
    return next(business for business in BUSINESSES if business.slug == slug)


def _sees(business: DemoBusiness, seat: Seat) -> str:
    team_names = ", ".join(business.teams[index][1] for index in seat.leads)
    view = ROLE_VIEWS[seat.role].format(teams=team_names)
    if seat.role == "analyst":
        pii = "PII masked despite the permission" if seat.view_personal_details else "PII masked"
    else:
        pii = "PII visible" if seat.view_personal_details else "PII masked"
        if seat.view_personal_details and business.require_second_factor:
            pii += " after the second factor"
    return f"{view}; {pii}"


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, business slug(s), what that login sees) for every demo login."""
    rows = [
        (f"{business.prefix}_{suffix}", business.slug, _sees(business, seat))
        for business in BUSINESSES
        for suffix, seat in STAFF_LAYOUT
    ]
    for username, seats in MULTI_BUSINESS_STAFF:
        slugs = ", ".join(slug for slug, _ in seats)
        sees = " | ".join(f"{slug}: {_sees(_business(slug), seat)}" for slug, seat in seats)
        rows.append((username, slugs, sees))
    return rows


def demo_records(
    seed: int = 1,
    today: datetime.date | None = None,
    conversations: int = 300,
    *,
    per_user: dict[int, float] | None = None,
    marathons: tuple[int, ...] = (),
) -> Iterator[dict]:
    """Demo records in import order: every record refers only to records before it.

    For bigger data sets (the benchmarks): `per_user` replaces CONVERSATIONS_PER_USER, to give
    some end users many more conversations, and `marathons` turns one conversation per number
    given into a hand-over of about that many messages. Left out, the records are the same.
    """
    today = today or datetime.datetime.now(datetime.UTC).date()
    builder = _Builder(seed, today, per_user or CONVERSATIONS_PER_USER)
    return builder.records(conversations, marathons)


# ---------------------------------------------------------------------------------------------
# Generation


@dataclass
class _EndUser:
    id: str
    locale: str
    name: str
    first_name: str
    email: str
    shares_email: bool  # whether the platform knows the email, or it only appears in chats
    phone_digits: str  # national number; written differently in the record and in chats
    cards: tuple[str, ...]
    details: dict[str, str]  # personal entity values, city and language


@dataclass
class _Message:
    sender: str
    text: str
    bot_break: bool = False
    agent: str | None = None
    at: datetime.datetime = NOT_YET_TIMED  # UTC, set once the whole transcript is known
    element: dict = field(default_factory=dict)  # a rich element's fields (format v2)
    private: bool = False


@dataclass
class _Csat:
    rating: int
    review: str | None
    at: datetime.datetime


@dataclass
class _Chat:
    id: str
    business: DemoBusiness
    bot: DemoBot
    user: _EndUser
    channel: str
    sends_user_details: bool
    attributes: dict[str, str] = field(default_factory=dict)
    messages: list[_Message] = field(default_factory=list)
    agent: str | None = None
    team: str | None = None
    ended_at: datetime.datetime | None = None
    csat: _Csat | None = None


class _Transcript:
    """Collects one conversation's messages, knowing whether the bot or an agent answers."""

    def __init__(self, builder: "_Builder", bot: DemoBot, context: dict[str, str]):
        self.builder = builder
        self.bot = bot
        self.context = context
        self.messages: list[_Message] = []
        self.agent: str | None = None
        self.breaks = 0

    def say(self, sender: str, options: Options, *, bot_break: bool = False) -> None:
        text = self.builder.fill(options, self.context)
        agent = self.agent if sender == "agent" else None
        self.messages.append(_Message(sender, text, bot_break, agent))

    def user(self, options: Options) -> None:
        # While the bot answers, some users first type something it cannot parse.
        if self.agent is None and self.builder.rng.random() < BREAK_RATE:
            breaks, weights = zip(*self.bot.breaks, strict=True)
            self.say("user", self.builder.rng.choices(breaks, weights)[0], bot_break=True)
            self.say("bot", BOT_FALLBACKS)
            self.breaks += 1
        self.say("user", options)

    def play(self, turns: Turns) -> None:
        for sender, options in turns:
            if sender == "user":
                self.user(options)
            else:
                self.say(sender, options)

    def exchange(self, question: str, answer: str) -> None:
        self.user(question)
        self.say("bot" if self.agent is None else "agent", answer)

    def hand_over(self, agent: str) -> None:
        self.say("bot", HANDOFF_LINES)
        self.say("system", TRANSFER)
        self.agent = agent


def filled(value, context):
    """`value` (a rich element) with every string filled from the chat's context, and its
    arrays as the lists a record has."""
    if isinstance(value, str):
        return value.format_map(context)
    if isinstance(value, dict):
        return {key: filled(item, context) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [filled(item, context) for item in value]
    return value


def enrich(transcript: "_Transcript", chat_id: str) -> None:
    """Rich elements in a transcript, as a widget would show them: the greeting's menu and the
    user's pick, an agent's private note after a hand-over, and one other element. Chosen by
    a generator of the chat's own, so the rest of the demo data stays as it was."""
    rng = random.Random(chat_id)
    messages, context = transcript.messages, transcript.context
    greeting = next((m for m in messages if m.sender == "bot"), None)
    if greeting is not None:
        at = messages.index(greeting) + 1
        greeting.element = {"type": "quick_replies", "options": list(MENU)}
        pick = rng.choice(MENU)
        messages.insert(at, _Message("user", pick, element={"picked": pick}))
    handed_over = next((i for i, m in enumerate(messages) if m.sender == "system"), None)
    if handed_over is not None and transcript.agent:
        messages.insert(
            handed_over + 1,
            _Message(
                "agent", PRIVATE_NOTE.format_map(context), agent=transcript.agent, private=True
            ),
        )
    sender, text, element = rng.choice(RICH_ELEMENTS)
    agent = None
    if sender == "bot" and transcript.agent:
        sender, agent = "agent", transcript.agent  # once an agent has taken over, they answer
    messages.insert(
        len(messages) - 1, _Message(sender, text, agent=agent, element=filled(element, context))
    )


def _person_name(business: DemoBusiness, rng: random.Random, fake: Faker) -> tuple[str, str, str]:
    """(full name, first name, locale) of someone at home where `business` works."""
    locale = "en_US" if rng.random() < business.us_users else "en_IN"
    first, last = fake[locale].first_name(), fake[locale].last_name()
    return f"{first} {last}", first, locale


class _Builder:
    def __init__(self, seed: int, today: datetime.date, per_user: Mapping[int, float]):
        self.rng = random.Random(seed)
        self.per_user = per_user
        self.fake = Faker(["en_IN", "en_US"])
        self.fake.seed_instance(seed)
        # Staff who take no chats are named by generators of their own: adding such a login
        # to staff.toml changes no conversation.
        self.staff_rng = random.Random(f"staff/{seed}")
        self.staff_fake = Faker(["en_IN", "en_US"])
        self.staff_fake.seed_instance(f"staff/{seed}")
        self.days = [today - datetime.timedelta(days=offset) for offset in range(1, DAYS + 1)]
        # Fewer people chat at weekends.
        self.day_weights = [1 if day.weekday() < 5 else 0.4 for day in self.days]
        self.staff_names: dict[str, str] = {}  # username -> display name, on pages and in chats

    # Small helpers

    def fill(self, options: Options, context: dict[str, str]) -> str:
        template = options if isinstance(options, str) else self.rng.choice(options)
        return template.format_map(context)

    def digits(self, count: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(count))

    def weighted(self, pairs: tuple[tuple[T, int], ...]) -> T:
        values, weights = zip(*pairs, strict=True)
        return self.rng.choices(values, weights)[0]

    # Numbers that must be masked, and look-alikes that must not

    def card(self) -> str:
        prefix, length = self.rng.choice(CARD_BINS)
        payload = prefix + self.digits(length - len(prefix) - 1)
        return payload + str(luhn_check_digit(payload))

    def aadhaar(self) -> str:
        payload = self.rng.choice("23456789") + self.digits(10)
        return payload + str(verhoeff_check_digit(payload))

    def pan(self, surname: str) -> str:
        # The 4th letter P marks an individual's PAN, the 5th is the initial of the surname.
        initial = surname[0].upper() if surname[0].upper() in PAN_LETTERS else "K"
        return (
            "".join(self.rng.choices(PAN_LETTERS, k=3))
            + "P"
            + initial
            + self.digits(4)
            + self.rng.choice(PAN_LETTERS)
        )

    def luhn_invalid(self, payload: str) -> str:
        """`payload` plus a wrong check digit: a long number that is no card number."""
        return payload + str((luhn_check_digit(payload) + self.rng.randint(1, 9)) % 10)

    def order_id(self) -> str:
        payload = self.rng.choice("123456789") + self.digits(14)
        return shape_digits(self.rng.choice(ORDER_ID_PATTERNS), self.luhn_invalid(payload))

    def utr(self) -> str:
        payload = self.rng.choice("3456") + self.digits(10)
        return payload + str((verhoeff_check_digit(payload) + self.rng.randint(1, 9)) % 10)

    def amount(self, business: DemoBusiness) -> str:
        value = self.rng.randint(*business.amounts)
        if business.currency == "USD":
            return self.rng.choice((f"${value:,}.{self.rng.randint(0, 99):02d}", f"USD {value:,}"))
        style = self.rng.choice(("Rs. {}", "₹{}", "INR {}.00", "Rs {}/-"))
        return style.format(_indian_grouping(value))

    def date_text(self, day: datetime.date) -> str:
        return day.strftime(self.rng.choice(DATE_FORMATS).format(day=day.day))

    # The demo world

    def records(self, conversations: int, marathons: tuple[int, ...]) -> Iterator[dict]:
        yield from self.setup_records()
        seen_users: set[tuple[str, str]] = set()
        for chat in self.chats(conversations, marathons):
            key = (chat.business.slug, chat.user.id)
            yield self.conversation_record(chat, first_time=key not in seen_users)
            seen_users.add(key)

    def setup_records(self) -> Iterator[dict]:
        def staff(username: str, business: DemoBusiness, seat: Seat) -> dict:
            record = {"type": "staff", "username": username}
            if username not in self.staff_names:  # the login's first line creates it
                if seat.role == "agent":
                    name = self.person_name(business)[0]
                else:
                    name = _person_name(business, self.staff_rng, self.staff_fake)[0]
                self.staff_names[username] = name
                record |= {"password": DEMO_PASSWORD, "display_name": name}
            return record | {
                "email": f"{username}@{business.slug}.example",
                "business": business.slug,
                "roles": [seat.role],
                "teams": [business.teams[index][0] for index in seat.teams],
                "leads": [business.teams[index][0] for index in seat.leads],
                "view_personal_details": seat.view_personal_details,
            }

        for business in BUSINESSES:
            yield {
                "type": "business",
                "slug": business.slug,
                "name": business.name,
                "timezone": business.timezone,
            }
            for bot in business.bots:
                yield {
                    "type": "bot",
                    "business": business.slug,
                    "slug": bot.slug,
                    "name": bot.name,
                    "entities": [{"name": n, "personal": p} for n, p in bot.entities],
                }
            for slug, name in business.teams:
                yield {"type": "team", "business": business.slug, "slug": slug, "name": name}
            for suffix, seat in STAFF_LAYOUT:
                yield staff(f"{business.prefix}_{suffix}", business, seat)
            for username, seats in MULTI_BUSINESS_STAFF:
                for slug, seat in seats:
                    if slug == business.slug:
                        yield staff(username, business, seat)

    def person_name(self, business: DemoBusiness) -> tuple[str, str, str]:
        return _person_name(business, self.rng, self.fake)

    def end_user(self, business: DemoBusiness, number: int) -> _EndUser:
        name, first, locale = self.person_name(business)
        fake = self.fake[locale]
        last = name.split()[-1]
        local_part = self.rng.choice(
            (f"{first}.{last}", f"{first}{last}{self.rng.randint(1, 99)}", f"{first[0]}{last}")
        )
        email = re.sub(r"[^a-z0-9.]", "", local_part.lower()) + "@" + self.rng.choice(EMAIL_DOMAINS)
        if locale == "en_IN":
            phone = self.rng.choice("6789") + self.digits(9)
        else:  # 555-01xx numbers are reserved for fiction
            phone = self.rng.choice(("212", "646", "917", "201")) + "55501" + self.digits(2)
        city = self.rng.choice(CITIES[locale])
        street = fake.street_address().replace("\n", ", ")
        born = datetime.date(1955, 1, 1) + datetime.timedelta(days=self.rng.randrange(48 * 365))
        details = {
            "pan": self.pan(last),
            "aadhaar": self.aadhaar(),
            # Masked as a personal entity; failing Luhn keeps it from passing for a card.
            "account_number": self.luhn_invalid("5010" + self.digits(9)),
            "date_of_birth": born.strftime("%d/%m/%Y"),
            "address": f"{street}, {city} {fake.postcode()}",
            "policy_number": f"AC/{self.rng.randint(2018, 2025)}/{self.digits(7)}",
            "upi_id": f"{first.lower()}{self.rng.randint(1, 99)}@ok"
            + self.rng.choice(("axis", "hdfcbank", "icici", "sbi")),
            "passport_number": self.rng.choice("JKLMNPRSTUVWZ") + self.digits(7),
            "frequent_flyer_number": "TG" + self.digits(9),
            "city": city,
            "language": self.rng.choice(LANGUAGES[locale]),
        }
        return _EndUser(
            id=f"u-{number:05d}",
            locale=locale,
            name=name,
            first_name=first,
            email=email,
            shares_email=self.rng.random() < 0.9,
            phone_digits=phone,
            cards=(self.card(), self.card()),
            details=details,
        )

    def user_pool(self, business: DemoBusiness, conversations: int) -> list[_EndUser]:
        """One entry per conversation: a few users come back often, most once or twice."""
        slots: list[_EndUser] = []
        counts, weights = zip(*self.per_user.items(), strict=True)
        users = 0
        while len(slots) < conversations:
            users += 1
            slots += [self.end_user(business, users)] * self.rng.choices(counts, weights)[0]
        return slots[:conversations]

    def chats(self, conversations: int, marathons: tuple[int, ...]) -> list[_Chat]:
        total_share = sum(business.share for business in BUSINESSES)
        counts = [conversations * business.share // total_share for business in BUSINESSES]
        counts[0] += conversations - sum(counts)  # the rounding remainder
        plans = [
            (business, user)
            for business, count in zip(BUSINESSES, counts, strict=True)
            for user in self.user_pool(business, count)
        ]
        self.rng.shuffle(plans)
        long_ones = set(
            self.rng.sample(range(len(plans)), len(plans) // CONVERSATIONS_PER_LONG_CHAT)
        )
        # Sampling none draws no random number, so the records stay the same without them.
        lengths = dict(
            zip(self.rng.sample(range(len(plans)), len(marathons)), marathons, strict=True)
        )
        chats = []
        numbers: Counter[str] = Counter()
        for index, (business, user) in enumerate(plans):
            # Numbered before sorting by time: the time depends on `today`, the number must
            # not, or seeding on another day would merge different chats under one id.
            numbers[business.slug] += 1
            chats.append(
                self.chat(
                    business,
                    user,
                    numbers[business.slug],
                    long=index in long_ones or index in lengths,
                    length=lengths.get(index),
                )
            )
        # Imported in time order, as a platform back-fills its history.
        chats.sort(key=lambda chat: chat.messages[0].at)
        return chats

    def pick_agent(self, business: DemoBusiness, team: int) -> str:
        return self.weighted(
            tuple(
                (f"{business.prefix}_{suffix}", seat.chats)
                for suffix, seat in STAFF_LAYOUT
                if seat.role == "agent" and team in seat.teams
            )
        )

    def context(
        self, chat: _Chat, scenario: Scenario, agent: str, day: datetime.date
    ) -> dict[str, str]:
        """Every value that a template of the chat's bot may mention."""
        business, user = chat.business, chat.user
        card = self.rng.choice(user.cards)
        card_pattern = self.rng.choice([p for p in CARD_PATTERNS if p.count("#") == len(card)])
        agent_name = self.staff_names[agent]
        return {
            **user.details,
            **{name: self.rng.choice(values) for name, values in chat.bot.picks.items()},
            "issue_type": scenario.issue,
            "name": user.name,
            "first_name": user.first_name,
            "email": user.email,
            "phone": shape_digits(self.rng.choice(PHONE_PATTERNS[user.locale]), user.phone_digits),
            "card": shape_digits(card_pattern, card),
            "card_last4": card[-4:],
            "aadhaar": shape_digits(self.rng.choice(AADHAAR_PATTERNS), user.details["aadhaar"]),
            "order_id": self.order_id(),
            "utr": self.utr(),
            "ticket": f"SR{self.digits(8)}",
            "claim_no": f"CLM{self.digits(7)}",
            "pnr": "".join(self.rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=6)),
            "amount": self.amount(business),
            "outstanding": self.amount(business),
            "due_date": self.date_text(day + datetime.timedelta(days=self.rng.randint(2, 12))),
            "past_date": self.date_text(day - datetime.timedelta(days=self.rng.randint(2, 20))),
            "agent_name": agent_name,
            "agent_first": agent_name.split()[0],
        }

    def chat(
        self,
        business: DemoBusiness,
        user: _EndUser,
        number: int,
        *,
        long: bool,
        length: int | None = None,
    ) -> _Chat:
        bot = self.weighted(tuple((bot, bot.weight) for bot in business.bots))
        chat = _Chat(
            f"c-{number:05d}",
            business,
            bot,
            user,
            channel=self.weighted(business.channels),
            # Platforms send the user's details the first time and usually, not always, later.
            sends_user_details=self.rng.random() < 0.7,
        )
        scenario = self.rng.choice(bot.scenarios)
        day = self.rng.choices(self.days, self.day_weights)[0]
        agent = self.pick_agent(business, scenario.team)
        context = self.context(chat, scenario, agent, day)
        chat.attributes = {name: context[name] for name, _ in bot.entities}

        transcript = _Transcript(self, bot, context)
        if self.rng.random() < 0.4:
            transcript.say("user", USER_HELLOS)
        transcript.say("bot", bot.greeting)
        transcript.user(scenario.opening)
        transcript.play(scenario.bot_flow)
        abandoned = not long and self.rng.random() < ABANDONED_RATE
        if abandoned:
            del transcript.messages[self.rng.randint(3, 5) :]
        else:
            # After failing to understand twice, the bot gives up and hands over by itself.
            if long or transcript.breaks >= 2 or self.rng.random() < HANDOVER_RATE:
                transcript.hand_over(agent)
                transcript.play(scenario.agent_flow)
                chat.agent, chat.team = agent, business.teams[scenario.team][0]
            else:
                transcript.play(scenario.resolution)
            if length:
                target = length
            elif long:
                target = self.rng.randint(140, 160)
            else:
                target = round(self.rng.triangular(6, 40, 12))
            # Each question once, in random order; only marathons come back to the same ones.
            follow_ups = itertools.cycle(self.rng.sample(bot.follow_ups, len(bot.follow_ups)))
            while len(transcript.messages) < target - 2:
                transcript.exchange(*next(follow_ups))
            transcript.exchange(*self.rng.choice(CLOSINGS))
            if chat.agent:
                transcript.say("system", CLOSED)
        enrich(transcript, f"{business.slug}/{chat.id}")
        chat.messages = transcript.messages

        local_start = datetime.datetime.combine(
            day,
            datetime.time(
                self.rng.randint(*OPENING_HOURS), self.rng.randrange(60), self.rng.randrange(60)
            ),
            tzinfo=ZoneInfo(business.timezone),
        )
        self.timestamp(chat.messages, local_start.astimezone(datetime.UTC))
        if self.rng.random() < 0.95:  # the platform did not report the end of a few chats
            chat.ended_at = ended_at = chat.messages[-1].at + self.seconds(5, 120)
            if not abandoned and self.rng.random() < CSAT_RATE:
                chat.csat = self.csat(chat, context, ended_at)
        return chat

    def seconds(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(seconds=self.rng.randint(low, high))

    def timestamp(self, messages: list[_Message], start: datetime.datetime) -> None:
        """Space the messages out: people type slowly, bots answer at once, agents queue."""
        at = start
        for index, message in enumerate(messages):
            if index:
                queued = message.sender == "agent" and messages[index - 1].sender == "system"
                at += self.seconds(*(QUEUE_WAIT if queued else GAPS[message.sender]))
            message.at = at

    def csat(self, chat: _Chat, context: dict[str, str], ended_at: datetime.datetime) -> _Csat:
        rating = self.rng.choices(range(1, 6), RATING_WEIGHTS)[0]
        review = None
        if self.rng.random() < REVIEW_RATE:
            mood = "positive" if rating >= 4 else "neutral" if rating == 3 else "negative"
            review = self.fill(REVIEWS[mood] + (AGENT_REVIEWS[mood] if chat.agent else ()), context)
        return _Csat(rating, review, ended_at + self.seconds(10, 1800))

    def conversation_record(self, chat: _Chat, *, first_time: bool) -> dict:
        tz = ZoneInfo(chat.business.timezone)

        def iso(moment: datetime.datetime) -> str:
            return moment.astimezone(tz).isoformat(timespec="seconds")

        user: dict = {"id": chat.user.id}
        # A bare id must leave what is already known about the user untouched.
        if first_time or chat.sends_user_details:
            user["name"] = chat.user.name
            if chat.user.shares_email:
                user["email"] = chat.user.email
            user["phone"] = shape_digits(
                PHONE_PATTERNS[chat.user.locale][0], chat.user.phone_digits
            )
            user["attributes"] = chat.attributes
        record: dict[str, Any] = {
            "type": "conversation",
            "id": chat.id,
            "business": chat.business.slug,
            "bot": chat.bot.slug,
            "channel": chat.channel,
            "user": user,
            "started_at": iso(chat.messages[0].at),
        }
        messages = chat.messages
        if chat.ended_at:
            record["ended_at"] = iso(chat.ended_at)
            record["status"] = "closed"
            record["close_reason"] = "resolved by an agent" if chat.agent else "resolved by the bot"
        else:
            # Still going, as the platform has not reported its end: no closing line yet, and
            # a state that agrees with where the transcript stops.
            if messages[-1].sender == "system":
                messages = messages[:-1]
            # A third of those handed over still wait in the queue, just after the handover.
            if chat.agent and int(chat.id.removeprefix("c-")) % 3 == 0:
                handover = next(i for i, m in enumerate(messages) if m.sender == "system")
                messages = messages[: handover + 1]
            record["status"] = open_status(chat.agent, messages[-1].sender)
        if chat.agent and record["status"] != "queued":
            record["agent"] = chat.agent
            record["team"] = chat.team
        if chat.csat:
            record["csat"] = {"rating": chat.csat.rating}
            if chat.csat.review:
                record["csat"]["review"] = chat.csat.review
            record["csat"]["at"] = iso(chat.csat.at)
        record["messages"] = [
            {"id": f"m{index}", "at": iso(message.at), "sender": message.sender}
            | ({"agent": message.agent} if message.agent else {})
            | {"text": message.text}
            | message.element
            | ({"private": True} if message.private else {})
            | ({"bot_break": True} if message.bot_break else {})
            for index, message in enumerate(messages, start=1)
        ]
        return record


def open_status(agent: str | None, last_sender: str) -> str:
    """The state of a conversation that has not ended, from who spoke last."""
    if agent is None:
        return "bot"
    if last_sender == "system":  # handed over, and no agent has answered yet
        return "queued"
    return "waiting_for_user" if last_sender == "agent" else "with_agent"
