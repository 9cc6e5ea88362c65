"""The judge runs test cells outside the student's kernel: what crosses, and how.

A small notebook exercises the protocol end to end in a real kernel: callbacks (and the
student's code called from inside one), arguments changed in place, warnings, exceptions,
objects that stay in the kernel, ``isinstance`` on them and on the student's classes, and
a test that must fail.
"""

from __future__ import annotations

import nbformat
import pytest

from autograder.grading.execute import Limits, NotebookRunner
from autograder.grading.status import CellStatus

pytestmark = [pytest.mark.grading, pytest.mark.xdist_group("judge_protocol")]

SETUP = ("import numpy as np\nfrom autograder.checks import (CheckFailure, check_close, "
         "check_equal, check_true, check_raises, check_no_warnings, check_not_mutated)")
ANSWER = '''import warnings
def apply(fn, x):
    return fn(x) * 2
def scale_inplace(a):
    a *= 2
def noisy():
    warnings.warn("careful", RuntimeWarning)
    return 1.0
def boom(x):
    raise ValueError(f"bad {x}")
class Box:
    def __init__(self, v):
        self.v = v
    def get(self):
        print("Box.get called")
        return np.array([self.v], dtype=float)
def make_box(v):
    return Box(v)
TABLE = {"w": np.arange(3)}
'''
TESTS = {
    "test_callback": 'check_close(apply(lambda x: x + 1, np.array([1.0])), [4.0], "apply")',
    "test_callback_calls_student": ('check_close(apply(lambda v: make_box(v).get(), 3.0), [6.0], '
                                    '"apply with a callback that calls make_box")'),
    "test_mutation": ("a = np.ones(3)\nscale_inplace(a)\ncheck_close(a, [2.0, 2.0, 2.0], 'a')\n"
                      "try:\n    check_not_mutated(scale_inplace, np.ones(2), what='scale')\n"
                      "except CheckFailure:\n    pass\nelse:\n    raise AssertionError('missed')"),
    "test_warnings": ("try:\n    check_no_warnings(noisy, what='noisy()')\n"
                      "except CheckFailure:\n    pass\nelse:\n    raise AssertionError('missed')"),
    "test_exception": "check_raises(ValueError, boom, 1, what='boom(1)')",
    "test_handles": ("b = make_box(5)\ncheck_true(isinstance(b, Box), 'isinstance(b, Box)')\n"
                     "check_true(not isinstance(3, Box), 'isinstance(3, Box)')\n"
                     "check_close(b.get(), [5.0], 'b.get()')\ncheck_equal(b.v, 5, 'b.v')\n"
                     "check_equal(TABLE['w'].tolist(), [0, 1, 2], 'TABLE')"),
    "test_later_cell_sees_earlier": "check_equal(b.v, 5, 'b from the earlier test')",
    "test_must_fail": 'check_close(apply(lambda x: x, np.array([1.0])), [3.0], "must fail")',
}


def _cell(source: str, **meta) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
        "schema_version": 3, "grade": False, "solution": False, "locked": False, **meta}})


def _notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [_cell(SETUP, grade_id="setup", locked=True),
                _cell(ANSWER, grade_id="answer", solution=True)]
    nb.cells += [_cell(source, grade_id=gid, grade=True, locked=True, points=1)
                 for gid, source in TESTS.items()]
    return nb


@pytest.fixture(scope="module")
def judged():
    nb = _notebook()
    run = NotebookRunner(nb, None, Limits(cell_timeout=60, sandbox="off")).run()
    return {nb.cells[i].metadata["nbgrader"]["grade_id"]: (r, nb.cells[i])
            for i, r in enumerate(run.cells)}


@pytest.mark.parametrize("gid", [g for g in TESTS if g != "test_must_fail"])
def test_protocol_case_passes(judged, gid):
    run, cell = judged[gid]
    assert run.status == CellStatus.OK, (run.message, cell.outputs)


def test_a_failing_check_is_the_judges_verdict(judged):
    run, cell = judged["test_must_fail"]
    assert run.status == CellStatus.ERROR and run.ename == "CheckFailure", run.message
    error = [o for o in cell.outputs if o.output_type == "error"][0]
    assert any("must fail" in line for line in error.traceback)
    assert not any("autograder" in line for line in error.traceback)


def test_the_students_prints_reach_the_test_cells_output(judged):
    _, cell = judged["test_handles"]
    assert "Box.get called" in "".join(o.get("text", "") for o in cell.outputs)


def test_the_kernel_never_saw_the_tests():
    nb = _notebook()
    nb.cells.append(nbformat.v4.new_code_cell("print(repr(In))"))
    NotebookRunner(nb, None, Limits(cell_timeout=60, sandbox="off")).run()
    shown = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "apply(" in shown  # the student's own cells are there
    assert "check_close" not in shown.replace(SETUP.replace("\n", "\\n"), "")
