"""Unit tests of the text and sequence generators (autograder.datasets.sentiment, .sequences)."""

import numpy as np
import pytest

from autograder.datasets.sentiment import (bag_of_words, build_vocabulary, decode, load_sentiment,
                                           make_sentences)
from autograder.datasets.sequences import (A_TOKEN, B_TOKEN, load_order_task, make_order_task,
                                           make_series, make_windows)


def test_sentiment_shapes_dtypes_and_vocabulary():
    x_train, x_test, y_train, y_test, vocab = load_sentiment(n_train=300, n_test=100, max_len=16)
    assert x_train.shape == (300, 16) and x_test.shape == (100, 16)
    assert y_train.shape == (300,) and y_test.shape == (100,)
    assert x_train.dtype == np.int64 and y_train.dtype == np.int64
    assert vocab[0] == "<pad>" and len(set(vocab)) == len(vocab) == len(build_vocabulary())
    assert x_train.min() >= 0 and x_train.max() < len(vocab)
    assert set(np.unique(y_train)) == {0, 1}
    # pre-padding: zeros only at the front, the last position always holds a word
    assert np.all(x_train[:, -1] > 0)
    nonzero = x_train > 0
    assert np.all(np.diff(nonzero.astype(int), axis=1) >= 0)


def test_sentiment_deterministic_and_seeded():
    a = load_sentiment(n_train=200, n_test=50, seed=3)
    b = load_sentiment(n_train=200, n_test=50, seed=3)
    c = load_sentiment(n_train=200, n_test=50, seed=4)
    for i in range(4):
        np.testing.assert_array_equal(a[i], b[i])
    assert not np.array_equal(a[0], c[0])
    assert not np.array_equal(a[0][:50], a[1])  # train and test come from different streams


def test_sentiment_labels_balanced():
    _, _, y_train, y_test, _ = load_sentiment()
    assert y_train.mean() == 0.5 and y_test.mean() == 0.5


def test_sentiment_labels_follow_negation():
    sentences, labels = make_sentences(400, seed=1)
    positive, negative = {"good", "great", "nice", "fun", "excellent", "wonderful"}, \
        {"bad", "awful", "boring", "poor", "dull", "terrible"}
    for words, label in zip(sentences, labels):
        k = next(i for i, w in enumerate(words) if w in positive or w in negative)
        negated = words[k - 1] in ("not", "never") or (k >= 2 and words[k - 2] in ("not", "never")
                                                        and words[k - 1] in ("very", "really", "quite", "so"))
        assert label == int((words[k] in positive) != negated), " ".join(words)
    x_train, _, y_train, _, vocab = load_sentiment(n_train=5)
    assert decode(x_train[0], vocab).split() == make_sentences(5, seed=0)[0][0]


def test_sentiment_has_negations_both_ways():
    sentences, _ = make_sentences(1000, seed=0)
    text = [" ".join(s) for s in sentences]
    assert any("not good" in t for t in text) and any("never bad" in t for t in text)
    assert any(" and not " in t for t in text)  # negated neutral words: "good and not long"


def test_bag_of_words_logistic_regression_stays_below_80_percent():
    from sklearn.linear_model import LogisticRegression

    x_train, x_test, y_train, y_test, vocab = load_sentiment()
    bow_train, bow_test = bag_of_words(x_train, len(vocab)), bag_of_words(x_test, len(vocab))
    assert bow_train.shape == (2000, len(vocab)) and np.all(bow_train[:, 0] == 0)
    np.testing.assert_array_equal(bow_train.sum(1), (x_train > 0).sum(1))
    for c in (0.1, 1.0, 100.0):
        accuracy = LogisticRegression(C=c, max_iter=2000).fit(bow_train, y_train).score(bow_test, y_test)
        assert accuracy < 0.8, (c, accuracy)


def test_order_task_shapes_markers_and_labels():
    x, y = make_order_task(500, length=12, vocab_size=12, seed=0)
    assert x.shape == (500, 12) and y.shape == (500,) and x.dtype == np.int64
    assert y.mean() == 0.5
    assert np.all((x == A_TOKEN).sum(1) == 1) and np.all((x == B_TOKEN).sum(1) == 1)
    assert x.min() >= 1 and x.max() <= 11
    a_pos, b_pos = (x == A_TOKEN).argmax(1), (x == B_TOKEN).argmax(1)
    np.testing.assert_array_equal(y, (a_pos < b_pos).astype(int))


def test_order_task_deterministic_and_bag_of_words_useless():
    from sklearn.linear_model import LogisticRegression

    a, b = load_order_task(seed=5), load_order_task(seed=5)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    x_train, x_test, y_train, y_test = load_order_task()
    assert x_train.shape == (2000, 12) and x_test.shape == (1000, 12)
    def counts(x):
        return np.stack([(x == t).sum(1) for t in range(12)], axis=1)

    accuracy = LogisticRegression(max_iter=1000).fit(counts(x_train), y_train).score(counts(x_test), y_test)
    assert accuracy < 0.6
    with pytest.raises(ValueError):
        make_order_task(10, length=1)


def test_series_and_windows():
    s = make_series(300, seed=0)
    assert s.shape == (300,) and s.dtype == np.float64
    np.testing.assert_array_equal(s, make_series(300, seed=0))
    x, y = make_windows(s, lookback=24, horizon=1)
    assert x.shape == (276, 24, 1) and y.shape == (276,)
    np.testing.assert_array_equal(x[0, :, 0], s[:24])
    assert y[0] == s[24] and y[-1] == s[-1]
    x3, y3 = make_windows(s, lookback=10, horizon=3)
    assert y3[0] == s[12] and x3.shape == (288, 10, 1)
    with pytest.raises(ValueError):
        make_windows(s[:5], lookback=10)
