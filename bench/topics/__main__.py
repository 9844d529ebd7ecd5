"""`python -m bench.topics quality|tune|scale`: bot-break topics against known intents.

quality  Scores the default TopicParameters on the held-out splits (CLINC150 test, HWU64
         test) and on the tuning splits (their train splits), never told how many intents.
tune     Scores a grid of merge distances on the tuning splits only.
scale    Times topics over N messages (default 100,000) made from both sets' texts with small
         variations, and reports the process's peak memory: run it alone, in its own process.

Each score: topics found, the share of messages clustered, and normalised mutual information
(NMI) and adjusted Rand index (ARI) against the true intents over ALL messages, the
unclustered ones counted as one more group (a strict reading: that group mixes intents), and
over the clustered messages only.
"""

import argparse
import dataclasses
import itertools
import random
import resource
import time

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from analytics.topics import TopicParameters, cluster_topics, default_embedder
from bench.topics.data import LabelledSet, clinc150, data_root, hwu64

UNCLUSTERED = -1


def score(labelled: LabelledSet, parameters: TopicParameters) -> dict[str, float]:
    started = time.perf_counter()
    result = cluster_topics(labelled.texts, parameters)
    seconds = time.perf_counter() - started
    found = np.array([UNCLUSTERED if topic is None else topic for topic in result.assignments])
    truth = np.array(labelled.intents)
    clustered = found != UNCLUSTERED
    return {
        "messages": len(found),
        "intents": len(set(labelled.intents)),
        "topics": len(result.topics),
        "clustered": float(clustered.mean()),
        "nmi": normalized_mutual_info_score(truth, found),
        "ari": adjusted_rand_score(truth, found),
        "nmi_clustered": normalized_mutual_info_score(truth[clustered], found[clustered]),
        "ari_clustered": adjusted_rand_score(truth[clustered], found[clustered]),
        "seconds": seconds,
    }


def print_score(name: str, scores: dict[str, float]) -> None:
    print(
        f"{name:<16} {scores['messages']:>6} msgs {scores['intents']:>4} intents"
        f" {scores['topics']:>4} topics  clustered {scores['clustered']:6.1%}"
        f"  NMI {scores['nmi']:.3f} ARI {scores['ari']:.3f}"
        f"  (clustered only: NMI {scores['nmi_clustered']:.3f} ARI {scores['ari_clustered']:.3f})"
        f"  {scores['seconds']:.1f} s",
        flush=True,
    )


def quality(arguments: argparse.Namespace) -> None:
    clinc, hwu = data_root(arguments.clinc, "CLINC150_DIR"), data_root(arguments.hwu, "HWU64_DIR")
    parameters = TopicParameters()
    print(parameters)
    for labelled in (clinc150(clinc, "test"), hwu64(hwu, "test")):
        print_score(f"{labelled.name} (held out)", score(labelled, parameters))
    for labelled in (clinc150(clinc, "train"), hwu64(hwu, "train")):
        print_score(f"{labelled.name} (tuned on)", score(labelled, parameters))


def tune(arguments: argparse.Namespace) -> None:
    clinc, hwu = data_root(arguments.clinc, "CLINC150_DIR"), data_root(arguments.hwu, "HWU64_DIR")
    sets = (clinc150(clinc, "train"), hwu64(hwu, "train"))
    grid = itertools.product(arguments.distances, arguments.shares, arguments.similarities)
    for distance, share, similarity in grid:
        parameters = dataclasses.replace(
            TopicParameters(),
            merge_distance=distance,
            min_topic_share=share,
            min_similarity=similarity,
        )
        for labelled in sets:
            print_score(
                f"{labelled.name} d={distance} m={share} s={similarity}",
                score(labelled, parameters),
            )


# Small variations, as users type the same request: a greeting, a plea, case and punctuation.
_PREFIXES = ("", "", "hi ", "hello, ", "please ", "pls ", "ok ", "hey ")
_SUFFIXES = ("", "", "?", "!", " please", " thanks", " asap", "??", " now")


def varied_texts(texts: list[str], count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    varied = []
    for _ in range(count):
        text = rng.choice(texts)
        if rng.random() < 0.3:
            text = text.capitalize()
        varied.append(f"{rng.choice(_PREFIXES)}{text}{rng.choice(_SUFFIXES)}")
    return varied


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale(arguments: argparse.Namespace) -> None:
    clinc, hwu = data_root(arguments.clinc, "CLINC150_DIR"), data_root(arguments.hwu, "HWU64_DIR")
    texts = [
        text
        for labelled in (clinc150(clinc, "train"), clinc150(clinc, "test"), hwu64(hwu, "train"))
        for text in labelled.texts
    ]
    messages = varied_texts(texts, arguments.messages)
    default_embedder()
    before = peak_memory_mb()
    started = time.perf_counter()
    cpu_started = time.process_time()
    result = cluster_topics(messages)
    seconds = time.perf_counter() - started
    print(
        f"{len(messages)} messages: {len(result.topics)} topics,"
        f" {1 - result.unclustered / len(messages):.1%} clustered,"
        f" {seconds:.1f} s wall, {time.process_time() - cpu_started:.1f} s CPU,"
        f" peak memory {peak_memory_mb():.0f} MB (before: {before:.0f} MB with the model loaded)"
    )
    for topic in result.topics[:10]:
        print(f"  {topic.size:>6}  {', '.join(topic.label)}  e.g. {messages[topic.examples[0]]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("quality", "tune", "scale"))
    parser.add_argument("--clinc", help="checkout of clinc/oos-eval (or CLINC150_DIR)")
    parser.add_argument("--hwu", help="checkout of xliuhw/NLU-Evaluation-Data (or HWU64_DIR)")
    parser.add_argument("--messages", type=int, default=100_000, help="for scale")
    parser.add_argument("--distances", type=float, nargs="+", default=[0.5, 0.55, 0.6, 0.65])
    parser.add_argument("--shares", type=float, nargs="+", default=[0.001])
    parser.add_argument("--similarities", type=float, nargs="+", default=[0.3])
    arguments = parser.parse_args()
    {"quality": quality, "tune": tune, "scale": scale}[arguments.command](arguments)


main()
