"""A synthetic hotel-room price set for regression (module 07_keras).

Each sample is one night booked in one room. The price is made of three effects that
multiply, plus noise:

* the room category (standard, superior, suite) sets the base price;
* the day of the week: Friday and Saturday nights cost more, Sunday a little less;
* the season: summer is the most expensive, winter the cheapest;
* weekends in summer carry an extra premium (an interaction a linear model cannot see
  in the one-hot columns);
* multiplicative log-normal noise of about 6 %.

The generator is deterministic for a given ``seed``, needs no network, and runs in
milliseconds.

Example:
    >>> from autograder.datasets.hotel import load_hotel_prices
    >>> x, y, names = load_hotel_prices(n=1000, seed=0)
    >>> x.shape, y.shape, names[:3]
    ((1000, 14), (1000,), ['category=standard', 'category=superior', 'category=suite'])
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CATEGORIES",
    "DAYS",
    "SEASONS",
    "BASE_PRICE",
    "DAY_FACTOR",
    "SEASON_FACTOR",
    "load_hotel_prices",
]

CATEGORIES = ("standard", "superior", "suite")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SEASONS = ("winter", "spring", "summer", "autumn")

BASE_PRICE = np.array([90.0, 130.0, 220.0])  # euros per night, by category
CATEGORY_SHARE = np.array([0.5, 0.3, 0.2])  # how often each category is booked
DAY_FACTOR = np.array([1.0, 1.0, 1.0, 1.05, 1.25, 1.3, 0.95])
SEASON_FACTOR = np.array([0.85, 1.0, 1.4, 0.95])
SUMMER_WEEKEND_PREMIUM = 1.1  # Friday and Saturday nights in summer
NOISE_SIGMA = 0.06  # standard deviation of the log-normal noise


def load_hotel_prices(n: int = 2000, seed: int = 0, one_hot: bool = True
                      ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Generates ``n`` hotel-room nights and their prices.

    Args:
        n: Number of samples.
        seed: Seed of the generator; the same seed gives the same data.
        one_hot: If True (the default), the features are one-hot encoded, ready for a
            neural network: 3 category columns, 7 day columns and 4 season columns, 14
            columns of 0.0 / 1.0. If False, the three features are integer codes (category
            0-2, day of week 0-6 with 0 = Monday, season 0-3 with 0 = winter).

    Returns:
        ``(x, y, feature_names)``: ``x`` float64 of shape ``(n, 14)`` (one-hot) or int64 of
        shape ``(n, 3)`` (codes); ``y`` float64 prices in euros, shape ``(n,)``, all
        positive; ``feature_names`` a list with one name per column of ``x``
        (``"category=suite"``, ``"day=sat"``, ... or ``"category"``, ``"day_of_week"``,
        ``"season"``).

    Raises:
        ValueError: If ``n`` is not positive.
    """
    if n <= 0:
        raise ValueError(f"n must be positive, got {n}")
    rng = np.random.default_rng(seed)
    category = rng.choice(len(CATEGORIES), size=n, p=CATEGORY_SHARE)
    day = rng.integers(0, len(DAYS), size=n)
    season = rng.integers(0, len(SEASONS), size=n)
    noise = rng.normal(0.0, NOISE_SIGMA, size=n)

    summer_weekend = (season == 2) & ((day == 4) | (day == 5))
    price = (BASE_PRICE[category] * DAY_FACTOR[day] * SEASON_FACTOR[season]
             * np.where(summer_weekend, SUMMER_WEEKEND_PREMIUM, 1.0) * np.exp(noise))
    price = np.round(price, 2)

    codes = np.stack([category, day, season], axis=1).astype(np.int64)
    if not one_hot:
        return codes, price, ["category", "day_of_week", "season"]
    x = np.concatenate([np.eye(len(CATEGORIES))[category], np.eye(len(DAYS))[day],
                        np.eye(len(SEASONS))[season]], axis=1)
    names = ([f"category={c}" for c in CATEGORIES] + [f"day={d}" for d in DAYS]
             + [f"season={s}" for s in SEASONS])
    return x, price, names
