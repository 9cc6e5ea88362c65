"""The check helpers fail with messages that say what was expected and what came."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.checks import (CheckFailure, check_close, check_equal, check_no_warnings,
                               check_not_mutated, check_raises, check_shape, check_true)


def test_check_close_passes_within_tolerance():
    check_close(np.array([0.5, 1.0]) + 1e-12, [0.5, 1.0], "f(x)")
    check_close([0.5], [0.5], "lists are fine")


def test_check_close_reports_expected_and_got():
    with pytest.raises(CheckFailure) as info:
        check_close(np.array([0.4, 1.0]), [0.5, 1.0], "sigmoid([0, 100])")
    text = str(info.value)
    assert "sigmoid([0, 100])" in text and "expected" in text and "0.4" in text
    assert "largest difference 0.1 at index (0,)" in text


def test_check_close_reports_shape_and_none():
    with pytest.raises(CheckFailure, match=r"expected shape \(3,\), got shape \(3, 1\)"):
        check_close(np.zeros((3, 1)), np.zeros(3), "f")
    with pytest.raises(CheckFailure, match="forget to `return`"):
        check_close(None, 1.0, "f")


def test_check_close_flags_nan():
    with pytest.raises(CheckFailure, match="nan or inf"):
        check_close(np.array([np.nan]), [1.0], "f")


def test_check_equal_and_shape_and_true():
    check_equal((2, 3), (2, 3), "shape")
    with pytest.raises(CheckFailure, match="expected 3, got 4"):
        check_equal(4, 3, "count_params([2, 1])")
    check_shape(np.zeros((2, 3)), (2, 3), "x")
    with pytest.raises(CheckFailure, match=r"expected shape \(3, 2\)"):
        check_shape(np.zeros((2, 3)), (3, 2), "x")
    with pytest.raises(CheckFailure, match="my message"):
        check_true(False, "my message")


def test_check_raises():
    def bad(gate):
        raise ValueError(gate)

    assert isinstance(check_raises(ValueError, bad, "xor", what="w('xor')"), ValueError)
    with pytest.raises(CheckFailure, match="expected ValueError to be raised, but it returned 1"):
        check_raises(ValueError, lambda: 1, what="f()")
    with pytest.raises(CheckFailure, match="got KeyError"):
        check_raises(ValueError, lambda: {}["x"], what="f()")


def test_check_no_warnings_catches_overflow():
    with pytest.raises(CheckFailure, match="overflow"):
        check_no_warnings(lambda z: 1 / (1 + np.exp(-z)), np.array([-1000.0]), what="sigmoid")
    assert check_no_warnings(lambda z: z + 1, 1.0, what="f") == 2.0


def test_check_not_mutated_sees_nested_arrays():
    params = [(np.ones((2, 2)), np.zeros(2))]

    def in_place(p):
        p[0][0][:] -= 1.0
        return p

    with pytest.raises(CheckFailure, match="changed one of its input arrays"):
        check_not_mutated(in_place, params, what="sgd_update(params)")
    check_not_mutated(lambda p: [(w - 1, b) for w, b in p], [(np.ones(2), np.zeros(2))], what="ok")


IPYTHON_SESSION = r'''
import contextlib, io
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance(colors="nocolor")
out = io.StringIO()
with contextlib.redirect_stdout(out):
    result = shell.run_cell(
        "import numpy as np\nfrom autograder.checks import check_close\n"
        "def double(x):\n    return x + 1\n"
        "check_close(double(np.array([1.0])), [2.0, 4.0], 'double(np.array([1.]))')")
print(out.getvalue())
print("ERROR-TYPE", type(result.error_in_exec).__name__)
'''


def test_failed_check_in_ipython_shows_the_call_not_the_grader():
    import subprocess
    import sys

    shown = subprocess.run([sys.executable, "-c", IPYTHON_SESSION], capture_output=True,
                           text=True, timeout=120, check=True).stdout
    assert "check_close(double(np.array([1.0]))" in shown  # the student's call
    assert "expected shape (2,), got shape (1,)" in shown  # the message
    assert "checks.py" not in shown and "Raises:" not in shown, shown  # no grader frames
    assert "ERROR-TYPE CheckFailure" in shown  # the kernel still reports a failed check
