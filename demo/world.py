"""The demo world, read from the TOML files of demo/data/: the businesses with their teams and
bots, each bot's dialogues, the staff layout, what every conversation may say, and where end
users live and how they write their numbers. `demo.records` builds the demo's records from it.

Dialogue text is a template filled from a conversation's context (`_Builder.context` in
demo/records.py); a tuple of strings offers alternatives, one picked at random.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

Options = str | tuple[str, ...]
Turns = tuple[tuple[str, Options], ...]  # (sender: "user", "bot" or "agent", text)


@dataclass(frozen=True)
class Scenario:
    team: int  # index into the business's teams: who takes it over from the bot
    issue: str  # the value of the bot's issue_type entity
    opening: Options  # the user's first words about the issue
    bot_flow: Turns  # the bot working on it
    resolution: Turns  # how the bot closes it when nobody takes over
    agent_flow: Turns  # how an agent closes it after a hand-over


@dataclass(frozen=True)
class DemoBot:
    slug: str
    name: str
    greeting: str
    entities: tuple[tuple[str, bool], ...]  # (name, personal)
    weight: int  # share of the business's conversations
    scenarios: tuple[Scenario, ...]
    breaks: tuple[tuple[str, int], ...]  # (what the bot fails to understand, weight)
    follow_ups: tuple[tuple[str, str], ...]  # (user question, answer by the bot or agent)
    picks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per-conversation values


@dataclass(frozen=True)
class Seat:
    """One staff line: a login's role in one business."""

    role: str
    view_personal_details: bool
    teams: tuple[int, ...] = ()  # team indexes
    leads: tuple[int, ...] = ()
    chats: int = 1  # an agent's weight when a hand-over picks one of a team's agents


@dataclass(frozen=True)
class DemoBusiness:
    slug: str
    name: str
    timezone: str
    prefix: str  # of its staff usernames
    teams: tuple[tuple[str, str], ...]  # (slug, name)
    bots: tuple[DemoBot, ...]
    share: int  # of all demo conversations
    channels: tuple[tuple[str, int], ...]  # (channel, weight)
    us_users: float  # share of end users with US names and phone numbers
    currency: str  # "INR" or "USD"
    amounts: tuple[int, int]  # range of amounts mentioned in chats
    require_second_factor: bool  # seed_demo sets it up, with DEMO_AUTHENTICATOR_KEY
    allow_single_sign_on: bool  # seed_demo sets it


DATA = Path(__file__).parent / "data"


def _read(name: str) -> dict[str, Any]:
    """A data file, its arrays as tuples, as the dataclasses declare them."""
    with (DATA / name).open("rb") as file:
        return _frozen(tomllib.load(file))


def _frozen(value):
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return {key: _frozen(item) for key, item in value.items()}
    return value


def _pairs(table: dict[str, T]) -> tuple[tuple[str, T], ...]:
    """A TOML table as (key, value) pairs, in the file's order."""
    return tuple(table.items())


def _load_business(slug: str) -> DemoBusiness:
    """demo/data/<slug>.toml. Its teams keep the file's order: the staff layout refers to them
    by position, a scenario by slug."""
    table = _read(f"{slug}.toml")
    team_slugs = list(table["teams"])

    def scenario(fields: dict[str, Any]) -> Scenario:
        return Scenario(**fields | {"team": team_slugs.index(fields["team"])})

    def bot(fields: dict[str, Any]) -> DemoBot:
        return DemoBot(
            **fields
            | {name: _pairs(fields[name]) for name in ("entities", "breaks", "follow_ups")}
            | {"scenarios": tuple(scenario(each) for each in fields["scenarios"])}
        )

    return DemoBusiness(
        **table
        | {name: _pairs(table[name]) for name in ("teams", "channels")}
        | {"bots": tuple(bot(each) for each in table["bots"])}
    )


BUSINESSES = tuple(_load_business(slug) for slug in ("acme-bank", "shopkart", "travelgo"))

_STAFF = _read("staff.toml")
# Every business has each of these logins, named `<prefix>_<suffix>`.
STAFF_LAYOUT = tuple((suffix, Seat(**seat)) for suffix, seat in _STAFF["layout"].items())
# Logins that work for several businesses, with a different role in each.
MULTI_BUSINESS_STAFF = tuple(
    (username, tuple((slug, Seat(**seat)) for slug, seat in seats.items()))
    for username, seats in _STAFF["several_businesses"].items()
)
ROLE_VIEWS: dict[str, str] = _STAFF["role_views"]

_TALK = _read("conversations.toml")
USER_HELLOS: tuple[str, ...] = _TALK["user_hellos"]
BOT_FALLBACKS: tuple[str, ...] = _TALK["bot_fallbacks"]
HANDOFF_LINES: tuple[str, ...] = _TALK["handoff_lines"]
TRANSFER: str = _TALK["transfer"]
CLOSED: str = _TALK["closed"]
PRIVATE_NOTE: str = _TALK["private_note"]
CLOSINGS = _pairs(_TALK["closings"])
REVIEWS: dict[str, tuple[str, ...]] = _TALK["reviews"]
AGENT_REVIEWS: dict[str, tuple[str, ...]] = _TALK["agent_reviews"]
MENU: tuple[str, ...] = _TALK["menu"]
# (sender, text, element): one of them is added to each conversation; {…} are filled from it.
RICH_ELEMENTS = tuple(
    (element["sender"], element["text"], element["element"]) for element in _TALK["rich_elements"]
)

_PEOPLE = _read("people.toml")
EMAIL_DOMAINS: tuple[str, ...] = _PEOPLE["email_domains"]
CARD_BINS = _pairs(_PEOPLE["card_bins"])
CARD_PATTERNS: tuple[str, ...] = _PEOPLE["card_patterns"]
AADHAAR_PATTERNS: tuple[str, ...] = _PEOPLE["aadhaar_patterns"]
ORDER_ID_PATTERNS: tuple[str, ...] = _PEOPLE["order_id_patterns"]
DATE_FORMATS: tuple[str, ...] = _PEOPLE["date_formats"]
LANGUAGES = {locale: place["languages"] for locale, place in _PEOPLE["locales"].items()}
CITIES = {locale: place["cities"] for locale, place in _PEOPLE["locales"].items()}
PHONE_PATTERNS = {locale: place["phone_patterns"] for locale, place in _PEOPLE["locales"].items()}
