"""The benchmarks of the Chat Links issue "Benchmarks", run by `make bench` and `make bench-quick`.

At each scale (10,000, 100,000 and 1,000,000 messages; 10,000 only for the quick run) the
benchmark database is dropped, recreated and filled through the importer, timed; then every
page is measured (bench.pages). At the largest scale, the largest business is masked again as
after new masking rules (bench.remask), and gunicorn serves a mix of chat and list pages to 1,
4 and 16 concurrent clients (bench.load). Our Masker and Presidio mask the same message texts
(bench.masking) first, before the database has work of its own to finish (vacuuming after an
import, checkpoints) on the machine's two cores. The full run writes bench/RESULTS.md.
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import db, report
from bench.dataset import DATA_DIR, Scale, ensure_file, message_texts
from bench.load import throughput
from bench.masking import compare
from bench.pages import Clients, compute_topics, measure, pages
from bench.remask import remask_largest

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
# The pages the concurrent clients request in turn: chat links and the Smart Agent Chat lists.
LOAD_MIX = (
    "chat link masked, 20 messages",
    "chat link full, 20 messages",
    "chat link masked, 200 messages",
    "My Chats",
    "Teams",
    "Business",
)


@dataclass(frozen=True)
class Plan:
    name: str
    scales: tuple[Scale, ...]
    repetitions: int  # timed requests per page
    load_levels: tuple[int, ...]  # concurrent clients
    load_seconds: int
    masking_texts: int
    output: Path


FULL = Plan(
    "full",
    (Scale(10_000), Scale(100_000), Scale(1_000_000)),
    repetitions=20,
    load_levels=(1, 4, 16),
    load_seconds=30,
    masking_texts=5000,
    output=RESULTS,
)
QUICK = Plan(
    "quick",
    (Scale(10_000),),
    repetitions=5,
    load_levels=(4,),
    load_seconds=5,
    masking_texts=1000,
    output=DATA_DIR / "RESULTS-quick.md",
)


def log(message):
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run_scale(scale, plan):
    """(ScaleRun, the signed-in clients) for one scale, its data left in the database."""
    path = ensure_file(scale)
    log(f"{scale.label}: recreating the database and importing {path.name}")
    db.recreate()
    imported = db.import_file(path)
    log(f"{scale.label}: {imported.messages:,} messages at {imported.rate:,.0f}/s; topics")
    topics = compute_topics()
    log(f"{scale.label}: {topics.grouped:,} bot breaks grouped in {topics.seconds:,.1f} s; pages")
    load_average = os.getloadavg()[0]
    clients = Clients()
    results = []
    for page in pages():
        results.append(measure(page, clients, plan.repetitions))
        log(f"  {page.name}: {results[-1].median * 1000:.1f} ms, {results[-1].queries} queries")
    return report.ScaleRun(scale, imported, load_average, results, topics), clients


def run(plan):
    started, clock = datetime.now(UTC), time.monotonic()
    load_start = os.getloadavg()
    log("masking: our Masker and Presidio")
    texts = message_texts(ensure_file(plan.scales[-1]), plan.masking_texts)
    masking = compare(texts)
    scale_runs = []
    for scale in plan.scales:
        scale_run, clients = run_scale(scale, plan)
        scale_runs.append(scale_run)

    log(f"remask at {plan.scales[-1].label}: the largest business, after new masking rules")
    remasked = remask_largest()
    log(f"  {remasked.business}: {remasked.messages:,} messages in {remasked.seconds:.1f} s")

    log(f"throughput at {plan.scales[-1].label}: clients {plan.load_levels}")
    mix = [
        (clients.session_cookie(result.page.username), result.page.path)
        for name in LOAD_MIX
        for result in scale_runs[-1].pages
        if result.page.name == name
    ]
    loads = throughput(mix, plan.load_levels, plan.load_seconds)

    results = report.Run(
        name=plan.name,
        started=started,
        machine=report.machine(),
        minutes=(time.monotonic() - clock) / 60,
        load_averages=(load_start, os.getloadavg()),
        scales=scale_runs,
        load_mix=list(LOAD_MIX),
        throughput=loads,
        masking_texts=len(texts),
        masking=masking,
        remask=remasked,
    )
    report.write(results, plan.output)
    print(report.render(results))
    log(f"written to {plan.output}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10,000 messages, few repetitions")
    args = parser.parse_args(argv)
    run(QUICK if args.quick else FULL)
