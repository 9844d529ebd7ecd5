"""Texts per second through a function, on a shared machine whose speed varies by a third
from one second to the next (measured on this 2-core machine, with nothing else running).

Each function is timed in several passes taken in turn with the others', and keeps its best:
every function meets the machine's slow and fast moments alike, and a pass slowed by another
process counts against none of them (timeit takes the best of its repeats for that reason).
"""

import time

PASSES = 3


def rate(run, texts, min_seconds):
    """Texts per second through `run`, going over `texts` until `min_seconds` have passed."""
    rounds, started = 0, time.perf_counter()
    while True:
        for text in texts:
            run(text)
        rounds += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return rounds * len(texts) / elapsed


def best_rates(runs, texts, passes=PASSES):
    """The best `rate` of each (function, min_seconds) in `runs` over `passes` passes, taken
    in turn: [best rate of the first, of the second, ...]."""
    best = [0.0] * len(runs)
    for _ in range(passes):
        for index, (run, min_seconds) in enumerate(runs):
            best[index] = max(best[index], rate(run, texts, min_seconds))
    return best
