"""Records of the import format (docs/import-format.md), validated before anything is written.

`loads(text)` parses one record's JSON strictly, and `validate(data)` turns the parsed object
into a typed record, or raises RecordError naming the field and the reason. Whatever passes is
safe to store and to show: valid Unicode, bounded sizes, dates every time zone can convert,
slugs that fit in URLs. Nothing here reads the database: references (a business, bot, team or
staff member named by slug or username) are resolved afterwards by the importer.
"""

import functools
import json
import re
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from conversations.models import ConversationStatus, MessageKind, Role, Sender

MAX_TEXT_BYTES = 64 * 1024
# Records have a fixed shape a few levels deep; anything deeper is not a record.
MAX_DEPTH = 8
MAX_MESSAGES = 10_000
MAX_LIST_ITEMS = 1_000  # entities of a bot, roles and teams of a staff member
MAX_ATTRIBUTES = 200
# Integers beyond what a 64-bit column or a JavaScript number holds exactly are not data.
MAX_INTEGER = 2**53
# Dates every time zone can convert both ways, and every database can store.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
# Django's slug rule (validate_slug, and the <slug:> converter of the URLs).
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
SENDERS = frozenset(Sender.values)  # Sender.values builds a new list each time
ROLES = frozenset(Role.values)
KINDS = ("business", "bot", "team", "staff", "conversation")
MESSAGE_KINDS = frozenset(MessageKind.values)
STATUSES = frozenset(ConversationStatus.values)
MEDIA_KINDS = frozenset({MessageKind.IMAGE, MessageKind.FILE, MessageKind.AUDIO, MessageKind.VIDEO})
# What a chat widget holds; more than these is not a message but a data dump.
MAX_OPTIONS = 50
MAX_BUTTONS = 20
MAX_CARDS = 20
MAX_ATTACHMENTS = 20
MAX_FORM_FIELDS = 100
MAX_URL_BYTES = 2000
MAX_VALUE_BYTES = 1000
# Links a page may make clickable: a "javascript:" or "data:" URL runs in the viewer's page.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
MEDIA_SCHEMES = frozenset({"http", "https"})


class RecordError(Exception):
    def __init__(self, field_path: str, reason: str):
        super().__init__(f"{field_path}: {reason}")
        self.field = field_path
        self.reason = reason


class InvalidJSON:
    """Stands in for what could not be parsed: a line, so it is reported in order, or a part of
    a record (a key given twice, NaN), so that record alone is rejected and not its file or
    request."""

    def __init__(self, reason: str):
        self.reason = reason


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any] | InvalidJSON:
    # JSON allows a key twice and Python keeps the last; a record that says two things about
    # one field is refused rather than half-read.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            return InvalidJSON(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> InvalidJSON:
    return InvalidJSON(f"{name} is not a JSON number")


def loads(text: str | bytes) -> Any:
    """Parse JSON strictly: a key given twice, NaN or Infinity is parsed as an InvalidJSON in
    its place, which `validate` rejects with the record that holds it; nesting is bounded.

    Raises ValueError with the reason when the text as a whole is not JSON.
    """
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except RecursionError:
        # The C parser stops at the interpreter's recursion limit, before the stack does.
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep") from None


def parse_lines(lines: Iterable[str | bytes]) -> Iterator[tuple[str, Any]]:
    """`(locator, parsed JSON)` for each non-blank line of a JSON Lines stream.

    Lines may be bytes, decoded here one by one, so a line that is not UTF-8 is rejected on
    its own instead of failing the whole file.
    """
    for number, line in enumerate(lines, 1):
        locator = f"line {number}"
        if isinstance(line, bytes):
            try:
                # A byte order mark is allowed at the start of the file only.
                line = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                yield locator, InvalidJSON(f"not UTF-8 text at byte {error.start}")
                continue
        if not line.strip():
            continue
        try:
            yield locator, loads(line)
        except ValueError as error:
            yield locator, InvalidJSON(str(error))


def check_values(value: Any, path: str, depth: int = 0) -> None:
    """Every string of a parsed record, keys included, is storable Unicode, every number a
    real one in range, and the nesting is bounded; raises RecordError naming the place."""
    if depth > MAX_DEPTH:
        raise RecordError(path, f"is nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, InvalidJSON):
        raise RecordError("record", f"not valid JSON ({value.reason})")
    if isinstance(value, str):
        check_string(value, path)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        if abs(value) > MAX_INTEGER:
            raise RecordError(path, "number is out of range")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_string(key, f"{path} key")
            check_values(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_values(item, f"{path}[{index}]", depth + 1)


def check_string(value: str, path: str) -> None:
    try:
        # A lone surrogate ("\ud800" in JSON) is no character: it cannot be encoded, stored
        # or shown.
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise RecordError(path, "is not valid Unicode (lone surrogate)") from None
    if "\x00" in value:
        # PostgreSQL text cannot hold NUL, and no chat needs it.
        raise RecordError(path, "contains a NUL character")


class Fields:
    """Typed access to one JSON object's fields; errors name the field's full path."""

    def __init__(self, data: Any, path: str):
        if not isinstance(data, dict):
            raise RecordError(path, "must be a JSON object")
        self.data = data
        self.path = path

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def _get(self, name: str, types: tuple[type, ...], type_name: str, required: bool) -> Any:
        value = self.data.get(name)
        if value is None:
            if required:
                raise RecordError(f"{self.path}.{name}", "is required")
            return None
        # bool is an int subclass in Python, but not a number in JSON.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise RecordError(f"{self.path}.{name}", f"must be {type_name}")
        return value

    def slug(self, name: str) -> str:
        value = self.required_str(name, max_length=64)
        if not SLUG.fullmatch(value):
            raise RecordError(
                f"{self.path}.{name}", "must be a slug: letters, digits, hyphens, underscores"
            )
        return value

    def string(self, name: str, required: bool = False, max_length: int = 200) -> str | None:
        value = self._get(name, (str,), "a string", required)
        if value is None:
            return None
        if required and not value.strip():
            raise RecordError(f"{self.path}.{name}", "must not be empty")
        if len(value.encode()) > max_length:
            raise RecordError(f"{self.path}.{name}", f"is longer than {max_length} bytes")
        return value

    def required_str(self, name: str, max_length: int = 200) -> str:
        value = self.string(name, required=True, max_length=max_length)
        assert value is not None  # `required` raised otherwise
        return value

    def text(self, name: str, required: bool = False) -> str | None:
        value = self._get(name, (str,), "a string", required)
        if value is not None and len(value.encode()) > MAX_TEXT_BYTES:
            raise RecordError(f"{self.path}.{name}", "text is over 64 KiB")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self._get(name, (bool,), "true or false", False)
        return default if value is None else value

    def integer(self, name: str, required: bool = False) -> int | None:
        return self._get(name, (int,), "an integer", required)

    def array(
        self, name: str, required: bool = False, max_items: int = MAX_LIST_ITEMS
    ) -> list | None:
        value = self._get(name, (list,), "a list", required)
        if value is not None and len(value) > max_items:
            raise RecordError(f"{self.path}.{name}", f"has more than {max_items} items")
        return value

    def object(self, name: str, required: bool = False) -> "Fields | None":
        value = self._get(name, (dict,), "an object", required)
        return None if value is None else Fields(value, f"{self.path}.{name}")

    def timestamp(self, name: str, required: bool = False) -> datetime | None:
        value = self._get(name, (str,), "an ISO 8601 timestamp string", required)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise RecordError(f"{self.path}.{name}", "is not an ISO 8601 timestamp") from None
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            raise RecordError(f"{self.path}.{name}", "timestamp has no UTC offset")
        # Comparing never converts, so it cannot overflow as converting 0001-01-01T00:00+05:30
        # to UTC, or 9999-12-31T23:00-05:00 to a business's time zone, would.
        if not EARLIEST <= parsed < LATEST:
            raise RecordError(
                f"{self.path}.{name}", f"is outside the years {EARLIEST.year}–{LATEST.year - 1}"
            )
        return parsed

    def strings(self, name: str) -> list[str]:
        values = self.array(name) or []
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise RecordError(f"{self.path}.{name}[{index}]", "must be a string")
        return values


@dataclass(frozen=True)
class BusinessRecord:
    slug: str
    name: str | None
    timezone: str | None


@dataclass(frozen=True)
class BotRecord:
    business: str
    slug: str
    name: str | None
    entities: dict[str, bool] | None  # name -> personal; None: the bot's entities stay as they are


@dataclass(frozen=True)
class TeamRecord:
    business: str
    slug: str
    name: str | None


@dataclass(frozen=True)
class StaffRecord:
    business: str
    username: str
    password: str | None
    email: str | None
    roles: frozenset[str]
    teams: tuple[str, ...]
    leads: tuple[str, ...]
    view_personal_details: bool
    display_name: str | None = None


@dataclass(frozen=True)
class MessageRecord:
    id: str
    at: datetime
    sender: str
    agent: str | None
    text: str
    bot_break: bool
    kind: str = MessageKind.TEXT
    data: dict[str, Any] | None = None  # the element's fields, normalised (see _rich_data)
    private: bool = False


@dataclass(frozen=True)
class CsatRecord:
    rating: int
    review: str
    at: datetime | None


@dataclass(frozen=True)
class ConversationRecord:
    business: str
    bot: str
    id: str
    channel: str
    user_id: str
    # Only the details the record gives: name, email, phone, attributes.
    user_details: dict[str, Any]
    started_at: datetime
    ended_at: datetime | None
    has_ended_at: bool
    agent: str | None
    team: str | None
    csat: CsatRecord | None
    messages: tuple[MessageRecord, ...]
    status: str | None = None
    close_reason: str | None = None


Record = BusinessRecord | BotRecord | TeamRecord | StaffRecord | ConversationRecord


def validate(data: Any) -> Record:
    """The typed record of one parsed JSON object of the import format."""
    if isinstance(data, InvalidJSON):
        raise RecordError("record", f"not valid JSON ({data.reason})")
    if not isinstance(data, dict):
        raise RecordError("record", "must be a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in KINDS:
        raise RecordError("type", f"must be one of {', '.join(KINDS)}")
    check_values(data, kind)
    return VALIDATORS[kind](Fields(data, kind))


def kind_of(data: Any) -> str:
    """The record's type as far as it says, for errors about the record as a whole."""
    kind = data.get("type") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) and kind in KINDS else "record"


@functools.cache
def time_zone_names() -> frozenset[str]:
    # The IANA names only: ZoneInfo() would also open any file of the zoneinfo directory,
    # such as "localtime" (the server's own zone) or "posixrules".
    return frozenset(zoneinfo.available_timezones()) - {"localtime", "posixrules", "Factory"}


def _business(fields: Fields) -> BusinessRecord:
    tz_name = fields.string("timezone", max_length=64)
    if tz_name is not None and tz_name not in time_zone_names():
        raise RecordError("business.timezone", "is not an IANA time zone name")
    return BusinessRecord(
        slug=fields.slug("slug"),
        name=fields.string("name"),
        timezone=tz_name,
    )


def _bot(fields: Fields) -> BotRecord:
    entities = None
    if fields.has("entities"):
        entities = {}
        for index, item in enumerate(fields.array("entities") or []):
            entity = Fields(item, f"bot.entities[{index}]")
            entities[entity.required_str("name", max_length=100)] = entity.flag("personal")
    return BotRecord(
        business=fields.required_str("business", max_length=64),
        slug=fields.slug("slug"),
        name=fields.string("name"),
        entities=entities,
    )


def _team(fields: Fields) -> TeamRecord:
    return TeamRecord(
        business=fields.required_str("business", max_length=64),
        slug=fields.slug("slug"),
        name=fields.string("name"),
    )


def _staff(fields: Fields) -> StaffRecord:
    roles = fields.strings("roles")
    for index, role in enumerate(roles):
        if role not in ROLES:
            raise RecordError(f"staff.roles[{index}]", f"must be one of {', '.join(Role.values)}")
    return StaffRecord(
        business=fields.required_str("business", max_length=64),
        username=fields.required_str("username", max_length=150),
        password=fields.string("password", max_length=200),
        email=fields.string("email", max_length=254),
        roles=frozenset(roles),
        teams=tuple(fields.strings("teams")),
        leads=tuple(fields.strings("leads")),
        view_personal_details=fields.flag("view_personal_details"),
        display_name=fields.string("display_name", max_length=150),
    )


def _conversation(fields: Fields) -> ConversationRecord:
    user = fields.object("user", required=True)
    assert user is not None  # `required` raised otherwise
    user_details: dict[str, Any] = {
        name: user.string(name, max_length=max_length)
        for name, max_length in (("name", 200), ("email", 254), ("phone", 50))
        if user.has(name)
    }
    attributes = user.object("attributes")
    if attributes is not None:
        if len(attributes.data) > MAX_ATTRIBUTES:
            raise RecordError(attributes.path, f"has more than {MAX_ATTRIBUTES} entries")
        for name, value in attributes.data.items():
            if not name.strip() or len(name.encode()) > 100:
                raise RecordError(f"{attributes.path} key", "must be a name of 1 to 100 bytes")
            if not isinstance(value, str | int | float | bool):
                raise RecordError(f"{attributes.path}.{name}", "must be a string or number")
            if isinstance(value, str) and len(value.encode()) > 1000:
                raise RecordError(f"{attributes.path}.{name}", "is longer than 1000 bytes")
        user_details["attributes"] = attributes.data

    csat = None
    csat_fields = fields.object("csat")
    if csat_fields is not None:
        rating = csat_fields.integer("rating", required=True)
        assert rating is not None  # `required` raised otherwise
        if not 1 <= rating <= 5:
            raise RecordError("conversation.csat.rating", "must be between 1 and 5")
        csat = CsatRecord(rating, csat_fields.text("review") or "", csat_fields.timestamp("at"))

    messages, seen = [], set()
    for index, item in enumerate(fields.array("messages", max_items=MAX_MESSAGES) or []):
        message = Fields(item, f"conversation.messages[{index}]")
        message_id = message.required_str("id")
        if message_id in seen:
            raise RecordError(f"{message.path}.id", f"duplicate message id {message_id!r}")
        seen.add(message_id)
        sender = message.required_str("sender", max_length=8)
        if sender not in SENDERS:
            raise RecordError(
                f"{message.path}.sender", f"must be one of {', '.join(Sender.values)}"
            )
        messages.append(_message(message, message_id, sender))

    started_at = fields.timestamp("started_at", required=True)
    assert started_at is not None  # `required` raised otherwise
    status = fields.string("status", max_length=16)
    if status is not None and status not in STATUSES:
        raise RecordError(
            "conversation.status", f"must be one of {', '.join(ConversationStatus.values)}"
        )
    return ConversationRecord(
        business=fields.required_str("business", max_length=64),
        bot=fields.required_str("bot", max_length=64),
        id=fields.required_str("id"),
        channel=fields.required_str("channel", max_length=32),
        user_id=user.required_str("id"),
        user_details=user_details,
        started_at=started_at,
        ended_at=fields.timestamp("ended_at"),
        has_ended_at=fields.has("ended_at"),
        agent=fields.string("agent", max_length=150),
        team=fields.string("team", max_length=64),
        csat=csat,
        messages=tuple(messages),
        status=status,
        close_reason=fields.string("close_reason", max_length=MAX_VALUE_BYTES),
    )


def _message(message: Fields, message_id: str, sender: str) -> MessageRecord:
    """One message of format v2: a plain text, or a rich element with its text optional."""
    at = message.timestamp("at", required=True)
    assert at is not None  # `required` raised otherwise
    kind = message.string("type", max_length=16) or MessageKind.TEXT
    if kind not in MESSAGE_KINDS:
        raise RecordError(f"{message.path}.type", f"must be one of {', '.join(MessageKind.values)}")
    data = _rich_data(message, kind)
    picked = data.get("picked")
    # A tap on a quick reply or a button is what the user said: its label is the text.
    text = message.text("text", required=kind == MessageKind.TEXT and picked is None)
    private = message.flag("private")
    if private and sender != Sender.AGENT:
        raise RecordError(f"{message.path}.private", "only an agent's message can be private")
    if picked is not None and sender != Sender.USER:
        raise RecordError(f"{message.path}.picked", "only the user picks an option")
    return MessageRecord(
        id=message_id,
        at=at,
        sender=sender,
        agent=message.string("agent", max_length=150),
        text=text if text is not None else (picked or ""),
        bot_break=message.flag("bot_break"),
        kind=kind,
        data=data,
        private=private,
    )


def _rich_data(message: Fields, kind: str) -> dict[str, Any]:
    """The element's own fields, in the one shape the writer masks and the page shows; each
    kind requires what it cannot be shown without."""
    data: dict[str, Any] = {}
    if (picked := message.string("picked")) is not None:
        data["picked"] = picked
    options = [
        _bounded(option, f"{message.path}.options[{index}]", 200)
        for index, option in enumerate(message.array("options", max_items=MAX_OPTIONS) or [])
    ]
    if options:
        data["options"] = options
    buttons = _buttons(message, "buttons")
    if buttons:
        data["buttons"] = buttons
    cards = []
    for index, item in enumerate(message.array("cards", max_items=MAX_CARDS) or []):
        card = Fields(item, f"{message.path}.cards[{index}]")
        shown: dict[str, Any] = {
            "title": card.required_str("title", max_length=MAX_VALUE_BYTES),
            "subtitle": card.string("subtitle", max_length=MAX_VALUE_BYTES) or "",
        }
        if card.has("image"):
            shown["image"] = _url(card, "image", MEDIA_SCHEMES)
        if buttons_of_card := _buttons(card, "buttons"):
            shown["buttons"] = buttons_of_card
        cards.append(shown)
    if cards:
        data["cards"] = cards
    attachments = []
    for index, item in enumerate(message.array("attachments", max_items=MAX_ATTACHMENTS) or []):
        attachment = Fields(item, f"{message.path}.attachments[{index}]")
        size = attachment.integer("size")
        if size is not None and size < 0:
            raise RecordError(f"{attachment.path}.size", "must be a number of bytes, 0 or more")
        attachments.append(
            {
                "name": attachment.string("name", max_length=MAX_VALUE_BYTES) or "",
                "media_type": attachment.string("media_type", max_length=100) or "",
                "size": size,
                "url": _url(attachment, "url", MEDIA_SCHEMES),
            }
        )
    if attachments:
        data["attachments"] = attachments
    location = message.object("location")
    if location is not None:
        data["location"] = {
            "latitude": _coordinate(location, "latitude", 90),
            "longitude": _coordinate(location, "longitude", 180),
            "name": location.string("name", max_length=MAX_VALUE_BYTES) or "",
        }
    form_fields = []
    for index, item in enumerate(message.array("fields", max_items=MAX_FORM_FIELDS) or []):
        form_field = Fields(item, f"{message.path}.fields[{index}]")
        form_fields.append(
            {
                "label": form_field.required_str("label"),
                "value": form_field.string("value", max_length=MAX_VALUE_BYTES) or "",
            }
        )
    if form_fields:
        data["fields"] = form_fields
    needs = REQUIRED_BY_KIND.get(kind)
    if needs and needs not in data:
        raise RecordError(f"{message.path}.{needs}", f"is required for a {kind} message")
    return data


REQUIRED_BY_KIND: dict[str, str] = {
    MessageKind.QUICK_REPLIES: "options",
    MessageKind.BUTTONS: "buttons",
    MessageKind.CAROUSEL: "cards",
    MessageKind.LOCATION: "location",
    MessageKind.FORM: "fields",
    **{kind: "attachments" for kind in MEDIA_KINDS},
}


def _bounded(value: Any, path: str, max_length: int) -> str:
    if not isinstance(value, str):
        raise RecordError(path, "must be a string")
    if len(value.encode()) > max_length:
        raise RecordError(path, f"is longer than {max_length} bytes")
    return value


def _buttons(fields: Fields, name: str) -> list[dict[str, str]]:
    buttons = []
    for index, item in enumerate(fields.array(name, max_items=MAX_BUTTONS) or []):
        button = Fields(item, f"{fields.path}.{name}[{index}]")
        shown = {"label": button.required_str("label")}
        if button.has("url"):
            shown["url"] = _url(button, "url", LINK_SCHEMES)
        buttons.append(shown)
    return buttons


def _url(fields: Fields, name: str, schemes: frozenset[str]) -> str:
    """An absolute URL of one of `schemes`, the only ones a page turns into a link or image."""
    url = fields.required_str(name, max_length=MAX_URL_BYTES)
    path = f"{fields.path}.{name}"
    # Browsers drop spaces and control characters inside a URL, so "java\tscript:" would
    # run; a URL with any of them is refused rather than cleaned.
    if any(character <= " " or character == "\x7f" for character in url):
        raise RecordError(path, "must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise RecordError(path, "is not a URL") from None
    if parts.scheme.lower() not in schemes:
        raise RecordError(path, f"must be a URL starting with {' or '.join(sorted(schemes))}:")
    if parts.scheme.lower() != "mailto" and not parts.hostname:
        raise RecordError(path, "must name a host")
    return url


def _coordinate(fields: Fields, name: str, limit: int) -> float:
    value = fields._get(name, (int, float), "a number", True)
    if not -limit <= value <= limit:
        raise RecordError(f"{fields.path}.{name}", f"must be between -{limit} and {limit}")
    return float(value)


VALIDATORS: dict[str, Callable[[Fields], Record]] = {
    "business": _business,
    "bot": _bot,
    "team": _team,
    "staff": _staff,
    "conversation": _conversation,
}
