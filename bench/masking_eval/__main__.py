"""Our Masker and Presidio on the labelled evaluation sets: `python -m bench.masking_eval`.

Both sets side by side: cases.jsonl (generate.py, the set the masker was first tuned on) and
second.jsonl (second.py at its held-out seed, drawn from other sources and typing habits).

Recall of a kind is the share of its planted values wholly covered by masked spans; a clear
negative is flagged when anything in it is masked. Our Masker gets each case's known values
(Presidio has no notion of them, so its numbers on the known-value kinds show what generic
patterns alone find). Throughput is over every text of the set, without known values, our
Masker doing the whole job (masking), Presidio only finding.

Options: --cases PATH measures another set instead, repeatable (`generate --seed N --out PATH`
or `second --seed N --out PATH` makes one); --table PATH writes the Markdown table there too;
--misses N prints up to N missed values and flagged negatives per kind, ours; --no-presidio
skips Presidio.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
from collections import defaultdict
from pathlib import Path

from bench.masking_eval import CASES_PATH, SECOND_PATH
from bench.rates import best_rates
from rules.masking import MASKER_VERSION, Masker, PersonalValues

MIN_SECONDS = 2.0


def load_cases(path=CASES_PATH):
    with path.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file]


def personal_values(known):
    if not known:
        return None
    return PersonalValues(
        name=known.get("name", ""),
        email=known.get("email", ""),
        phone=known.get("phone", ""),
        entities=tuple(tuple(entity) for entity in known.get("entities", ())),
    )


def presidio_finder():
    """Presidio's card, PAN, Aadhaar, email and phone recognizers, without an NLP model."""
    import tldextract
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        InAadhaarRecognizer,
        InPanRecognizer,
        PhoneRecognizer,
    )

    class OfflineEmailRecognizer(EmailRecognizer):
        """Checks domains against tldextract's bundled suffix list, not a downloaded one."""

        _extract = tldextract.TLDExtract(suffix_list_urls=())

        def validate_result(self, pattern_text):
            return self._extract(pattern_text).fqdn != ""

    recognizers = [
        CreditCardRecognizer(),
        InPanRecognizer(),
        InAadhaarRecognizer(),
        OfflineEmailRecognizer(),
        PhoneRecognizer(),
    ]

    def find(text):
        return [
            (result.start, result.end)
            for recognizer in recognizers
            for result in recognizer.analyze(text, recognizer.supported_entities, None)
            if result.score > 0
        ]

    return find


def covered(spans, start, end):
    position = start
    for span_start, span_end in sorted(spans):
        if span_start <= position < span_end:
            position = max(position, span_end)
    return position >= end


def score(find, cases):
    """{kind: [hits, total]} for planted values and {kind: [flagged, total]} for negatives,
    with the cases behind each miss."""
    recall, flagged, misses = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0]), []
    for case in cases:
        spans = find(case)
        if case["spans"]:
            for start, end, kind in case["spans"]:
                hit = covered(spans, start, end)
                recall[kind][0] += hit
                recall[kind][1] += 1
                if not hit:
                    misses.append((kind, case, spans))
        else:
            kind = case["kind"]
            flagged[kind][0] += bool(spans)
            flagged[kind][1] += 1
            if spans:
                misses.append((kind, case, spans))
    return recall, flagged, misses


def percent(hits_total):
    hits, total = hits_total
    return f"{100 * hits / total:.1f}%"


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as file:
            cpu = next(line.split(":", 1)[1].strip() for line in file if "model name" in line)
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def commit():
    try:
        return subprocess.run(  # noqa: S603 - a fixed git command
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cell(counts, kind):
    return percent(counts[kind]) if kind in counts else "—"


def table(measured):
    """One Markdown table of every measured set side by side: [(name, cases, ours, theirs,
    our rate, their rate)]."""
    lines = [
        f"{datetime.date.today()}, {machine()}, commit {commit()}, MASKER_VERSION "
        f"{MASKER_VERSION}, load average {os.getloadavg()[0]:.2f}. "
        + "; ".join(
            f"{name}: {sum(1 for case in cases if case['spans']):,} planted values and "
            f"{sum(1 for case in cases if not case['spans']):,} clear negatives"
            for name, cases, *_ in measured
        )
        + ".",
        "",
    ]
    header = "".join(f" {name}: values | ours | Presidio |" for name, *_ in measured)
    rule = "---|---|---|" * len(measured)
    kinds = list(dict.fromkeys(kind for _, _, ours, *_ in measured for kind in ours[0]))
    lines += [f"| kind |{header}", f"|---|{rule}"]
    for kind in kinds:
        row = "".join(
            f" {ours[0][kind][1]:,} | {cell(ours[0], kind)} | {cell(theirs[0], kind)} |"
            if kind in ours[0]
            else " — | — | — |"
            for _, _, ours, theirs, *_ in measured
        )
        lines.append(f"| {kind} |{row}")
    negatives = list(dict.fromkeys(kind for _, _, ours, *_ in measured for kind in ours[1]))
    lines += ["", f"| clear negatives flagged |{header.replace('values', 'texts')}", f"|---|{rule}"]
    for kind in negatives:
        row = "".join(
            f" {ours[1][kind][1]:,} | {cell(ours[1], kind)} | {cell(theirs[1], kind)} |"
            if kind in ours[1]
            else " — | — | — |"
            for _, _, ours, theirs, *_ in measured
        )
        lines.append(f"| {kind.removeprefix('negative: ')} |{row}")
    row = ""
    for _, cases, ours, theirs, *_ in measured:
        total = sum(1 for case in cases if not case["spans"])
        flagged = [sum(value[0] for value in ours[1].values()), total]
        their_flagged = [sum(value[0] for value in theirs[1].values()), total]
        row += f" {total:,} | **{percent(flagged)}** | {percent(their_flagged)} |"
    lines += [f"| **all** |{row}", ""]
    for name, cases, _, _, our_rate, their_rate in measured:
        lines.append(
            f"Throughput over {name}'s {len(cases):,} texts: our Masker {our_rate:,.0f} "
            f"messages/s, Presidio {their_rate:,.0f} messages/s ({our_rate / their_rate:.0f}x)."
        )
    return "\n".join(lines)


def measure(path, presidio_find, misses):
    """(name, cases, ours, theirs, our rate, their rate) of the set at `path`."""
    cases = load_cases(path)
    maskers, errors = {}, []

    def our_spans(case):
        known = personal_values(case.get("known"))
        try:
            if known not in maskers:
                maskers[known] = Masker(known)
            return [(start, end) for start, end, _ in maskers[known].find(case["text"])]
        except Exception as error:  # counted as a miss, and reported
            errors.append(f"{type(error).__name__}: {error}")
            return []

    ours = score(our_spans, cases)
    if errors:
        print(f"{path.name}: our Masker raised on {len(errors)} cases, first: {errors[0]}")
    texts = [case["text"] for case in cases]
    if presidio_find is None:
        theirs, (our_rate,) = ours, best_rates([(Masker().mask, MIN_SECONDS)], texts)
        their_rate = float("nan")
    else:
        theirs = score(lambda case: presidio_find(case["text"]), cases)
        our_rate, their_rate = best_rates([(Masker().mask, MIN_SECONDS), (presidio_find, 0)], texts)
    shown = defaultdict(int)
    for kind, case, spans in ours[2]:
        if shown[kind] < misses:
            shown[kind] += 1
            found = [case["text"][start:end] for start, end in spans]
            print(f"MISS {kind} [{case.get('form', '')}] {case['text']!r} found {found}")
    return path.name, cases, ours, theirs, our_rate, their_rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        type=Path,
        action="append",
        help="a labelled set (repeatable); both sets by default",
    )
    parser.add_argument("--table", help="also write the Markdown table to this file")
    parser.add_argument("--misses", type=int, default=0, help="show up to N misses per kind")
    parser.add_argument("--no-presidio", action="store_true", help="measure our Masker only")
    arguments = parser.parse_args()

    presidio_find = None
    if not arguments.no_presidio:
        presidio_find = presidio_finder()
        presidio_find("+91 98765 43210")  # loads phone metadata before the clock starts
    paths = arguments.cases or [CASES_PATH, SECOND_PATH]
    report = table([measure(path, presidio_find, arguments.misses) for path in paths])
    print(report)
    if arguments.table:
        with open(arguments.table, "w", encoding="utf-8") as file:
            file.write(report + "\n")


if __name__ == "__main__":
    main()
