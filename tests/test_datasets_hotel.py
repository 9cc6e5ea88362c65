"""Unit tests of the synthetic hotel-room price set (autograder.datasets.hotel)."""

import numpy as np
import pytest

from autograder.datasets.hotel import load_hotel_prices


def test_shapes_and_names_one_hot():
    x, y, names = load_hotel_prices(n=500, seed=0)
    assert x.shape == (500, 14)
    assert y.shape == (500,)
    assert x.dtype == np.float64 and y.dtype == np.float64
    assert len(names) == 14
    assert names[0] == "category=standard" and names[-1] == "season=autumn"
    # exactly one hot column per feature group
    np.testing.assert_array_equal(x[:, :3].sum(1), 1)
    np.testing.assert_array_equal(x[:, 3:10].sum(1), 1)
    np.testing.assert_array_equal(x[:, 10:].sum(1), 1)


def test_codes():
    codes, y, names = load_hotel_prices(n=300, seed=1, one_hot=False)
    assert codes.shape == (300, 3) and codes.dtype == np.int64
    assert names == ["category", "day_of_week", "season"]
    assert codes[:, 0].min() >= 0 and codes[:, 0].max() <= 2
    assert codes[:, 1].min() >= 0 and codes[:, 1].max() <= 6
    assert codes[:, 2].min() >= 0 and codes[:, 2].max() <= 3
    x, y2, _ = load_hotel_prices(n=300, seed=1)
    np.testing.assert_array_equal(y, y2)
    np.testing.assert_array_equal(x[:, :3].argmax(1), codes[:, 0])
    np.testing.assert_array_equal(x[:, 10:].argmax(1), codes[:, 2])


def test_deterministic_by_seed():
    a = load_hotel_prices(n=200, seed=3)
    b = load_hotel_prices(n=200, seed=3)
    c = load_hotel_prices(n=200, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_prices_positive_and_plausible():
    _, y, _ = load_hotel_prices(n=5000, seed=0)
    assert np.all(y > 0)
    assert 40 < y.min() and y.max() < 600


def test_category_and_season_effects_visible():
    codes, y, _ = load_hotel_prices(n=5000, seed=0, one_hot=False)
    by_category = [y[codes[:, 0] == c].mean() for c in range(3)]
    assert by_category[0] < by_category[1] < by_category[2]
    by_season = [y[codes[:, 2] == s].mean() for s in range(4)]
    assert np.argmax(by_season) == 2  # summer
    assert np.argmin(by_season) == 0  # winter
    weekend = np.isin(codes[:, 1], [4, 5])
    assert y[weekend].mean() > 1.1 * y[~weekend].mean()


def test_mean_predictor_is_a_weak_baseline():
    _, y, _ = load_hotel_prices(n=2000, seed=0)
    mae_mean = np.abs(y - y.mean()).mean()
    assert mae_mean > 30  # there is structure to learn


def test_rejects_non_positive_n():
    with pytest.raises(ValueError):
        load_hotel_prices(n=0)
