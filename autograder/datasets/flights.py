"""A synthetic flight-delay set for classification with categorical inputs (module 07_keras).

Each sample is one scheduled flight, described by five categories, and the label says
whether it arrived more than 15 minutes late. The chance of a delay is a logistic function
of a sum of effects, some of which interact:

* the departure airport: busy hubs are late more often;
* the arrival airport: airports with crowded approaches add delay;
* the airline: some keep their schedule better than others;
* the month: summer and the Christmas season are worse, autumn is calm;
* the day of the week: Friday and Sunday are worse, Tuesday and Wednesday calmer;
* snow: departures from the northern airports in December to February carry a large extra
  risk (an interaction of airport and month that a model without hidden layers cannot
  express with one weight per category).

Airport and airline ids are integers, the natural input of a Keras ``Embedding`` layer.
The generator is deterministic for a given ``seed``, needs no network and runs in
milliseconds.

Example:
    >>> from autograder.datasets.flights import load_flight_delays
    >>> x, y = load_flight_delays(n=1000, seed=0)
    >>> sorted(x), x["origin"].shape, y.shape
    (['airline', 'destination', 'month', 'origin', 'weekday'], (1000,), (1000,))
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "AIRPORTS",
    "AIRLINES",
    "FEATURES",
    "N_AIRPORTS",
    "N_AIRLINES",
    "delay_probability",
    "load_flight_delays",
]

AIRPORTS = ("ATL", "ORD", "DFW", "DEN", "LAX", "JFK", "SFO", "SEA",
            "MSP", "BOS", "PHX", "MIA", "DTW", "SLC", "SAN", "AUS")
AIRLINES = ("Aurora", "Bluebird", "Cirrus", "Delta Wing", "Estrella", "Falcon")
FEATURES = ("origin", "destination", "airline", "month", "weekday")
N_AIRPORTS = len(AIRPORTS)
N_AIRLINES = len(AIRLINES)

# How often each airport appears: hubs first, so the first few ids are the most common.
AIRPORT_SHARE = np.array([12, 11, 10, 9, 8, 8, 7, 6, 5, 5, 4, 4, 3, 3, 3, 2], dtype=float)
AIRPORT_SHARE /= AIRPORT_SHARE.sum()
AIRLINE_SHARE = np.array([0.25, 0.2, 0.2, 0.15, 0.1, 0.1])

BASE_LOGIT = -2.6
ORIGIN_EFFECT = np.array([1.2, 1.6, 0.6, 0.4, 0.8, 1.8, 1.4, -0.4,
                          -0.6, 1.0, -1.2, 0.2, -0.8, -1.4, -1.6, -1.0])
DESTINATION_EFFECT = np.array([0.6, 0.8, 0.2, 0.0, 0.4, 1.2, 1.6, 0.0,
                               -0.4, 0.6, -0.8, 0.0, -0.6, -1.0, -0.8, -0.6])
AIRLINE_EFFECT = np.array([-1.6, 0.2, 1.0, -0.6, 2.0, 0.6])
MONTH_EFFECT = np.array([0.6, 0.2, -0.2, -0.4, 0.0, 1.0,      # Jan ... Jun
                         1.4, 1.2, -1.0, -1.2, -0.4, 1.2])    # Jul ... Dec
WEEKDAY_EFFECT = np.array([0.0, -0.6, -0.6, 0.2, 1.0, -0.4, 0.8])  # Monday = 0
SNOWY_AIRPORTS = (1, 3, 8, 9, 12)  # ORD, DEN, MSP, BOS, DTW
SNOW_MONTHS = (12, 1, 2)
SNOW_EFFECT = 3.2


def delay_probability(x: dict[str, np.ndarray]) -> np.ndarray:
    """The true probability of a delay over 15 minutes for each flight of ``x``.

    Args:
        x: A dict with the integer arrays ``FEATURES`` (as ``load_flight_delays`` returns).

    Returns:
        float64 probabilities, one per flight. No model can beat the accuracy of
        thresholding these at 0.5, on average.
    """
    origin, month = np.asarray(x["origin"]), np.asarray(x["month"])
    snow = np.isin(origin, SNOWY_AIRPORTS) & np.isin(month, SNOW_MONTHS)
    logit = (BASE_LOGIT + ORIGIN_EFFECT[origin] + DESTINATION_EFFECT[np.asarray(x["destination"])]
             + AIRLINE_EFFECT[np.asarray(x["airline"])] + MONTH_EFFECT[month - 1]
             + WEEKDAY_EFFECT[np.asarray(x["weekday"])] + SNOW_EFFECT * snow)
    return 1.0 / (1.0 + np.exp(-logit))


def load_flight_delays(n: int = 4000, seed: int = 0
                       ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Generates ``n`` flights and whether each was delayed by more than 15 minutes.

    Args:
        n: Number of flights.
        seed: Seed of the generator; the same seed gives the same data. Draw a test set
            with another seed: every seed shares the same airports, airlines and effects.

    Returns:
        ``(x, y)``: ``x`` a dict of int64 arrays of shape ``(n,)``, with keys ``"origin"``
        and ``"destination"`` (airport ids ``0 … N_AIRPORTS − 1``, never equal for one
        flight), ``"airline"`` (``0 … N_AIRLINES − 1``), ``"month"`` (``1 … 12``) and
        ``"weekday"`` (``0 … 6``, 0 = Monday); ``y`` int64 of shape ``(n,)``, 1 for a delay
        over 15 minutes (about a third of the flights), 0 otherwise.

    Raises:
        ValueError: If ``n`` is not positive.
    """
    if n <= 0:
        raise ValueError(f"n must be a positive number of flights, got {n}")
    rng = np.random.default_rng(seed)
    origin = rng.choice(N_AIRPORTS, size=n, p=AIRPORT_SHARE)
    # A destination different from the origin: shift by 1 ... N_AIRPORTS - 1 places.
    destination = rng.choice(N_AIRPORTS, size=n, p=AIRPORT_SHARE)
    same = destination == origin
    destination[same] = (origin[same] + rng.integers(1, N_AIRPORTS, size=int(same.sum()))) % N_AIRPORTS
    x = {
        "origin": origin.astype(np.int64),
        "destination": destination.astype(np.int64),
        "airline": rng.choice(N_AIRLINES, size=n, p=AIRLINE_SHARE).astype(np.int64),
        "month": rng.integers(1, 13, size=n).astype(np.int64),
        "weekday": rng.integers(0, 7, size=n).astype(np.int64),
    }
    y = (rng.random(n) < delay_probability(x)).astype(np.int64)
    return x, y
