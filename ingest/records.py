"""Records of the import format, validated before anything is written.

The models below are the format: docs/import-format.md describes it, and the JSON Schema made
from them (`json_schema()`, served at /api/v1/schema.json) is its authority.

`loads(text)` parses one record's JSON strictly, and `validate(data)` turns the parsed object
into a typed record (a pydantic model), or raises RecordError naming the field and the
reason. Whatever passes is safe to store and to show: valid Unicode, bounded sizes, dates
every time zone can convert, slugs that fit in URLs. Nothing here reads the database:
references (a business, bot, team or staff member named by slug or username) are resolved
afterwards by the importer.
"""

import functools
import json
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import ErrorDetails, PydanticCustomError, core_schema

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


def storable(value: Any, depth: int = 0) -> bool:
    """Whether `check_values` would pass `value`, found out without naming each place: its
    one pass over every string and number of a record costs as much as the rest of the
    validation, and records are nearly always good. Anything unusual, a subclass of a JSON
    type included, is left to `check_values` (False)."""
    if depth > MAX_DEPTH:
        return False
    kind = type(value)
    if kind is str:
        return _storable_string(value)
    if kind is dict:
        return all(
            type(key) is str and _storable_string(key) and storable(item, depth + 1)
            for key, item in value.items()
        )
    if kind is list:
        return all(storable(item, depth + 1) for item in value)
    if kind is int or kind is float:
        return bool(abs(value) <= MAX_INTEGER)
    return kind is bool or value is None


def _storable_string(value: str) -> bool:
    if "\x00" in value:
        return False
    if value.isascii():
        return True  # no lone surrogate either
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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


def kind_of(data: Any) -> str:
    """The record's type as far as it says, for errors about the record as a whole."""
    kind = data.get("type") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) and kind in KINDS else "record"


@functools.cache
def time_zone_names() -> frozenset[str]:
    # The IANA names only: ZoneInfo() would also open any file of the zoneinfo directory,
    # such as "localtime" (the server's own zone) or "posixrules".
    return frozenset(zoneinfo.available_timezones()) - {"localtime", "posixrules", "Factory"}


# The format itself: each record a model, each rule of a field a piece of its type that both
# validates and says itself in the JSON Schema (`json_schema()`, served at /api/v1/schema.json).


@dataclass(frozen=True)
class _Rule:
    """A field's rule: `check` runs after the type's own validation (a str is a str) and raises
    PydanticCustomError with the reason; `schema` is what the rule adds to the JSON Schema."""

    def check(self, value: Any) -> Any:
        return value

    def schema(self) -> dict[str, Any]:
        return {}

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), **self.schema()}


def _invalid(reason: str) -> PydanticCustomError:
    # The reason is the message as it is: no {placeholders} in it are filled in.
    return PydanticCustomError("record", "{reason}", {"reason": reason})


@dataclass(frozen=True)
class Bytes(_Rule):
    """A string of at most `limit` bytes of UTF-8; `required` ones not blank either."""

    limit: int
    required: bool = False
    reason: str = ""  # instead of the two below

    def check(self, value: str) -> str:
        if self.required and not value.strip():
            raise _invalid(self.reason or "must not be empty")
        # Four bytes a character at most: only a string that may be too long is encoded.
        if len(value) * 4 > self.limit and len(value.encode()) > self.limit:
            raise _invalid(self.reason or f"is longer than {self.limit} bytes")
        return value

    def schema(self) -> dict[str, Any]:
        words = {"maxLength": self.limit, "x-maxBytes": self.limit}
        return {**words, "minLength": 1} if self.required else words


@dataclass(frozen=True)
class Slug(Bytes):
    limit: int = 64
    required: bool = True

    def check(self, value: str) -> str:
        value = super().check(value)
        if not SLUG.fullmatch(value):
            raise _invalid("must be a slug: letters, digits, hyphens, underscores")
        return value

    def schema(self) -> dict[str, Any]:
        return {**super().schema(), "pattern": f"^{SLUG.pattern}$"}


@dataclass(frozen=True)
class OneOf(_Rule):
    values: tuple[str, ...]

    def check(self, value: str) -> str:
        if value not in self.values:
            raise _invalid(f"must be one of {', '.join(self.values)}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class TimeZone(Bytes):
    limit: int = 64

    def check(self, value: str) -> str:
        if super().check(value) not in time_zone_names():
            raise _invalid("is not an IANA time zone name")
        return value

    def schema(self) -> dict[str, Any]:
        return {**super().schema(), "description": "an IANA time zone name, such as Asia/Kolkata"}


@dataclass(frozen=True)
class Between(_Rule):
    low: int
    high: int
    reason: str = ""

    def check(self, value: float) -> float:
        if not self.low <= value <= self.high:
            raise _invalid(self.reason or f"must be between {self.low} and {self.high}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"minimum": self.low, "maximum": self.high}


@dataclass(frozen=True)
class Url(Bytes):
    """An absolute URL of one of `schemes`, the only ones a page turns into a link or image."""

    limit: int = MAX_URL_BYTES
    required: bool = True
    schemes: frozenset[str] = MEDIA_SCHEMES

    def check(self, value: str) -> str:
        url = super().check(value)
        # Browsers drop spaces and control characters inside a URL, so "java\tscript:" would
        # run; a URL with any of them is refused rather than cleaned.
        if any(character <= " " or character == "\x7f" for character in url):
            raise _invalid("must not contain spaces or control characters")
        try:
            parts = urlsplit(url)
        except ValueError:
            raise _invalid("is not a URL") from None
        if parts.scheme.lower() not in self.schemes:
            raise _invalid(f"must be a URL starting with {' or '.join(sorted(self.schemes))}:")
        if parts.scheme.lower() != "mailto" and not parts.hostname:
            raise _invalid("must name a host")
        return url

    def schema(self) -> dict[str, Any]:
        schemes = "|".join(sorted(self.schemes))
        return {**super().schema(), "format": "uri", "pattern": f"^(?i:{schemes}):"}


def _timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise _invalid("must be an ISO 8601 timestamp string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _invalid("is not an ISO 8601 timestamp") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise _invalid("timestamp has no UTC offset")
    # Comparing never converts, so it cannot overflow as converting 0001-01-01T00:00+05:30
    # to UTC, or 9999-12-31T23:00-05:00 to a business's time zone, would.
    if not EARLIEST <= parsed < LATEST:
        raise _invalid(f"is outside the years {EARLIEST.year}–{LATEST.year - 1}")
    return parsed


def _attribute_value(value: Any) -> str | int | float | bool:
    if not isinstance(value, str | int | float | bool):
        raise _invalid("must be a string or number")
    if isinstance(value, str) and len(value.encode()) > MAX_VALUE_BYTES:
        raise _invalid(f"is longer than {MAX_VALUE_BYTES} bytes")
    return value


Timestamp = Annotated[
    datetime,
    PlainValidator(_timestamp),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 with a UTC offset, from 1970 to 2099",
        }
    ),
]
Id = Annotated[str, Bytes(200, required=True)]
Name = Annotated[str, Bytes(200)]
BusinessSlug = Annotated[str, Bytes(64, required=True)]
Username = Annotated[str, Bytes(150)]
Value = Annotated[str, Bytes(MAX_VALUE_BYTES)]
Text = Annotated[str, Bytes(MAX_TEXT_BYTES, reason="text is over 64 KiB")]
Label = Annotated[str, Bytes(200, required=True)]
AttributeName = Annotated[str, Bytes(100, required=True, reason="must be a name of 1 to 100 bytes")]
AttributeValue = Annotated[
    str | int | float | bool,
    PlainValidator(_attribute_value),
    WithJsonSchema({"type": ["string", "number", "boolean"], "maxLength": MAX_VALUE_BYTES}),
]


def _at_most(items: int) -> Any:
    return Field(max_length=items)


def _up_to(items: int) -> Any:
    """A list field of at most `items` items, empty when left out. (A factory, not `= []`:
    pydantic would deep-copy that default for every record that leaves the field out.)"""
    return Field(default_factory=list, max_length=items)


class _Model(BaseModel):
    # Strict: JSON types as they are (no "5" for 5, no true for 1); fields the format does not
    # name are ignored, so a platform may send more than we read.
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")

    # Fields whose null says something: "none" rather than "as it is".
    nulls_kept: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        # A field given as null is as good as left out: a default, or "is required".
        if isinstance(data, dict) and None in data.values():
            return {
                name: value
                for name, value in data.items()
                if value is not None or name in cls.nulls_kept
            }
        return data


MAX_RETENTION_DAYS = 36_500  # a hundred years


class BusinessRecord(_Model):
    """A business, whose staff see its chats."""

    type: Literal["business"]
    slug: Annotated[str, Slug()]
    name: Name | None = None
    timezone: Annotated[str, TimeZone()] | None = Field(None, description="default UTC")
    nulls_kept = frozenset({"retention_days"})

    require_second_factor: bool | None = Field(
        None,
        description="staff who hold the personal-details permission see personal data only "
        "once they have verified a second factor in their session; default true",
    )
    trust_idp_second_factor: bool | None = Field(
        None,
        description="a second factor that the identity provider says the person used at a "
        "single sign-on (amr or acr) counts as verified in that session; default false",
    )
    allow_single_sign_on: bool | None = Field(
        None,
        description="staff may sign in through the identity provider (only those whose every "
        "business allows it); default false",
    )
    retention_days: Annotated[int, Between(1, MAX_RETENTION_DAYS)] | None = Field(
        None,
        description="days a conversation is kept after its last message; null: for ever; "
        "left out: as it is",
    )


class Entity(_Model):
    """Something a bot collects; a personal one is PII, masked for viewers without the right."""

    name: Annotated[str, Bytes(100, required=True)]
    personal: bool = False


class BotRecord(_Model):
    type: Literal["bot"]
    business: BusinessSlug
    slug: Annotated[str, Slug()]
    name: Name | None = None
    # Left out: the bot's entities stay as they are.
    entities: Annotated[list[Entity], _at_most(MAX_LIST_ITEMS)] | None = None

    def entity_flags(self) -> dict[str, bool] | None:
        """name -> personal, or None to keep the bot's entities."""
        if self.entities is None:
            return None
        return {entity.name: entity.personal for entity in self.entities}


class TeamRecord(_Model):
    type: Literal["team"]
    business: BusinessSlug
    slug: Annotated[str, Slug()]
    name: Name | None = None


class StaffRecord(_Model):
    """A platform user's membership of one business (import_data only, never the API)."""

    type: Literal["staff"]
    roles: list[Annotated[str, OneOf(tuple(Role.values))]] = _up_to(MAX_LIST_ITEMS)
    business: BusinessSlug
    username: Annotated[str, Bytes(150, required=True)]
    password: Name | None = Field(None, description="required for a new user")
    email: Annotated[str, Bytes(254)] | None = None
    teams: list[str] = _up_to(MAX_LIST_ITEMS)
    leads: list[str] = _up_to(MAX_LIST_ITEMS)
    view_personal_details: bool = False
    display_name: Username | None = None


class User(_Model):
    """The end user: `id` identifies them within the business; later records update the rest."""

    id: Id
    name: Name | None = None
    email: Annotated[str, Bytes(254)] | None = None
    phone: Annotated[str, Bytes(50)] | None = None
    attributes: Annotated[dict[AttributeName, AttributeValue], _at_most(MAX_ATTRIBUTES)] | None = (
        None
    )

    def details(self) -> dict[str, Any]:
        """Only the details the record gives: name, email, phone, attributes."""
        details: dict[str, Any] = {
            name: value
            for name, value in (("name", self.name), ("email", self.email), ("phone", self.phone))
            if value is not None
        }
        if self.attributes is not None:
            details["attributes"] = self.attributes
        return details


class CsatRecord(_Model):
    rating: Annotated[int, Between(1, 5)]
    review: Text = ""
    at: Timestamp | None = None


class Button(_Model):
    label: Label
    url: Annotated[str, Url(schemes=LINK_SCHEMES)] | None = None

    def shown(self) -> dict[str, str]:
        return {"label": self.label} if self.url is None else {"label": self.label, "url": self.url}


class Card(_Model):
    title: Annotated[str, Bytes(MAX_VALUE_BYTES, required=True)]
    subtitle: Value = ""
    image: Annotated[str, Url()] | None = None
    buttons: list[Button] = _up_to(MAX_BUTTONS)

    def shown(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"title": self.title, "subtitle": self.subtitle}
        if self.image is not None:
            shown["image"] = self.image
        if self.buttons:
            shown["buttons"] = [button.shown() for button in self.buttons]
        return shown


class Attachment(_Model):
    url: Annotated[str, Url()]
    name: Value = ""
    media_type: Annotated[str, Bytes(100)] = ""
    size: Annotated[int, Between(0, MAX_INTEGER, "must be a number of bytes, 0 or more")] | None = (
        None
    )

    def shown(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
            "url": self.url,
        }


class Location(_Model):
    latitude: Annotated[float, Between(-90, 90)]
    longitude: Annotated[float, Between(-180, 180)]
    name: Value = ""


class FormField(_Model):
    label: Label
    value: Value = ""


class MessageRecord(_Model):
    """One message: a plain text, or (format v2) a rich element with its text optional."""

    id: Id = Field(description="unique within the conversation")
    at: Timestamp
    sender: Annotated[str, OneOf(tuple(Sender.values))]
    kind: Annotated[str, OneOf(tuple(MessageKind.values))] = Field(
        MessageKind.TEXT, alias="type", description='left out or "": text'
    )
    agent: Username | None = Field(None, description="the staff member's username")
    text: Text | None = Field(None, description="required for a text message but a picked one")
    bot_break: bool = Field(False, description="a user message the bot failed to understand")
    picked: Annotated[str, Bytes(200)] | None = Field(
        None, description="the option or button a user tapped"
    )
    options: list[Annotated[str, Bytes(200)]] = _up_to(MAX_OPTIONS)
    buttons: list[Button] = _up_to(MAX_BUTTONS)
    cards: list[Card] = _up_to(MAX_CARDS)
    attachments: list[Attachment] = _up_to(MAX_ATTACHMENTS)
    location: Location | None = None
    fields: list[FormField] = _up_to(MAX_FORM_FIELDS)
    private: bool = Field(False, description="an agent's internal note")

    @field_validator("kind", mode="before")
    @classmethod
    def _empty_type_is_text(cls, value: Any) -> Any:
        return MessageKind.TEXT if value == "" else value

    @model_validator(mode="after")
    def _fits_its_kind(self) -> "MessageRecord":
        needs = REQUIRED_BY_KIND.get(self.kind)
        if needs and not getattr(self, needs):
            raise _invalid_field(needs, f"is required for a {self.kind} message")
        # A tap on a quick reply or a button is what the user said: its label is the text.
        if self.text is None and self.kind == MessageKind.TEXT and self.picked is None:
            raise _invalid_field("text", "is required")
        if self.private and self.sender != Sender.AGENT:
            raise _invalid_field("private", "only an agent's message can be private")
        if self.picked is not None and self.sender != Sender.USER:
            raise _invalid_field("picked", "only the user picks an option")
        return self

    @property
    def said(self) -> str:
        """The message's text: its own, or else the label the user picked."""
        return self.text if self.text is not None else (self.picked or "")

    @property
    def data(self) -> dict[str, Any]:
        """The element's fields in the one shape the writer masks and the page shows."""
        data: dict[str, Any] = {}
        if self.picked is not None:
            data["picked"] = self.picked
        if self.options:
            data["options"] = self.options
        if self.buttons:
            data["buttons"] = [button.shown() for button in self.buttons]
        if self.cards:
            data["cards"] = [card.shown() for card in self.cards]
        if self.attachments:
            data["attachments"] = [attachment.shown() for attachment in self.attachments]
        if self.location is not None:
            data["location"] = self.location.model_dump()
        if self.fields:
            data["fields"] = [form_field.model_dump() for form_field in self.fields]
        return data


REQUIRED_BY_KIND: dict[str, str] = {
    MessageKind.QUICK_REPLIES: "options",
    MessageKind.BUTTONS: "buttons",
    MessageKind.CAROUSEL: "cards",
    MessageKind.LOCATION: "location",
    MessageKind.FORM: "fields",
    **{kind: "attachments" for kind in MEDIA_KINDS},
}


def _invalid_field(name: str, reason: str) -> PydanticCustomError:
    """An error of the rules between fields, naming the field it is about."""
    return PydanticCustomError("record", "{reason}", {"reason": reason, "field": name})


class ConversationRecord(_Model):
    """A conversation with its end user and messages; sent again, it adds what is new."""

    type: Literal["conversation"]
    id: Id = Field(description="the platform's conversation id, unique within the business")
    business: BusinessSlug
    bot: BusinessSlug
    channel: Annotated[str, Bytes(32, required=True)] = Field(description="web, whatsapp, …")
    user: User
    started_at: Timestamp
    ended_at: Timestamp | None = None
    agent: Username | None = Field(None, description="the staff member's username")
    team: Annotated[str, Bytes(64)] | None = Field(None, description="the team's slug")
    csat: CsatRecord | None = None
    messages: list[MessageRecord] = _up_to(MAX_MESSAGES)
    status: Annotated[str, OneOf(tuple(ConversationStatus.values))] | None = None
    close_reason: Value | None = None

    @model_validator(mode="after")
    def _message_ids_are_unique(self) -> "ConversationRecord":
        seen: set[str] = set()
        for index, message in enumerate(self.messages):
            if message.id in seen:
                raise _invalid_field(
                    f"messages[{index}].id", f"duplicate message id {message.id!r}"
                )
            seen.add(message.id)
        return self


Record = BusinessRecord | BotRecord | TeamRecord | StaffRecord | ConversationRecord
# One record of any type, told apart by its "type".
RECORD = Annotated[Record, Field(discriminator="type")]
MODELS: dict[str, type[Record]] = {
    "business": BusinessRecord,
    "bot": BotRecord,
    "team": TeamRecord,
    "staff": StaffRecord,
    "conversation": ConversationRecord,
}


def validate(data: Any) -> Record:
    """The typed record of one parsed JSON object of the import format."""
    if isinstance(data, InvalidJSON):
        raise RecordError("record", f"not valid JSON ({data.reason})")
    if not isinstance(data, dict):
        raise RecordError("record", "must be a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in KINDS:
        raise RecordError("type", f"must be one of {', '.join(KINDS)}")
    if not storable(data):
        check_values(data, kind)
    try:
        return MODELS[kind].model_validate(data)
    except ValidationError as error:
        raise record_error(kind, error.errors(include_url=False)[0]) from None


# Pydantic's own errors, in the words of the format.
TYPE_NAMES = {
    "string_type": "a string",
    "bool_type": "true or false",
    "int_type": "an integer",
    "float_type": "a number",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def record_error(kind: str, error: ErrorDetails) -> RecordError:
    """The RecordError of pydantic's first error: the field's path as the format names it
    (`conversation.messages[0].at`) and the reason."""
    location = error["loc"]
    context = error.get("ctx") or {}
    steps = [kind]
    for step in location:
        if step == "[key]":
            # A dict's key: pydantic names the key, then "[key]"; the format names the dict.
            steps[-1] = " key"
        else:
            steps.append(f"[{step}]" if isinstance(step, int) else f".{step}")
    if "field" in context:
        steps.append(f".{context['field']}")
    path = "".join(steps)
    match error["type"]:
        case "record":
            return RecordError(path, context["reason"])
        case "missing":
            return RecordError(path, "is required")
        case "too_long":
            limit = context["max_length"]
            if context.get("field_type") == "Dictionary":
                return RecordError(path, f"has more than {limit} entries")
            return RecordError(path, f"has more than {limit} items")
        case "model_type" | "model_attributes_type" if location and isinstance(location[-1], int):
            return RecordError(path, "must be a JSON object")
        case type_error if type_error in TYPE_NAMES:
            return RecordError(path, f"must be {TYPE_NAMES[type_error]}")
    # Any other of pydantic's errors, in its own words; none is known to reach here.
    return RecordError(path, error["msg"])


@functools.cache
def json_schema() -> dict[str, Any]:
    """The import format as a JSON Schema: one record (a line, or an item of the API's array)."""
    adapter: TypeAdapter[Record] = TypeAdapter(RECORD)
    schema = adapter.json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Chat Links import record",
        "description": (
            "One record of the import format (docs/import-format.md): a line of a JSON Lines "
            "file, or a record of POST /api/v1/import. Beyond this schema: every string, keys "
            "included, is valid Unicode without NUL; numbers are within ±2^53; objects and "
            f"lists nest at most {MAX_DEPTH} levels; no key is given twice in an object; "
            "x-maxBytes bounds a string's UTF-8 bytes; a field given as null counts as left "
            "out; fields not named here are ignored; references (business, bot, team, agent) "
            "must name what exists."
        ),
        **schema,
    }
