"""Helpers of module 13's tests that run next to the student's ``gan_train_step``.

Both need the student's own interpreter (see :mod:`autograder.in_kernel`): the reference
losses are put where the step looks its losses up (its module's globals), and the long
training of the ring test runs the step compiled with ``tf.function`` a thousand times, far
too many calls to make one by one from the grader's judge.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any, Callable, Iterator

from autograder.in_kernel import runs_in_kernel

LOSS_NAMES = ("discriminator_loss", "generator_loss")


def _scope_of(step: Callable[..., Any]) -> dict:
    """Where ``step`` looks its losses up: its globals, or the notebook's namespace."""
    scope = getattr(step, "__globals__", None)
    if isinstance(scope, dict):
        return scope
    try:
        from IPython import get_ipython

        return get_ipython().user_ns
    except Exception:  # noqa: BLE001 - no IPython: a plain script
        return sys.modules["__main__"].__dict__


@runs_in_kernel
def use_reference_gan_losses(step: Callable[..., Any]) -> dict:
    """Makes ``step`` find the reference losses (binary cross-entropy on logits).

    Returns:
        The losses it found before, for :func:`restore_gan_losses`.
    """
    import keras
    import tensorflow as tf

    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    scope = _scope_of(step)
    saved = {name: scope.get(name) for name in LOSS_NAMES}
    scope["discriminator_loss"] = lambda r, f: bce(tf.ones_like(r), r) + bce(tf.zeros_like(f), f)
    scope["generator_loss"] = lambda f: bce(tf.ones_like(f), f)
    return saved


@runs_in_kernel
def restore_gan_losses(step: Callable[..., Any], saved: dict) -> None:
    """Puts back the losses :func:`use_reference_gan_losses` replaced."""
    scope = _scope_of(step)
    for name in LOSS_NAMES:
        if saved.get(name) is None:
            scope.pop(name, None)
        else:
            scope[name] = saved[name]


@contextlib.contextmanager
def reference_gan_losses(step: Callable[..., Any]) -> Iterator[None]:
    """Within the block ``step`` uses the reference losses, so that a mistake in the
    student's losses (graded by their own tests) does not cost the step's points too."""
    saved = use_reference_gan_losses(step)
    try:
        yield
    finally:
        restore_gan_losses(step, saved)


@runs_in_kernel
def train_gan(step: Callable[..., Any], generator: Any, discriminator: Any, g_optimizer: Any,
              d_optimizer: Any, data: Any, latent_dim: int, batch_size: int) -> bool:
    """Trains with ``step`` on ``data`` batch by batch, compiled with ``tf.function``.

    A step that can't be compiled is run eagerly (much slower), and says so.

    Returns:
        Whether the step was compiled.
    """
    import tensorflow as tf

    compiled, run = True, tf.function(step)
    batches = len(data) // batch_size
    try:
        run(generator, discriminator, g_optimizer, d_optimizer,
            tf.constant(data[:batch_size]), latent_dim)
    except Exception as error:  # noqa: BLE001 - fall back, as the lecture does
        print("gan_train_step cannot be compiled with tf.function (" + type(error).__name__
              + "); training eagerly, which is much slower")
        compiled, run = False, step
        run(generator, discriminator, g_optimizer, d_optimizer,
            tf.constant(data[:batch_size]), latent_dim)
    for i in range(1, batches):
        run(generator, discriminator, g_optimizer, d_optimizer,
            tf.constant(data[i * batch_size:(i + 1) * batch_size]), latent_dim)
    return compiled
