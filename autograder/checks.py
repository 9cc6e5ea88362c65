"""Readable checks for exercise test cells.

Every visible test in the course uses these helpers instead of a bare ``assert``, so that a
student who gets a test wrong reads *what was called, what was expected and what came
back*, not an empty ``AssertionError``. Hidden tests use them too: the grader shows a
hidden test's message (never its code) in the feedback.

Example:
    >>> from autograder.checks import check_close
    >>> check_close(sigmoid(np.array([0.0])), [0.5], "sigmoid([0.0])")
"""

from __future__ import annotations

import sys
import types
import warnings
from typing import Any, Callable

import numpy as np

from autograder.in_kernel import runs_in_kernel

__all__ = [
    "CheckFailure",
    "check_close",
    "check_equal",
    "check_shape",
    "check_true",
    "check_raises",
    "check_no_warnings",
    "check_not_mutated",
    "gradient_of",
]

_MAX_SHOWN = 12  # array elements shown in a message before it is summarised


class CheckFailure(AssertionError):
    """A test expectation that the student's code did not meet.

    It is an ``AssertionError`` so that nbgrader and pytest treat it as a failed test.
    """


def _without_check_frames(tb: types.TracebackType | None) -> types.TracebackType | None:
    """The traceback without the frames of this module."""
    kept = []
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__") != __name__:
            kept.append(tb)
        tb = tb.tb_next
    trimmed = None
    for entry in reversed(kept):
        trimmed = types.TracebackType(trimmed, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return trimmed


def _show_check_failure(shell: Any, etype: type, value: BaseException,
                        tb: types.TracebackType | None, tb_offset: int | None = None) -> list:
    # IPython discards what a custom handler returns: show the trimmed traceback here.
    shell.showtraceback((etype, value, _without_check_frames(tb)), tb_offset=tb_offset)
    return []


def hide_check_frames(shell: Any = None) -> bool:
    """Makes IPython show a failed check as the student's call and the message only.

    IPython hides frames that set ``__tracebackhide__`` (as every helper here does), but
    never the innermost one, which is the helper that raised. This handler drops the
    helpers' frames from the traceback of a :class:`CheckFailure` before IPython prints
    it. Called on import when running under IPython; the error the kernel reports (name
    and message) is unchanged.

    Args:
        shell: The IPython shell (default: the running one, if any).

    Returns:
        True if the handler was installed; False outside IPython, or where another
        custom exception handler is already in place.
    """
    if shell is None:
        ipython = sys.modules.get("IPython")  # never import IPython in plain Python
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    if shell.custom_exceptions and shell.custom_exceptions != (CheckFailure,):
        return False
    shell.set_custom_exc((CheckFailure,), _show_check_failure)
    return True


def _describe(value: Any) -> str:
    """Short, readable rendering of a value for a failure message."""
    if value is None:
        return "None (did the function forget to `return`?)"
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=6, threshold=_MAX_SHOWN, edgeitems=3, suppress=False):
            body = np.array2string(value, separator=", ")
        return f"{body}  (shape {value.shape}, dtype {value.dtype})"
    if hasattr(value, "numpy") and callable(value.numpy):  # a tf.Tensor or Keras tensor
        return _describe(np.asarray(value.numpy())) + " [converted from a tensor]"
    text = repr(value)
    return text if len(text) < 400 else text[:400] + " ..."


def _as_array(value: Any, what: str) -> np.ndarray:
    __tracebackhide__ = True  # IPython shows the student's call, not these frames
    if value is None:
        raise CheckFailure(f"{what}: expected a number or an array, got None "
                           "(did the function forget to `return`?)")
    try:
        if hasattr(value, "numpy") and callable(value.numpy):
            value = value.numpy()
        array = np.asarray(value)
    except Exception as error:  # noqa: BLE001 - any conversion failure is the student's
        raise CheckFailure(f"{what}: expected a number or an array, got "
                           f"{type(value).__name__} that NumPy cannot convert ({error})") from None
    if array.dtype == object:
        raise CheckFailure(f"{what}: expected numbers, got {_describe(value)}")
    return array


def check_close(actual: Any, expected: Any, what: str, *, rtol: float = 1e-6,
                atol: float = 1e-8, check_shape: bool = True) -> None:
    """Checks that ``actual`` equals ``expected`` within floating-point tolerance.

    Args:
        actual: What the student's code returned (number, list, array or tensor).
        expected: The correct value.
        what: The call being checked, e.g. ``"sigmoid([0.0, 1.0])"``; starts the message.
        rtol: Relative tolerance, as in ``np.allclose``.
        atol: Absolute tolerance, as in ``np.allclose``.
        check_shape: Whether the shapes must match exactly (not just broadcast).

    Raises:
        CheckFailure: With the expected and the actual value, the shapes, and where the
            largest difference is.
    """
    __tracebackhide__ = True  # IPython shows the student's call, not these frames
    got = _as_array(actual, what)
    want = np.asarray(expected, dtype=float)
    if check_shape and got.shape != want.shape:
        raise CheckFailure(
            f"{what}: expected shape {want.shape}, got shape {got.shape}.\n"
            f"  expected: {_describe(want)}\n  got:      {_describe(got)}")
    try:
        got_f = got.astype(float)
    except (TypeError, ValueError):
        raise CheckFailure(f"{what}: expected numbers, got {_describe(got)}") from None
    if np.array_equal(np.isnan(got_f), np.isnan(want)) and np.allclose(
            got_f, want, rtol=rtol, atol=atol, equal_nan=True):
        return
    message = [f"{what}: values differ (rtol={rtol:g}, atol={atol:g}).",
               f"  expected: {_describe(want)}", f"  got:      {_describe(got)}"]
    if not np.all(np.isfinite(got_f)) and np.all(np.isfinite(want)):
        message.append("  the result holds nan or inf: look for an overflow or a division by zero")
    elif got_f.shape == want.shape and got_f.size:
        diff = np.abs(got_f - want)
        index = tuple(int(i) for i in np.unravel_index(int(np.nanargmax(diff)), diff.shape))
        message.append(f"  largest difference {float(np.nanmax(diff)):.3g} at index {index}")
    raise CheckFailure("\n".join(message))


def check_equal(actual: Any, expected: Any, what: str) -> None:
    """Checks exact equality (integers, strings, tuples, shapes, integer arrays).

    Args:
        actual: What the student's code returned.
        expected: The correct value.
        what: The call being checked; starts the message.

    Raises:
        CheckFailure: If the values are not equal.
    """
    __tracebackhide__ = True  # IPython shows the student's call, not these frames
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        got = _as_array(actual, what)
        if got.shape == np.shape(expected) and np.array_equal(got, expected):
            return
    else:
        try:
            if actual == expected:
                return
        except Exception:  # noqa: BLE001 - ambiguous truth value etc.
            pass
    raise CheckFailure(f"{what}: expected {_describe(expected)}, got {_describe(actual)}")


def check_shape(actual: Any, shape: tuple[int, ...], what: str) -> None:
    """Checks the shape of an array-like result.

    Args:
        actual: What the student's code returned.
        shape: The expected shape.
        what: The call being checked; starts the message.

    Raises:
        CheckFailure: If the shape differs.
    """
    __tracebackhide__ = True  # IPython shows the student's call, not these frames
    got = _as_array(actual, what)
    if tuple(got.shape) != tuple(shape):
        raise CheckFailure(f"{what}: expected shape {tuple(shape)}, got shape {got.shape}")


def check_true(condition: Any, message: str) -> None:
    """Checks a condition that the other helpers do not cover.

    Args:
        condition: Anything truthy passes.
        message: A full sentence saying what was expected and what came back.

    Raises:
        CheckFailure: With ``message`` when the condition is false.
    """
    __tracebackhide__ = True  # IPython shows the student's call, not these frames
    if not bool(condition):
        raise CheckFailure(message)


def check_raises(exception: type[BaseException], function: Callable[..., Any], *args: Any,
                 what: str, **kwargs: Any) -> BaseException:
    """Checks that ``function(*args, **kwargs)`` raises ``exception``.

    Args:
        exception: The exception class expected.
        function: The student's function.
        *args: Positional arguments for the call.
        what: The call being checked; starts the message.
        **kwargs: Keyword arguments for the call.

    Returns:
        The exception raised, for further checks of its message.

    Raises:
        CheckFailure: If nothing, or another exception, was raised.
    """
    __tracebackhide__ = True  # IPython shows the student's call, not these frames
    try:
        result = function(*args, **kwargs)
    except exception as error:
        return error
    except Exception as error:  # noqa: BLE001
        raise CheckFailure(f"{what}: expected {exception.__name__}, got "
                           f"{type(error).__name__}: {error}") from None
    raise CheckFailure(f"{what}: expected {exception.__name__} to be raised, "
                       f"but it returned {_describe(result)}")


def check_no_warnings(function: Callable[..., Any], *args: Any, what: str,
                      **kwargs: Any) -> Any:
    """Calls ``function`` and fails if NumPy warns (overflow, invalid value, divide by zero).

    Args:
        function: The student's function.
        *args: Positional arguments for the call.
        what: The call being checked; starts the message.
        **kwargs: Keyword arguments for the call.

    Returns:
        What the function returned.

    Raises:
        CheckFailure: If a ``RuntimeWarning`` or NumPy floating-point error occurred.
    """
    __tracebackhide__ = True  # IPython shows the student's call, not these frames
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                return function(*args, **kwargs)
        except (RuntimeWarning, FloatingPointError) as error:
            raise CheckFailure(f"{what}: NumPy reported '{error}'. The result must be computed "
                               "without overflow or invalid operations.") from None


def check_not_mutated(function: Callable[..., Any], *args: Any, what: str,
                      **kwargs: Any) -> Any:
    """Calls ``function`` and fails if it changed any NumPy array it was given.

    Arrays nested in lists and tuples (such as a list of ``(W, b)`` pairs) are checked too.

    Args:
        function: The student's function.
        *args: Positional arguments for the call.
        what: The call being checked; starts the message.
        **kwargs: Keyword arguments for the call.

    Returns:
        What the function returned.

    Raises:
        CheckFailure: If an input array was changed in place.
    """
    __tracebackhide__ = True  # IPython shows the student's call, not these frames
    def arrays(value: Any) -> list[np.ndarray]:
        if isinstance(value, np.ndarray):
            return [value]
        if isinstance(value, (list, tuple)):
            return [a for item in value for a in arrays(item)]
        if isinstance(value, dict):
            return [a for item in value.values() for a in arrays(item)]
        return []

    inputs = arrays(list(args)) + arrays(kwargs)
    before = [a.copy() for a in inputs]
    result = function(*args, **kwargs)
    for original, now in zip(before, inputs):
        if not np.array_equal(original, now, equal_nan=True):
            raise CheckFailure(f"{what}: the function changed one of its input arrays in place. "
                               "Return new arrays instead (for example `W - lr * dW`, "
                               "not `W -= lr * dW`).")
    return result


@runs_in_kernel
def gradient_of(function: Callable[..., Any], *args: Any) -> tuple[Any, list]:
    """The value of ``function(*args)`` and its gradient with respect to each argument.

    The tape is TensorFlow's (``tf.GradientTape``), around the student's function where it
    runs: in the notebook when you run the test, in your kernel when the grader's judge runs
    it (the judge then receives the value and the gradients as data).

    Args:
        function: The function to differentiate (it must use TensorFlow operations).
        *args: Its arguments (arrays or tensors), each watched by the tape.

    Returns:
        ``(value, gradients)``: what the function returned, and a list with one gradient per
        argument, None where TensorFlow found no gradient.
    """
    import tensorflow as tf

    watched = [a if isinstance(a, tf.Variable) else tf.convert_to_tensor(a) for a in args]
    with tf.GradientTape() as tape:
        for tensor in watched:
            tape.watch(tensor)
        value = function(*watched)
    if not tf.is_tensor(value):
        return value, [None] * len(watched)  # not computed with TensorFlow: nothing to follow
    try:
        gradients = list(tape.gradient(value, watched))
    except Exception as error:  # noqa: BLE001 - say why, and let the check fail on None
        print(f"tf.GradientTape could not differentiate the result: {type(error).__name__}: "
              f"{str(error)[:300]}")
        gradients = [None] * len(watched)
    return value, gradients


hide_check_frames()
