"""The results as Markdown: the run's tables, the targets of the benchmarks issue, the machine.

`write` keeps everything above the latest run (the title and the hand-written notes) and the
latest run itself, moved below the new one as the previous run; older runs are dropped.
"""

import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import connection

from bench.dataset import Scale
from bench.db import ImportRun
from bench.load import WORKERS, LoadResult
from bench.masking import ToolResult
from bench.pages import PageResult, TopicsRun
from bench.remask import RemaskRun

LATEST = "<!-- latest run: everything below is written by bench/report.py -->"
PREVIOUS = "<!-- previous run -->"
HEADER = """# Benchmark results

`make bench` measures the pages, the import, throughput and masking on PostgreSQL at 10,000,
100,000 and 1,000,000 messages, and rewrites the run sections below (what they measure:
bench/run.py); `make bench-quick` is a small run of the same at 10,000 messages that writes to
bench/data/ instead. Times are server times through Django's whole stack; "SQL floor" is the
time of the page's own queries run straight on a cursor.
"""

SCALE_TARGET = 3  # every page at the largest scale within this factor of itself at the smallest
CHAT_P50_TARGET = 0.050  # seconds, at 200 messages
FLOOR_TARGET = 5  # page time / SQL floor
IMPORT_TARGET = 5000  # messages per second
MASKING_TARGET = 50  # times Presidio's throughput (issue 23; 10 before it)


@dataclass(frozen=True)
class ScaleRun:
    scale: Scale
    imported: ImportRun
    load_average: float  # 1-minute, when its pages were measured
    pages: list[PageResult]
    topics: TopicsRun | None = None  # the topics job, run before the pages were measured


@dataclass(frozen=True)
class Run:
    name: str  # "full" or "quick"
    started: datetime
    machine: str  # see `machine()`
    minutes: float
    load_averages: tuple[tuple[float, float, float], tuple[float, float, float]]  # start, end
    scales: list[ScaleRun]
    load_mix: list[str]  # page names
    throughput: list[LoadResult]
    masking_texts: int
    masking: tuple[ToolResult, ToolResult]  # ours, Presidio's
    remask: RemaskRun  # at the largest scale


def _ms(seconds):
    return f"{seconds * 1000:,.1f}"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _yes(met):
    return "yes" if met else "**no**"


def machine():
    """One line: cores, CPU, memory, PostgreSQL and Python versions, and the commit."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " with uncommitted changes"
    return (
        f"{os.cpu_count()} cores ({cpu}), {kib / 1024**2:.0f} GiB memory, "
        f"PostgreSQL {postgres}, Python {platform.python_version()}, commit {commit}"
    )


def _git(*args):
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["git", *args],  # noqa: S607 - git from PATH, read-only commands
        cwd=Path(__file__).resolve().parent,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()  # empty for a clean tree


def _page(scale_run, name):
    return next(result for result in scale_run.pages if result.page.name == name)


def targets(run):
    """(target, what was measured, met) for each target of the benchmarks issue."""
    rows = []
    smallest, largest = run.scales[0], run.scales[-1]
    if largest is not smallest:
        growth = sorted(
            ((_page(largest, r.page.name).median / r.median, r.page.name) for r in smallest.pages),
            reverse=True,
        )
        over = [f"{name} {factor:.1f}x" for factor, name in growth if factor > SCALE_TARGET]
        worst = f"worst: {growth[0][1]} {growth[0][0]:.1f}x"
        rows.append(
            (
                f"every page at {largest.scale.label} within {SCALE_TARGET}x of itself at "
                f"{smallest.scale.label} (p50)",
                "; ".join(over) if over else worst,
                not over,
            )
        )
    chat_200 = [
        (result.median, scale_run.scale.label, result.page.name)
        for scale_run in run.scales
        for result in scale_run.pages
        if result.page.name.startswith("chat link") and ", 200 " in result.page.name
    ]
    slowest = max(chat_200)
    rows.append(
        (
            f"chat link p50 under {CHAT_P50_TARGET * 1000:.0f} ms at 200 messages",
            f"slowest: {slowest[2]} at {slowest[1]}, {_ms(slowest[0])} ms",
            slowest[0] < CHAT_P50_TARGET,
        )
    )
    over_floor = [
        (result.ratio, scale_run.scale.label, result.page.name)
        for scale_run in run.scales
        for result in scale_run.pages
        if result.ratio > FLOOR_TARGET
    ]
    all_ratios = [result.ratio for scale_run in run.scales for result in scale_run.pages]
    rows.append(
        (
            f"page time within {FLOOR_TARGET}x of its SQL floor",
            f"{len(over_floor)} of {len(all_ratios)} over, up to {max(all_ratios):.1f}x"
            if over_floor
            else f"all, up to {max(all_ratios):.1f}x",
            not over_floor,
        )
    )
    slowest_import = min(run.scales, key=lambda scale_run: scale_run.imported.rate)
    rows.append(
        (
            f"import at least {IMPORT_TARGET:,} messages/s",
            f"slowest: {slowest_import.imported.rate:,.0f}/s at {slowest_import.scale.label}",
            slowest_import.imported.rate >= IMPORT_TARGET,
        )
    )
    largest = run.scales[-1]
    rows.append(
        (
            f"import at {largest.scale.label} at least {IMPORT_TARGET:,} messages/s (issue 23)",
            f"{largest.imported.rate:,.0f}/s",
            largest.imported.rate >= IMPORT_TARGET,
        )
    )
    ours, theirs = run.masking
    speedup = ours.rate / theirs.rate
    as_good = all(ours.recall[kind] >= theirs.recall[kind] for kind in theirs.recall)
    rows.append(
        (
            f"masking at least {MASKING_TARGET}x Presidio's throughput, recall at least as high",
            f"{speedup:.0f}x; recall {ours.overall_recall:.1%} vs {theirs.overall_recall:.1%}"
            + ("" if as_good else " (lower on some kinds)"),
            speedup >= MASKING_TARGET and as_good,
        )
    )
    return rows


def _duration(seconds):
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s" if minutes else f"{seconds} s"


def _load(averages):
    return " / ".join(f"{value:.2f}" for value in averages)


def _growth_table(run):
    """Each page's median at every scale, and the largest scale's over the smallest's."""
    labels = [scale_run.scale.label for scale_run in run.scales]
    rows = []
    for result in run.scales[0].pages:
        medians = [_page(scale_run, result.page.name).median for scale_run in run.scales]
        rows.append((result.page.name, *map(_ms, medians), f"{medians[-1] / medians[0]:.1f}x"))
    return _table(("page", *labels, f"{labels[-1]} / {labels[0]}"), rows)


def render(run):
    """The Markdown of one run."""
    start_load, end_load = run.load_averages
    parts = [
        f"## {run.name.capitalize()} run of {run.started:%Y-%m-%d %H:%M} UTC, "
        f"{run.minutes:.0f} minutes",
        f"Machine: {run.machine}. Load average (1 / 5 / 15 min): {_load(start_load)} at the "
        f"start, {_load(end_load)} at the end; other work shares the machine.",
        "### Targets",
        _table(
            ("target", "measured", "met"),
            [(target, measured, _yes(met)) for target, measured, met in targets(run)],
        ),
        "### Import (import_data's path: parse JSON Lines, validate, write, keep the rollups)",
        _table(
            ("scale", "conversations", "messages", "seconds", "messages/s"),
            [
                (
                    scale_run.scale.label,
                    f"{scale_run.imported.conversations:,}",
                    f"{scale_run.imported.messages:,}",
                    f"{scale_run.imported.seconds:,.1f}",
                    f"{scale_run.imported.rate:,.0f}",
                )
                for scale_run in run.scales
            ],
        ),
    ]
    parts += [
        "### Bot-break topics job (run once per scale, before the pages are timed)",
        _table(
            ("scale", "bot breaks grouped", "seconds", "process peak RSS MB"),
            [
                (
                    scale_run.scale.label,
                    f"{scale_run.topics.grouped:,}",
                    f"{scale_run.topics.seconds:,.1f}",
                    f"{scale_run.topics.peak_rss_mb:,.0f}",
                )
                for scale_run in run.scales
                if scale_run.topics
            ],
        ),
    ]
    remask = run.remask
    parts += [
        f"### Remask at {run.scales[-1].scale.label}: new masking rules (MASKER_VERSION)",
        f"The background job of the largest business, {remask.business} "
        f"({remask.conversations:,} conversations, {remask.messages:,} messages): every text "
        f"masked again, then its rollups recounted, in {_duration(remask.seconds)} "
        f"({remask.rate:,.0f} messages/s; load average {remask.load_average:.2f}).",
    ]
    if len(run.scales) > 1:
        parts += ["### Pages: median server time (ms) at each scale", _growth_table(run)]
    for scale_run in run.scales:
        parts += [
            f"### Pages at {scale_run.scale.label} messages "
            f"(load average {scale_run.load_average:.2f})",
            _table(
                ("page", "shows", "p50 ms", "p95 ms", "queries", "SQL floor ms", "page / floor"),
                [
                    (
                        result.page.name,
                        result.page.note,
                        _ms(result.median),
                        _ms(result.p95),
                        result.queries,
                        _ms(result.floor),
                        f"{result.ratio:.1f}x",
                    )
                    for result in scale_run.pages
                ],
            ),
        ]
    ours, theirs = run.masking
    parts += [
        f"### Throughput at {run.scales[-1].scale.label}: gunicorn, {WORKERS} sync workers, "
        "loopback",
        "Each client requests these pages in turn, one request after another: "
        + "; ".join(run.load_mix)
        + ".",
        _table(
            ("clients", "seconds", "requests", "req/s", "p50 ms", "p99 ms", "errors"),
            [
                (
                    result.concurrency,
                    f"{result.seconds:.0f}",
                    f"{result.requests:,}",
                    f"{result.rate:,.1f}",
                    _ms(result.p50),
                    _ms(result.p99),
                    result.errors,
                )
                for result in run.throughput
            ],
        ),
        f"### Masking: {run.masking_texts:,} message texts of the data; recall on planted values",
        _table(
            ("", "messages/s", *(f"recall: {kind}" for kind in ours.recall), "look-alikes masked"),
            [
                (
                    tool.name,
                    f"{tool.rate:,.0f}",
                    *(f"{share:.0%}" for share in tool.recall.values()),
                    ", ".join(
                        f"{kind} {share:.0%}" for kind, share in tool.look_alikes_flagged.items()
                    ),
                )
                for tool in run.masking
            ],
        ),
        f"Our Masker is {ours.rate / theirs.rate:.0f}x as fast.",
    ]
    return "\n\n".join(parts) + "\n"


def write(run, path):
    """Write `run` to `path` as its latest run, the latest before it kept as the previous."""
    head, latest = HEADER, ""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if LATEST in text:
            head, rest = text.split(LATEST, 1)
            latest = rest.split(PREVIOUS, 1)[0].strip()
    sections = [head.rstrip() + "\n", LATEST, render(run)]
    if latest:
        sections += [PREVIOUS, latest.replace("## ", "## Previous: ", 1) + "\n"]
    path.write_text("\n".join(sections), encoding="utf-8")
