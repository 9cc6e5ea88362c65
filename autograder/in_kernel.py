"""Course helpers that run where the student's code runs.

Some checks must happen next to the student's code: a ``tf.GradientTape`` around their
loss, a training loop of a thousand steps through their ``gan_train_step`` compiled with
``tf.function``. A helper decorated with :func:`runs_in_kernel` is an ordinary function when
a student runs the test cell in JupyterLab or Colab. When the grader's judge runs the test
(see ``docs/JUDGE.md``) and an argument is the student's function or object, the judge asks
the kernel to run the helper there, by name: only helpers registered here can be asked
for, and their arguments and results cross as data like any other call (the test's models
and optimizers as twins, written back after).
"""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable

HELPERS: dict[str, Callable[..., Any]] = {}  # "module:name" -> the undecorated helper


def runs_in_kernel(function: Callable[..., Any]) -> Callable[..., Any]:
    """Registers ``function`` as a helper the judge may ask the kernel to run.

    Args:
        function: A module-level function of the ``autograder`` package.

    Returns:
        A function that runs ``function`` here, or in the student's kernel when one of its
        arguments lives there.
    """
    key = f"{function.__module__}:{function.__qualname__}"
    HELPERS[key] = function

    @functools.wraps(function)
    def where_the_student_code_is(*args: Any, **kwargs: Any) -> Any:
        remote = sys.modules.get("autograder.grading.remote")
        if remote is not None and any(type(a) is remote.Remote
                                      for a in (*args, *kwargs.values())):
            return remote.run_helper(key, args, kwargs)
        return function(*args, **kwargs)

    return where_the_student_code_is


def helper(key: Any) -> Callable[..., Any]:
    """The registered helper called ``key`` (importing its module, inside ``autograder``).

    Raises:
        LookupError: For a name that is not a registered helper.
    """
    module, _, name = str(key).partition(":")
    if module.split(".")[0] != "autograder":
        raise LookupError(f"{str(key)[:100]!r} is not a course helper")
    __import__(module)
    if key not in HELPERS:
        raise LookupError(f"{str(key)[:100]!r} is not a course helper")
    return HELPERS[key]
