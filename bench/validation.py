"""`python -m bench.validation [MESSAGES]`: the import's validation, pydantic against msgspec.

Both validate the same conversations of the benchmark's data (bench/dataset.py, 1M messages
unless told otherwise), parsed once beforehand, as the importer gets them: pydantic through the
import's own models (ingest/records.py `validate`, which also walks every value for lone
surrogates, NUL, depth and range), msgspec through the same conversation shape declared as
msgspec Structs below, with the same bounds and the same walk. What each costs a message is
printed; bench/RESULTS.md ("Validation: pydantic or msgspec") has the figures. Needs
requirements-bench.txt (msgspec).
"""

import json
import os
import sys
import time
from datetime import datetime
from typing import Annotated, Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

import msgspec  # noqa: E402 - after Django, like every import that reads the models

from bench.dataset import Scale, ensure_file  # noqa: E402
from ingest import records  # noqa: E402

# The shape of ingest/records.py in msgspec: bounds in characters by Meta, in bytes by
# __post_init__, the rules between fields there too.


def _within(value: str | None, limit: int) -> None:
    if value is not None and len(value) * 4 > limit and len(value.encode()) > limit:
        raise ValueError(f"is longer than {limit} bytes")


def _timestamp(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.utcoffset() is None or not records.EARLIEST <= parsed < records.LATEST:
        raise ValueError("is not a timestamp of 1970–2099 with a UTC offset")
    return parsed


def _url(value: str | None, schemes: frozenset[str]) -> None:
    if value is None:
        return
    _within(value, records.MAX_URL_BYTES)
    if any(character <= " " or character == "\x7f" for character in value):
        raise ValueError("must not contain spaces or control characters")
    if value.partition(":")[0].lower() not in schemes:
        raise ValueError("must be a URL of an allowed scheme")


Str200 = Annotated[str, msgspec.Meta(max_length=200)]
Str1000 = Annotated[str, msgspec.Meta(max_length=records.MAX_VALUE_BYTES)]


class Button(msgspec.Struct, forbid_unknown_fields=False):
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    url: str | None = None

    def __post_init__(self) -> None:
        _within(self.label, 200)
        _url(self.url, records.LINK_SCHEMES)


class Card(msgspec.Struct):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=records.MAX_VALUE_BYTES)]
    subtitle: Str1000 = ""
    image: str | None = None
    buttons: Annotated[list[Button], msgspec.Meta(max_length=records.MAX_BUTTONS)] = []

    def __post_init__(self) -> None:
        _within(self.title, records.MAX_VALUE_BYTES)
        _within(self.subtitle, records.MAX_VALUE_BYTES)
        _url(self.image, records.MEDIA_SCHEMES)


class Attachment(msgspec.Struct):
    url: str
    name: Str1000 = ""
    media_type: Annotated[str, msgspec.Meta(max_length=100)] = ""
    size: Annotated[int, msgspec.Meta(ge=0)] | None = None

    def __post_init__(self) -> None:
        _url(self.url, records.MEDIA_SCHEMES)
        _within(self.name, records.MAX_VALUE_BYTES)


class Location(msgspec.Struct):
    latitude: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    longitude: Annotated[float, msgspec.Meta(ge=-180, le=180)]
    name: Str1000 = ""


class FormField(msgspec.Struct):
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    value: Str1000 = ""


class Message(msgspec.Struct):
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    at: str
    sender: str
    kind: str = msgspec.field(default="text", name="type")
    agent: Annotated[str, msgspec.Meta(max_length=150)] | None = None
    text: Annotated[str, msgspec.Meta(max_length=records.MAX_TEXT_BYTES)] | None = None
    bot_break: bool = False
    picked: Str200 | None = None
    options: Annotated[list[Str200], msgspec.Meta(max_length=records.MAX_OPTIONS)] = []
    buttons: Annotated[list[Button], msgspec.Meta(max_length=records.MAX_BUTTONS)] = []
    cards: Annotated[list[Card], msgspec.Meta(max_length=records.MAX_CARDS)] = []
    attachments: Annotated[list[Attachment], msgspec.Meta(max_length=records.MAX_ATTACHMENTS)] = []
    location: Location | None = None
    fields: Annotated[list[FormField], msgspec.Meta(max_length=records.MAX_FORM_FIELDS)] = []
    private: bool = False

    def __post_init__(self) -> None:
        _within(self.id, 200)
        _within(self.text, records.MAX_TEXT_BYTES)
        self.at = _timestamp(self.at)  # type: ignore[assignment]
        if self.sender not in records.SENDERS or self.kind not in records.MESSAGE_KINDS:
            raise ValueError("unknown sender or type")
        needs = records.REQUIRED_BY_KIND.get(self.kind)
        if needs and not getattr(self, needs):
            raise ValueError(f"{needs} is required for a {self.kind} message")
        if self.text is None and self.kind == "text" and self.picked is None:
            raise ValueError("text is required")
        if self.private and self.sender != "agent":
            raise ValueError("only an agent's message can be private")
        if self.picked is not None and self.sender != "user":
            raise ValueError("only the user picks an option")


AttributeValue = str | int | float | bool


class User(msgspec.Struct):
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    name: Str200 | None = None
    email: Annotated[str, msgspec.Meta(max_length=254)] | None = None
    phone: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    attributes: (
        Annotated[dict[str, AttributeValue], msgspec.Meta(max_length=records.MAX_ATTRIBUTES)] | None
    ) = None

    def __post_init__(self) -> None:
        for name, value in (self.attributes or {}).items():
            if not name.strip() or len(name.encode()) > 100:
                raise ValueError("must be a name of 1 to 100 bytes")
            if isinstance(value, str):
                _within(value, records.MAX_VALUE_BYTES)


class Csat(msgspec.Struct):
    rating: Annotated[int, msgspec.Meta(ge=1, le=5)]
    review: str = ""
    at: str | None = None


class Conversation(msgspec.Struct):
    type: str
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    business: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    bot: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    channel: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    user: User
    started_at: str
    ended_at: str | None = None
    agent: Annotated[str, msgspec.Meta(max_length=150)] | None = None
    team: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    csat: Csat | None = None
    messages: Annotated[list[Message], msgspec.Meta(max_length=records.MAX_MESSAGES)] = []
    status: str | None = None
    close_reason: Str1000 | None = None

    def __post_init__(self) -> None:
        self.started_at = _timestamp(self.started_at)  # type: ignore[assignment]
        if self.ended_at is not None:
            self.ended_at = _timestamp(self.ended_at)  # type: ignore[assignment]
        if len({message.id for message in self.messages}) < len(self.messages):
            raise ValueError("duplicate message id")


def with_msgspec(data: Any) -> Conversation:
    records.check_values(data, "conversation")
    return msgspec.convert(data, Conversation, strict=True)


def conversations(messages: int) -> list[dict[str, Any]]:
    with ensure_file(Scale(messages)).open(encoding="utf-8") as stream:
        parsed = (json.loads(line) for line in stream)
        return [record for record in parsed if record["type"] == "conversation"]


def measure(name: str, validate: Any, data: list[dict[str, Any]], messages: int) -> None:
    started = time.perf_counter()
    for record in data:
        validate(record)
    elapsed = time.perf_counter() - started
    print(
        f"{name:>9}: {elapsed:6.2f} s, {elapsed / messages * 1e6:5.2f} µs a message, "
        f"{messages / elapsed:>9,.0f} messages/s"
    )


def main() -> None:
    target = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    data = conversations(target)
    messages = sum(len(record["messages"]) for record in data)
    print(f"{len(data):,} conversations, {messages:,} messages")
    # Each library warms up on a slice, then is measured on everything, twice over.
    for validate in (records.validate, with_msgspec):
        for record in data[:200]:
            validate(record)
    for _ in range(2):
        measure("pydantic", records.validate, data, messages)
        measure("msgspec", with_msgspec, data, messages)


if __name__ == "__main__":
    main()
