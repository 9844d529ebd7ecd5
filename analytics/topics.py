"""Bot-break topics: the user messages a bot failed to understand, grouped by meaning.

A business asks "what do my users want that the bot does not get?"; counting words (Word
Analysis) answers it phrase by phrase, topics answer it by intent: "block my card",
"statement for last month", each a group of messages that mean much the same thing, however
they are worded. The product, not the user, chooses how many topics there are: a user cannot
know it in advance, and a wrong guess merges or splits intents.

The texts given are MASKED: a personal value is already a placeholder such as "[phone]".
Placeholders are taken out before anything is computed, so they neither pull messages
together (two texts are not alike because both hold a phone number) nor become a label.

How (each step's reason is at the step):

1. Every message becomes one 256-number vector: the average of its tokens' vectors in
   WordLlama (l2_supercat, 256 dimensions), a static embedding whose weights ship inside the
   `wordllama` wheel, so nothing is downloaded at run time.
2. Topics are found on a seeded sample of at most `sample_size` messages by average-linkage
   agglomerative clustering under a cosine distance threshold: the threshold, not a count,
   decides how many groups there are. Groups smaller than a share of the sample are noise.
3. The groups' centres seed k-means over all messages, which settles the borders between
   topics (average linkage alone leaves many stragglers) and scales to every message.
4. A message far from its topic's centre is "unclustered", but never more than
   `max_unclustered_share` of them: a report that puts most messages nowhere explains nothing.
5. Each topic is labelled with its most telling phrases: class-based TF-IDF over the words and
   word pairs that Word Analysis counts (analytics.phrases), in the topic against the rest.

Quality and speed are measured on public intent data sets by `python -m bench.topics`
(bench/RESULTS.md, "Bot-break topics").
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
from numpy.typing import NDArray

from analytics.phrases import STOP_WORDS, words
from rules.masking import PLACEHOLDER

# The WordLlama files inside the `wordllama` wheel. Its own loader looks for the tokenizer in a
# folder that does not exist ("tokenizer", not "tokenizers") and then downloads it, which cannot
# work here: the packaged files are opened directly.
_MODEL_PACKAGE = "wordllama"
_TOKENIZER_FILE = ("tokenizers", "l2_supercat_tokenizer_config.json")
_WEIGHTS_FILE = ("weights", "l2_supercat_256.safetensors")
# Bot-break messages are short; a pasted page would pad its whole batch to its length.
_LONGEST_TEXT = 1000
_EMBEDDING_BATCH = 4096
_WORD_CHARACTER = re.compile(r"\w")
LABEL_PHRASES = 4


@dataclass(frozen=True)
class TopicParameters:
    """The choices behind the topics, tuned on CLINC150's train split (bench/topics)."""

    # Two groups of messages are one topic while their average cosine distance is below this.
    merge_distance: float = 0.7
    # A group smaller than this share of the sample (and than min_topic_size) is noise.
    min_topic_share: float = 0.001
    min_topic_size: int = 3
    # Average linkage needs all pairwise distances: its memory grows with the square of this.
    sample_size: int = 8_000
    # A message less similar than this to its topic's centre is unclustered...
    min_similarity: float = 0.3
    # ... unless that would leave more than this share of the messages unclustered.
    max_unclustered_share: float = 0.2
    examples: int = 3
    kmeans_iterations: int = 50
    seed: int = 0


@dataclass(frozen=True)
class Topic:
    """One topic: its label phrases (most telling first), size and example messages."""

    label: tuple[str, ...]
    size: int
    # Indices into the texts given, the closest to the topic's centre first, distinct texts.
    examples: tuple[int, ...]


@dataclass(frozen=True)
class TopicResult:
    """The topics, largest first, and each message's topic index (None: unclustered)."""

    topics: tuple[Topic, ...]
    assignments: tuple[int | None, ...]

    @property
    def unclustered(self) -> int:
        return sum(1 for topic in self.assignments if topic is None)


class Embedder:
    """Sentence vectors from WordLlama's packaged weights: mean of token vectors, unit length."""

    def __init__(self) -> None:
        # Imported here so that importing this module (for its types) loads no model library.
        from safetensors import safe_open
        from tokenizers import Tokenizer

        package = files(_MODEL_PACKAGE)
        self.tokenizer = Tokenizer.from_file(str(package.joinpath(*_TOKENIZER_FILE)))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        with safe_open(str(package.joinpath(*_WEIGHTS_FILE)), framework="np") as weights:
            self.vectors: NDArray[np.float32] = weights.get_tensor("embedding.weight").astype(
                np.float32
            )

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One unit vector per text (zeros for a text without tokens)."""
        result = np.zeros((len(texts), self.vectors.shape[1]), dtype=np.float32)
        # In batches: the tokenizer's encodings of 100,000 texts at once take some 400 MB.
        for start in range(0, len(texts), _EMBEDDING_BATCH):
            batch = texts[start : start + _EMBEDDING_BATCH]
            encodings = self.tokenizer.encode_batch(
                [text[:_LONGEST_TEXT] for text in batch], add_special_tokens=False
            )
            for row, encoding in enumerate(encodings, start=start):
                if encoding.ids:
                    result[row] = self.vectors[encoding.ids].mean(axis=0)
        return _unit_rows(result)


@cache
def default_embedder() -> Embedder:
    """The one embedder of a process: loading it reads 16 MB of weights."""
    return Embedder()


def without_placeholders(text: str) -> str:
    """The text with its placeholders cut out: what a message says, not whose data it held."""
    return PLACEHOLDER.sub(" ", text)


def cluster_topics(
    texts: Sequence[str],
    parameters: TopicParameters | None = None,
    embedder: Embedder | None = None,
) -> TopicResult:
    """Group masked `texts` into topics; see the module docstring for how and why."""
    parameters = parameters or TopicParameters()
    cleaned = [without_placeholders(text) for text in texts]
    # A message that was only placeholders and punctuation says nothing to group it by.
    content = np.array(
        [row for row, text in enumerate(cleaned) if _WORD_CHARACTER.search(text)], dtype=np.int64
    )
    assignments: list[int | None] = [None] * len(texts)
    if len(content) == 0:
        return TopicResult(topics=(), assignments=tuple(assignments))
    vectors = (embedder or default_embedder()).embed([cleaned[row] for row in content])
    seeds = _seed_centres(vectors, parameters)
    if len(seeds) == 0:
        return TopicResult(topics=(), assignments=tuple(assignments))
    labels, similarity = _settle(vectors, seeds, parameters)
    clustered = similarity >= _similarity_cutoff(similarity, parameters)

    # Topics numbered largest first; ties by their first message, so the order is stable.
    sizes = Counter(labels[clustered].tolist())
    first_row = {topic: int(np.argmax(labels == topic)) for topic in sizes}
    order = sorted(sizes, key=lambda topic: (-sizes[topic], first_row[topic]))
    number = {topic: index for index, topic in enumerate(order)}
    for position, row in enumerate(content.tolist()):
        if clustered[position]:
            assignments[row] = number[int(labels[position])]

    members: list[list[int]] = [[] for _ in order]
    for row, topic in enumerate(assignments):
        if topic is not None:
            members[topic].append(row)
    position_of = {row: position for position, row in enumerate(content.tolist())}
    phrase_sets = [_phrases(text) for text in texts]
    labels_of_topics = _labels([[phrase_sets[row] for row in rows] for rows in members])
    topics = tuple(
        Topic(
            label=label,
            size=len(rows),
            examples=_examples(rows, cleaned, similarity, position_of, parameters.examples),
        )
        for rows, label in zip(members, labels_of_topics, strict=True)
    )
    return TopicResult(topics=topics, assignments=tuple(assignments))


def _unit_rows(matrix: NDArray[np.float32]) -> NDArray[np.float32]:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, np.float32(1e-9))


def _seed_centres(vectors: NDArray[np.float32], parameters: TopicParameters) -> NDArray[np.float32]:
    """The centres of the groups that average linkage finds on a sample of the messages."""
    from sklearn.cluster import AgglomerativeClustering

    rng = np.random.default_rng(parameters.seed)
    if len(vectors) > parameters.sample_size:
        sample = vectors[np.sort(rng.choice(len(vectors), parameters.sample_size, replace=False))]
    else:
        sample = vectors
    if len(sample) < 2:
        return np.empty((0, vectors.shape[1]), dtype=np.float32)
    groups = AgglomerativeClustering(
        n_clusters=None,
        distance_threshold=parameters.merge_distance,
        metric="cosine",
        linkage="average",
    ).fit_predict(sample)
    smallest = max(parameters.min_topic_size, math.ceil(parameters.min_topic_share * len(sample)))
    group_ids, counts = np.unique(groups, return_counts=True)
    centres = [sample[groups == group].mean(axis=0) for group in group_ids[counts >= smallest]]
    if not centres:
        return np.empty((0, vectors.shape[1]), dtype=np.float32)
    return _unit_rows(np.stack(centres).astype(np.float32))


def _settle(
    vectors: NDArray[np.float32], seeds: NDArray[np.float32], parameters: TopicParameters
) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
    """Each message's topic after k-means from the seeds, and its cosine to that topic's centre."""
    from sklearn.cluster import KMeans

    kmeans = KMeans(
        n_clusters=len(seeds),
        init=seeds,
        n_init=1,
        max_iter=parameters.kmeans_iterations,
        random_state=parameters.seed,
    ).fit(vectors)
    labels = kmeans.labels_.astype(np.int64)
    centres = _unit_rows(kmeans.cluster_centers_.astype(np.float32))
    similarity = np.einsum("ij,ij->i", vectors, centres[labels])
    return labels, similarity


def _similarity_cutoff(similarity: NDArray[np.float32], parameters: TopicParameters) -> float:
    """The similarity below which a message is unclustered, capped to keep most clustered."""
    cap = float(np.quantile(similarity, parameters.max_unclustered_share, method="lower"))
    return min(parameters.min_similarity, cap)


def _phrases(text: str) -> frozenset[str]:
    """The words and word pairs of a masked text, as Word Analysis counts them.

    Stop words are dropped, so "i want to block my card" gives "block", "card", "block card";
    a pair never reaches across a placeholder, as a phrase of Word Analysis never does across
    a masked span. A text of stop words only ("hi", "ok thanks") keeps its words, so a topic of
    greetings is still labelled by them.
    """
    stretches = PLACEHOLDER.split(text)
    kept = [words(stretch) for stretch in stretches]
    if not any(kept):
        kept = [
            [word for word in re.findall(r"\w+", stretch.lower()) if word in STOP_WORDS]
            for stretch in stretches
        ]
    pairs = (
        f"{first} {second}"
        for stretch in kept
        for first, second in zip(stretch, stretch[1:], strict=False)
    )
    return frozenset([*itertools.chain.from_iterable(kept), *pairs])


def _labels(topics: list[list[frozenset[str]]]) -> list[tuple[str, ...]]:
    """The most telling phrases of each topic by class-based TF-IDF.

    A phrase tells a topic when many of its messages hold it (the share of the topic's
    messages) and few other messages do (log(1 + average topic size / messages holding it
    anywhere)), as BERTopic's c-TF-IDF does with messages in place of words.
    """
    holding = Counter(phrase for messages in topics for phrases in messages for phrase in phrases)
    average_size = sum(len(messages) for messages in topics) / max(len(topics), 1)
    result = []
    for messages in topics:
        in_topic = Counter(phrase for phrases in messages for phrase in phrases)
        scored = sorted(
            in_topic,
            key=lambda phrase: (
                -in_topic[phrase] / len(messages) * math.log(1 + average_size / holding[phrase]),
                phrase,
            ),
        )
        result.append(_distinct_phrases(scored, in_topic, len(messages)))
    return result


def _distinct_phrases(
    scored: list[str], in_topic: Counter[str], topic_size: int
) -> tuple[str, ...]:
    """Up to LABEL_PHRASES phrases, most telling first, no word twice.

    "interest rate" then "interest" would say the same thing twice and crowd out "home".

    A phrase held by a single message of a larger topic is an accident, not what it is about.
    """
    needed = min(2, topic_size, max(in_topic.values(), default=0))
    chosen: list[str] = []
    covered: set[str] = set()
    for phrase in scored:
        if in_topic[phrase] < needed:
            continue
        phrase_words = set(phrase.split())
        if phrase_words & covered:
            continue
        chosen.append(phrase)
        covered |= phrase_words
        if len(chosen) == LABEL_PHRASES:
            break
    return tuple(chosen)


def _examples(
    rows: list[int],
    cleaned: list[str],
    similarity: NDArray[np.float32],
    position_of: dict[int, int],
    count: int,
) -> tuple[int, ...]:
    """The messages closest to the topic's centre, one per distinct wording."""
    closest = sorted(rows, key=lambda row: (-float(similarity[position_of[row]]), row))
    chosen: list[int] = []
    seen: set[str] = set()
    for row in closest:
        wording = " ".join(cleaned[row].lower().split())
        if wording not in seen:
            seen.add(wording)
            chosen.append(row)
            if len(chosen) == count:
                break
    return tuple(chosen)
