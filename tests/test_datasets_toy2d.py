"""Fast unit tests of the ring of Gaussians (autograder.datasets.toy2d)."""

import numpy as np
import pytest

from autograder.datasets.toy2d import (assign_modes, count_modes, mode_counts, ring_centers,
                                       sample_ring)


def test_ring_centers_lie_on_the_circle():
    centers = ring_centers(8, radius=2.0)
    assert centers.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(centers, axis=1), 2.0)
    np.testing.assert_allclose(centers[0], [2.0, 0.0])
    np.testing.assert_allclose(centers[2], [0.0, 2.0], atol=1e-12)


def test_sample_ring_shape_dtype_and_seed():
    x = sample_ring(500, seed=3)
    assert x.shape == (500, 2) and x.dtype == np.float64
    np.testing.assert_array_equal(x, sample_ring(500, seed=3))
    assert not np.allclose(x, sample_ring(500, seed=4))


def test_sample_ring_is_close_to_the_centres_and_balanced():
    x = sample_ring(8000, std=0.05, seed=0)
    radii = np.linalg.norm(x, axis=1)
    assert abs(radii.mean() - 2.0) < 0.01
    counts = mode_counts(x)
    assert counts.sum() == 8000            # every sample within max_dist of a centre
    assert counts.min() > 900 and counts.max() < 1100


@pytest.mark.parametrize("modes", [4, 8, 12])
def test_count_modes_of_the_true_distribution(modes):
    assert count_modes(sample_ring(2000, modes=modes, seed=1), modes=modes) == modes


def test_count_modes_of_a_collapsed_generator():
    x = sample_ring(1000, seed=2)
    one_mode = x[assign_modes(x) == 3]
    assert count_modes(one_mode) == 1
    three = x[np.isin(assign_modes(x), [0, 4, 5])]
    assert count_modes(three) == 3
    # A few stray samples near a blob do not make it covered (it needs 10% of its fair share).
    many = sample_ring(4000, seed=2)
    one_mode = many[assign_modes(many) == 3]
    stray = np.concatenate([one_mode, ring_centers()[5:6].repeat(2, axis=0)])
    assert count_modes(stray) == 1
    assert count_modes(stray, min_fraction=0.01) == 2


def test_far_samples_cover_nothing():
    assert assign_modes(np.zeros((5, 2))).tolist() == [-1] * 5
    assert count_modes(np.zeros((100, 2))) == 0
    assert count_modes(5.0 * sample_ring(100, seed=0)) == 0


def test_accepts_lists():
    assert assign_modes([[2.0, 0.0], [0.0, -2.0]]).tolist() == [0, 6]
