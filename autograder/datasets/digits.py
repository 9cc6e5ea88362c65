"""scikit-learn's 8x8 handwritten digits, split the same way everywhere in the course."""

from __future__ import annotations

import numpy as np


def load_digits_split(test_size: float = 0.25, seed: int = 0, image_shape: bool = False
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Loads the 1,797 digits, scaled to [0, 1], as a stratified train / test split.

    Args:
        test_size: Fraction of the samples held out for testing.
        seed: Seed of the split; the hidden tests use the default.
        image_shape: If True, images have shape ``(8, 8, 1)`` (NHWC without the batch
            axis) instead of flat vectors of 64 pixels.

    Returns:
        ``(x_train, x_test, y_train, y_test)``: float64 pixels in [0, 1] and integer labels
        0-9.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = digits.data.astype(np.float64) / 16.0
    if image_shape:
        x = x.reshape(-1, 8, 8, 1)
    y = digits.target.astype(np.int64)
    return tuple(train_test_split(x, y, test_size=test_size, random_state=seed, stratify=y))
