"""A 2-D ring of Gaussians: the toy distribution of the GAN module (13_gans).

``modes`` small Gaussian blobs sit evenly spaced on a circle. A generator that has learned
the distribution puts samples near every blob; a generator that suffers *mode collapse*
covers only some of them. :func:`count_modes` measures that.

Example:
    >>> from autograder.datasets.toy2d import sample_ring, count_modes
    >>> x = sample_ring(1000, seed=0)
    >>> count_modes(x)
    8
"""

from __future__ import annotations

import numpy as np

__all__ = ["ring_centers", "sample_ring", "assign_modes", "mode_counts", "count_modes"]

RADIUS = 2.0
STD = 0.05


def ring_centers(modes: int = 8, radius: float = RADIUS) -> np.ndarray:
    """Centres of the blobs, the first one at angle 0, counter-clockwise.

    Args:
        modes: Number of blobs.
        radius: Radius of the circle.

    Returns:
        float64 array of shape ``(modes, 2)``.
    """
    angles = 2.0 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def sample_ring(n: int, modes: int = 8, radius: float = RADIUS, std: float = STD,
                seed: int | None = 0) -> np.ndarray:
    """Draws ``n`` points from a mixture of ``modes`` equally likely Gaussians on a circle.

    Args:
        n: Number of samples.
        modes: Number of blobs.
        radius: Radius of the circle the centres lie on.
        std: Standard deviation of each blob (the same along both axes).
        seed: Seed of the generator (``None`` for fresh randomness).

    Returns:
        float64 array of shape ``(n, 2)``.
    """
    rng = np.random.default_rng(seed)
    which = rng.integers(0, modes, size=n)
    return ring_centers(modes, radius)[which] + std * rng.standard_normal((n, 2))


def assign_modes(samples, modes: int = 8, radius: float = RADIUS,
                 max_dist: float | None = None) -> np.ndarray:
    """Index of the nearest blob for each sample, or -1 if it is far from every blob.

    Args:
        samples: Array-like of shape ``(n, 2)`` (NumPy, list or tensor).
        modes: Number of blobs.
        radius: Radius of the circle.
        max_dist: A sample farther than this from its nearest centre gets -1. The default
            is a quarter of the distance between neighbouring centres (0.38 for 8 blobs on
            a circle of radius 2).

    Returns:
        int64 array of shape ``(n,)``.
    """
    x = np.asarray(samples, dtype=np.float64).reshape(-1, 2)
    centers = ring_centers(modes, radius)
    if max_dist is None:
        max_dist = 0.25 * 2.0 * radius * np.sin(np.pi / modes)
    dist = np.linalg.norm(x[:, None, :] - centers[None, :, :], axis=-1)
    nearest = dist.argmin(axis=1)
    nearest[dist.min(axis=1) > max_dist] = -1
    return nearest.astype(np.int64)


def mode_counts(samples, modes: int = 8, radius: float = RADIUS,
                max_dist: float | None = None) -> np.ndarray:
    """Number of samples near each blob (see :func:`assign_modes`).

    Returns:
        int64 array of shape ``(modes,)``.
    """
    which = assign_modes(samples, modes, radius, max_dist)
    return np.bincount(which[which >= 0], minlength=modes).astype(np.int64)


def count_modes(samples, modes: int = 8, radius: float = RADIUS, max_dist: float | None = None,
                min_fraction: float = 0.1) -> int:
    """Number of blobs that the samples cover.

    A blob counts as covered when at least ``min_fraction`` of its fair share of the
    samples (``n / modes``) lies within ``max_dist`` of its centre: with the defaults and
    1,000 samples, 13 of them (a collapsed generator leaves whole blobs empty).

    Args:
        samples: Array-like of shape ``(n, 2)``.
        modes: Number of blobs.
        radius: Radius of the circle.
        max_dist: See :func:`assign_modes`.
        min_fraction: Fraction of the fair share a blob needs to count as covered.

    Returns:
        The number of covered blobs, from 0 to ``modes``.
    """
    counts = mode_counts(samples, modes, radius, max_dist)
    n = np.asarray(samples).reshape(-1, 2).shape[0]
    return int(np.sum(counts >= min_fraction * n / modes))
