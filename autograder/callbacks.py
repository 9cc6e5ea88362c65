"""Keras callbacks the tests hand to the student's ``fit``.

``fit`` runs in the student's kernel. When the grader's judge runs a test, a callback of the
test's own class would be called back across the two processes once per batch (hundreds of
round trips for one training run). A callback defined here is a registered Keras object
instead: it crosses as its config, runs in the kernel beside ``fit``, and the attributes named
in its ``TWIN_STATE`` come back to the test's object after the call (see
:mod:`autograder.grading.keras_twins`). In JupyterLab or Colab it is an ordinary callback.

What comes back is the student's kernel's word, like any value there: a callback here may
only help a test explain a failure (training took too long), never decide a pass by itself.
"""

from __future__ import annotations

import time

import keras


@keras.saving.register_keras_serializable(package="dlcourse")
class TimeBudget(keras.callbacks.Callback):
    """Stops a training run after ``seconds`` of wall time.

    Args:
        seconds: The time ``fit`` may take.

    Attributes:
        exceeded: True once a batch ended after the budget was spent (training then stops).
    """

    TWIN_STATE = ("exceeded",)

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = float(seconds)
        self.exceeded = False
        self.start = time.perf_counter()

    def on_train_begin(self, logs: dict | None = None) -> None:  # noqa: D102 - Keras' hook
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:  # noqa: D102
        if time.perf_counter() - self.start > self.seconds:
            self.exceeded = True
            self.model.stop_training = True

    def get_config(self) -> dict:
        """The constructor's arguments (how the callback crosses to the kernel)."""
        return {"seconds": self.seconds}

    @classmethod
    def from_config(cls, config: dict) -> "TimeBudget":
        """A new callback from :meth:`get_config`'s dictionary."""
        return cls(**config)
