"""Bot-break topics (analytics/topics.py) on small generated sets of masked messages."""

import itertools
import random

import pytest
from sklearn.metrics import adjusted_rand_score

from analytics.topics import TopicParameters, cluster_topics
from rules.masking import PLACEHOLDER

OPENERS = ("", "hi ", "please ", "hello, ", "pls ")
INTENTS = {
    "block card": [
        "{o}block my card",
        "{o}i lost my debit card, block it",
        "{o}my credit card was stolen please block the card",
        "{o}freeze my card [card number] right now",
    ],
    "loan interest": [
        "{o}what is the interest rate on a home loan",
        "{o}home loan interest rate today",
        "{o}how much interest do you charge for a personal loan",
        "{o}loan interest rates for [name]",
    ],
    "account statement": [
        "{o}send me my account statement",
        "{o}i need the bank statement for last month",
        "{o}download account statement for [account number]",
        "{o}email my statement to [email]",
    ],
}


def generated_messages(seed=0):
    """3 intents x 20 wordings, shuffled, with the intent of each."""
    messages = [
        (template.format(o=opener), intent)
        for intent, templates in INTENTS.items()
        for template, opener in itertools.product(templates, OPENERS)
    ]
    random.Random(seed).shuffle(messages)
    return [text for text, _ in messages], [intent for _, intent in messages]


@pytest.fixture(scope="module")
def generated():
    texts, intents = generated_messages()
    return texts, intents, cluster_topics(texts)


def test_separable_intents_become_their_own_topics(generated):
    texts, intents, result = generated
    found = [-1 if topic is None else topic for topic in result.assignments]
    assert len(result.topics) == 3
    assert adjusted_rand_score(intents, found) > 0.9
    assert sum(topic.size for topic in result.topics) == len(texts) - result.unclustered
    assert [topic.size for topic in result.topics] == sorted(
        (topic.size for topic in result.topics), reverse=True
    )


def test_labels_are_the_intents_own_words(generated):
    texts, intents, result = generated
    for number, topic in enumerate(result.topics):
        members = [i for i, assigned in enumerate(result.assignments) if assigned == number]
        intent = max(set(intents), key=[intents[i] for i in members].count)
        assert 2 <= len(topic.label) <= 4
        label_words = {word for phrase in topic.label for word in phrase.split()}
        assert label_words & set(intent.split()), (intent, topic.label)


def test_examples_are_distinct_members_of_their_topic(generated):
    texts, _intents, result = generated
    for number, topic in enumerate(result.topics):
        assert len(topic.examples) == 3
        assert all(result.assignments[i] == number for i in topic.examples)
        assert len({texts[i] for i in topic.examples}) == 3


def test_placeholders_never_become_label_words():
    # Every message of one intent holds the same placeholder, the most common "word" of all.
    texts = [
        f"{opener}call me back on [phone] about {thing}"
        for opener in OPENERS
        for thing in ("my loan", "the loan", "a loan offer", "loan rates")
    ] + [
        f"{opener}[name] [account number] wants a cheque book {n}"
        for opener in OPENERS
        for n in ("", "today", "soon", "urgently")
    ]
    result = cluster_topics(texts)
    assert result.topics
    for topic in result.topics:
        label = " ".join(topic.label)
        assert "[" not in label and not PLACEHOLDER.search(label)
        assert not {"phone", "name", "personal", "account_number"} & set(label.split()), label


def test_messages_of_placeholders_only_are_unclustered():
    texts, _intents = generated_messages()
    texts = texts + ["[phone]", "[name] [card number]", "  ?? "]
    result = cluster_topics(texts)
    assert result.assignments[-3:] == (None, None, None)
    assert result.unclustered >= 3


def test_messages_far_from_every_topic_are_unclustered():
    texts, _intents = generated_messages()
    strays = ["zxqv plorb", "the weather in Paris is lovely", "purple elephants dance at night"]
    strict = TopicParameters(min_similarity=0.95, max_unclustered_share=0.2)
    result = cluster_topics(texts + strays, strict)
    assert result.unclustered > 0
    # Never more than the allowed share, however strict the similarity asked for.
    assert result.unclustered <= 0.2 * len(texts + strays)


def test_no_messages_and_one_message():
    assert cluster_topics([]).topics == ()
    single = cluster_topics(["block my card"])
    assert single.topics == () and single.assignments == (None,)


def test_same_input_same_topics(generated):
    texts, _intents, result = generated
    assert cluster_topics(texts) == result


def test_large_inputs_are_clustered_through_a_sample():
    texts, intents = generated_messages()
    small_sample = TopicParameters(sample_size=30)
    result = cluster_topics(texts, small_sample)
    found = [-1 if topic is None else topic for topic in result.assignments]
    assert adjusted_rand_score(intents, found) > 0.9
