"""A synthetic sentiment set in which word order matters (negation).

Every sentence holds two short descriptions joined by "and": one with a *sentiment*
adjective ("good", "awful", ...) and one with a *neutral* adjective ("long", "new", ...),
in random order. Either may be negated by "not" or "never", possibly with an intensifier in
between ("not very good"). The label is 1 (positive) when the sentiment adjective is
positive and not negated, or negative and negated::

    the movie was not very good and long        -> 0
    the movie was good and not long             -> 1
    honestly it was never boring and not new    -> 1

The two middle sentences above hold the same *bag of words*, yet their labels differ: only
the order tells which adjective a "not" belongs to. About half the sentences are ambiguous
in this way, so even the best possible bag-of-words model is right on about 75% of them
(and a linear one on fewer), while a recurrent network that reads in order can reach 100%.

Token ids are integers; 0 is padding. Sentences are padded at the front ("pre" padding,
Keras' default), so the last word of a sentence is always the last time step.
"""

from __future__ import annotations

import numpy as np

PAD = "<pad>"
NEGATORS = ("not", "never")
INTENSIFIERS = ("very", "really", "quite", "so")
POSITIVE = ("good", "great", "nice", "fun", "excellent", "wonderful")
NEGATIVE = ("bad", "awful", "boring", "poor", "dull", "terrible")
NEUTRAL = ("long", "short", "new", "old", "loud", "quiet", "cheap")
SUBJECTS = (("the", "movie"), ("the", "film"), ("the", "plot"), ("the", "story"),
            ("the", "acting"), ("it",), ("this", "film"))
VERBS = ("was", "is", "seemed", "felt")
OPENERS = ((), (), (), ("honestly",), ("overall",), ("i", "think"), ("to", "me"))
CLOSERS = ((), (), (), ("overall",), ("to", "me"), ("i", "think"), ("in", "the", "end"))


def build_vocabulary() -> list[str]:
    """The vocabulary: ``vocab[i]`` is the word with token id ``i``; ``vocab[0]`` is padding.

    Returns:
        A list of distinct words, the same on every call.
    """
    words: list[str] = [PAD]
    groups = [NEGATORS, INTENSIFIERS, POSITIVE, NEGATIVE, NEUTRAL, ("and",), VERBS,
              *SUBJECTS, *OPENERS, *CLOSERS]
    for group in groups:
        for word in group:
            if word not in words:
                words.append(word)
    return words


def _clause(rng: np.random.Generator, adjective: str, negated: bool) -> list[str]:
    words = []
    if negated:
        words.append(NEGATORS[rng.integers(len(NEGATORS))])
    if rng.random() < 0.4:
        words.append(INTENSIFIERS[rng.integers(len(INTENSIFIERS))])
    words.append(adjective)
    return words


def make_sentences(n: int, seed: int = 0) -> tuple[list[list[str]], np.ndarray]:
    """Generates ``n`` sentences as lists of words, with their labels.

    Args:
        n: Number of sentences.
        seed: Seed of the generator; the same seed gives the same sentences.

    Returns:
        ``(sentences, labels)``: a list of word lists, and int64 labels (1 = positive) of
        shape ``(n,)``. Exactly ``n // 2`` sentences are positive.
    """
    rng = np.random.default_rng(seed)
    labels = np.zeros(n, dtype=np.int64)
    labels[: n // 2] = 1
    rng.shuffle(labels)
    sentences = []
    for label in labels:
        negated = bool(rng.random() < 0.5)
        positive_word = bool(label) != negated          # label = positive XOR negated
        pool = POSITIVE if positive_word else NEGATIVE
        sentiment = _clause(rng, pool[rng.integers(len(pool))], negated)
        neutral = _clause(rng, NEUTRAL[rng.integers(len(NEUTRAL))], bool(rng.random() < 0.5))
        first, second = (sentiment, neutral) if rng.random() < 0.5 else (neutral, sentiment)
        words = [*OPENERS[rng.integers(len(OPENERS))], *SUBJECTS[rng.integers(len(SUBJECTS))],
                 VERBS[rng.integers(len(VERBS))], *first, "and", *second,
                 *CLOSERS[rng.integers(len(CLOSERS))]]
        sentences.append(words)
    return sentences, labels


def encode(sentences: list[list[str]], vocab: list[str], max_len: int) -> np.ndarray:
    """Turns word lists into a padded int64 array of token ids, shape ``(n, max_len)``.

    Sentences are padded with 0 at the front; longer ones keep their last ``max_len`` words.
    """
    index = {word: i for i, word in enumerate(vocab)}
    x = np.zeros((len(sentences), max_len), dtype=np.int64)
    for row, words in enumerate(sentences):
        ids = [index[w] for w in words][-max_len:]
        if ids:
            x[row, max_len - len(ids):] = ids
    return x


def decode(ids, vocab: list[str]) -> str:
    """The sentence of one row of token ids, padding left out."""
    return " ".join(vocab[int(i)] for i in np.asarray(ids).ravel() if int(i) != 0)


def load_sentiment(n_train: int = 2000, n_test: int = 1000, max_len: int = 16, seed: int = 0
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The negation-sentiment set, split into training and test sets.

    Args:
        n_train: Number of training sentences.
        n_test: Number of test sentences.
        max_len: Length of the padded token sequences (the longest sentence has 16 words).
        seed: Seed of the generator; the hidden tests use the default.

    Returns:
        ``(x_train, x_test, y_train, y_test, vocab)``: int64 token ids of shape
        ``(n, max_len)`` padded with 0 at the front, int64 labels (1 = positive) of shape
        ``(n,)``, and the vocabulary (``vocab[i]`` is the word of id ``i``, ``vocab[0]`` is
        padding), so the vocabulary size for an ``Embedding`` is ``len(vocab)``.
    """
    vocab = build_vocabulary()
    train_sentences, y_train = make_sentences(n_train, seed=seed)
    test_sentences, y_test = make_sentences(n_test, seed=seed + 10_000)
    return (encode(train_sentences, vocab, max_len), encode(test_sentences, vocab, max_len),
            y_train, y_test, vocab)


def bag_of_words(x: np.ndarray, vocab_size: int) -> np.ndarray:
    """Word counts of each row of token ids, padding left out: float64 ``(n, vocab_size)``."""
    x = np.asarray(x)
    counts = np.zeros((x.shape[0], vocab_size))
    rows = np.repeat(np.arange(x.shape[0]), x.shape[1])
    np.add.at(counts, (rows, x.ravel()), 1.0)
    counts[:, 0] = 0.0
    return counts
