"""Unit tests of the synthetic flight-delay set (autograder.datasets.flights)."""

import numpy as np
import pytest

from autograder.datasets.flights import (AIRLINES, AIRPORTS, FEATURES, N_AIRLINES, N_AIRPORTS,
                                         SNOWY_AIRPORTS, delay_probability, load_flight_delays)


def test_keys_shapes_and_ranges():
    x, y = load_flight_delays(n=3000, seed=0)
    assert sorted(x) == sorted(FEATURES)
    for name in FEATURES:
        assert x[name].shape == (3000,) and x[name].dtype == np.int64, name
    assert y.shape == (3000,) and y.dtype == np.int64
    assert set(np.unique(y)) == {0, 1}
    assert x["origin"].min() == 0 and x["origin"].max() == N_AIRPORTS - 1
    assert x["destination"].min() == 0 and x["destination"].max() == N_AIRPORTS - 1
    assert x["airline"].min() == 0 and x["airline"].max() == N_AIRLINES - 1
    assert x["month"].min() == 1 and x["month"].max() == 12
    assert x["weekday"].min() == 0 and x["weekday"].max() == 6
    assert len(AIRPORTS) == N_AIRPORTS and len(AIRLINES) == N_AIRLINES


def test_no_flight_lands_where_it_took_off():
    x, _ = load_flight_delays(n=5000, seed=2)
    assert not np.any(x["origin"] == x["destination"])


def test_deterministic_by_seed():
    a_x, a_y = load_flight_delays(n=500, seed=3)
    b_x, b_y = load_flight_delays(n=500, seed=3)
    c_x, c_y = load_flight_delays(n=500, seed=4)
    for name in FEATURES:
        np.testing.assert_array_equal(a_x[name], b_x[name])
    np.testing.assert_array_equal(a_y, b_y)
    assert not np.array_equal(a_x["origin"], c_x["origin"])


def test_about_a_third_delayed_and_labels_follow_the_probability():
    x, y = load_flight_delays(n=50_000, seed=1)
    assert 0.28 < y.mean() < 0.37
    p = delay_probability(x)
    assert np.all((p > 0) & (p < 1))
    # Labels are Bernoulli draws of p: the mean label in each probability decile matches p.
    bins = np.quantile(p, np.linspace(0, 1, 11))
    which = np.clip(np.searchsorted(bins, p, side="right") - 1, 0, 9)
    for k in range(10):
        assert abs(y[which == k].mean() - p[which == k].mean()) < 0.03


def test_structure_is_learnable_beyond_the_majority_class():
    """The true probabilities beat the majority class by far more than the exercise's 8 points."""
    x, y = load_flight_delays(n=20_000, seed=5)
    majority = max(y.mean(), 1 - y.mean())
    bayes = np.mean((delay_probability(x) > 0.5) == (y == 1))
    assert bayes > majority + 0.11


def test_effects_visible_in_the_data():
    x, y = load_flight_delays(n=50_000, seed=0)
    winter = np.isin(x["month"], [12, 1, 2])
    snowy = np.isin(x["origin"], SNOWY_AIRPORTS)
    assert y[winter & snowy].mean() > y[winter & ~snowy].mean() + 0.2
    by_weekday = [y[x["weekday"] == d].mean() for d in range(7)]
    assert np.argmax(by_weekday) == 4  # Friday
    by_month = [y[x["month"] == m].mean() for m in range(1, 13)]
    assert np.argmin(by_month) + 1 in (9, 10)  # autumn is calm


@pytest.mark.parametrize("n", [0, -5])
def test_rejects_non_positive_n(n):
    with pytest.raises(ValueError, match="positive"):
        load_flight_delays(n=n)
