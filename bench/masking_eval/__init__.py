"""A labelled evaluation set for the masker, drawn from outside sources.

`cases.jsonl` holds one case a line: a message text, the spans a reader takes for personal data
(each with its kind), and the values known about the end user where the case needs them. A
case without spans is a clear negative: nothing in it is personal, so anything masked in it is
over-masking. The values come from libraries that know them better than our own code does
(Faker's locales, python-stdnum, phonenumbers' example numbers, Presidio's test values), so the
set does not just replay the masker's own idea of what a card or a phone number looks like.

`python -m bench.masking_eval.generate` rebuilds the file (deterministic by seed);
`python -m bench.masking_eval` measures our Masker and Presidio on it and on `second.jsonl`, a
second set drawn from other sources and typing habits (`python -m bench.masking_eval.second`).
"""

import argparse
import json
from collections.abc import Callable
from pathlib import Path

CASES_PATH = Path(__file__).with_name("cases.jsonl")
SECOND_PATH = Path(__file__).with_name("second.jsonl")


def write_cases(description: str, build: Callable[[int], list[dict]], seed: int, out: Path):
    """The command line of a set's builder: `--seed` and `--out`, then the set written there,
    one case a line, and how many values and negatives it holds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seed", type=int, default=seed, help="another seed: a held-out set")
    parser.add_argument("--out", type=Path, default=out, help="where to write it")
    arguments = parser.parse_args()
    cases = build(arguments.seed)
    with arguments.out.open("w", encoding="utf-8") as file:
        for case in cases:
            file.write(json.dumps(case, ensure_ascii=False) + "\n")
    positives = sum(1 for case in cases if case["spans"])
    print(f"{arguments.out}: {positives} planted values, {len(cases) - positives} clear negatives")
