"""Toy sequence data: an order task for transformers, and a series to forecast.

**The order task.** Each sequence has ``length`` tokens: random "noise" tokens
``3 .. vocab_size - 1``, one marker ``A`` (id 1) and one marker ``B`` (id 2) at random
positions. The label is 1 when ``A`` comes before ``B``. Every sequence holds the same
*set* of markers, so a model that ignores positions (a bag of words, or a transformer
without positional encoding) is right only half the time; attention plus positional
encoding solves it: ``A`` looks at ``B`` and compares positions. Id 0 is reserved for padding
and never occurs (all sequences have the full length).

**The series.** :func:`make_series` generates a noisy signal with a trend and two seasonal
cycles, and :func:`make_windows` cuts it into (past window, next value) pairs for
forecasting.
"""

from __future__ import annotations

import numpy as np

A_TOKEN = 1
B_TOKEN = 2
FIRST_NOISE_TOKEN = 3


def make_order_task(n: int, length: int = 12, vocab_size: int = 12, seed: int = 0
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Generates ``n`` sequences of the order task.

    Args:
        n: Number of sequences.
        length: Tokens per sequence (at least 2).
        vocab_size: Number of token ids, padding and the two markers included (at least 4).
        seed: Seed of the generator.

    Returns:
        ``(x, y)``: int64 tokens of shape ``(n, length)`` and int64 labels ``(n,)``, 1 where
        ``A`` comes before ``B``; exactly ``n // 2`` labels are 1.
    """
    if length < 2 or vocab_size < 4:
        raise ValueError("length must be >= 2 and vocab_size >= 4")
    rng = np.random.default_rng(seed)
    x = rng.integers(FIRST_NOISE_TOKEN, vocab_size, size=(n, length))
    y = np.zeros(n, dtype=np.int64)
    y[: n // 2] = 1
    rng.shuffle(y)
    for row in range(n):
        first, second = sorted(rng.choice(length, size=2, replace=False))
        a, b = (first, second) if y[row] == 1 else (second, first)
        x[row, a], x[row, b] = A_TOKEN, B_TOKEN
    return x.astype(np.int64), y


def load_order_task(n_train: int = 2000, n_test: int = 1000, length: int = 12,
                    vocab_size: int = 12, seed: int = 0
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The order task split into training and test sets.

    Args:
        n_train: Number of training sequences.
        n_test: Number of test sequences.
        length: Tokens per sequence (``max_len`` of the models).
        vocab_size: Number of token ids (``vocab_size`` of the models).
        seed: Seed of the generator; the hidden tests use the default.

    Returns:
        ``(x_train, x_test, y_train, y_test)`` as :func:`make_order_task` makes them.
    """
    x_train, y_train = make_order_task(n_train, length, vocab_size, seed=seed)
    x_test, y_test = make_order_task(n_test, length, vocab_size, seed=seed + 10_000)
    return x_train, x_test, y_train, y_test


def make_series(n: int = 600, seed: int = 0, noise: float = 0.15) -> np.ndarray:
    """A float64 series of ``n`` steps: slow trend + cycles of period 50 and 12 + noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=np.float64)
    return (0.002 * t + np.sin(2 * np.pi * t / 50) + 0.4 * np.sin(2 * np.pi * t / 12)
            + noise * rng.normal(size=n))


def make_windows(series: np.ndarray, lookback: int, horizon: int = 1
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Cuts a series into inputs ``(m, lookback, 1)`` and targets ``(m,)``.

    The target of a window is the value ``horizon`` steps after its last value.
    """
    series = np.asarray(series, dtype=np.float64)
    m = len(series) - lookback - horizon + 1
    if m <= 0:
        raise ValueError("series too short for this lookback and horizon")
    index = np.arange(lookback)[None, :] + np.arange(m)[:, None]
    return series[index][..., None], series[index[:, -1] + horizon]
