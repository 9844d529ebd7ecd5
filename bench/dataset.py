"""The benchmark's data: demo conversations at a given number of messages, as JSON Lines.

The records come from `demo.records` with a longer tail of end users (a few with
hundreds of conversations) and a few marathons of 2,000 or more messages. Files are written
once per scale to bench/data/ (git-ignored) and imported from there, as `import_data` would.
"""

import datetime
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from demo.records import CONVERSATIONS_PER_USER, demo_records

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED = 2024
TODAY = datetime.date(2026, 11, 1)  # fixed, so a file can be reused on another day
# The demo's conversations average about this many messages (its marathons included).
MESSAGES_PER_CONVERSATION = 20.2
# The demo's end users, plus a few who come back tens or hundreds of times.
PER_USER = {**CONVERSATIONS_PER_USER, 25: 0.5, 100: 0.1, 400: 0.02}
# The chat pages are measured at 20, 200 and 2,000 messages: every scale has one conversation
# of about 200 and one of about 2,000, and bigger ones add a 2,500-message one per 250,000.
MARATHONS = (200, 2000)
MARATHON_EVERY = 250_000


@dataclass(frozen=True)
class Scale:
    messages: int  # the target; the file holds about as many

    @property
    def label(self):
        if self.messages >= 1_000_000:
            return f"{self.messages / 1_000_000:g}M"
        return f"{self.messages / 1000:g}k"

    @property
    def marathons(self):
        return MARATHONS + (2500,) * (self.messages // MARATHON_EVERY)

    @property
    def conversations(self):
        rest = self.messages - sum(self.marathons)
        return max(1, round(rest / MESSAGES_PER_CONVERSATION))

    @property
    def path(self):
        return DATA_DIR / f"messages-{self.messages}-seed{SEED}.jsonl"


def ensure_file(scale):
    """The JSON Lines file of `scale`, generated unless an earlier run left it."""
    if scale.path.exists():
        return scale.path
    DATA_DIR.mkdir(exist_ok=True)
    started = time.monotonic()
    records = demo_records(
        SEED,
        TODAY,
        scale.conversations,
        per_user=PER_USER,
        marathons=scale.marathons,
    )
    partial = scale.path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as stream:
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.rename(scale.path)
    print(
        f"generated {scale.path.name} in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )
    return scale.path


def message_texts(path, limit, per_conversation=40):
    """The texts of the first `limit` messages in a data file, at most `per_conversation` of
    each conversation, so that no marathon makes up most of them."""
    texts = []
    with path.open(encoding="utf-8") as stream:
        for line in stream:
            messages = json.loads(line).get("messages", ())
            texts.extend(message["text"] for message in messages[:per_conversation])
            if len(texts) >= limit:
                break
    return texts[:limit]
