"""How much of the course the judge grades: every test cell of every module.

A test cell would run in the kernel only where the source marks it ``"dlcourse":
{"runs_in": "kernel"}`` (``python -m autograder.grading.judge_coverage MODULE --mark``
finds the cells that need it). Since the test's own Keras objects cross as twins and the
few checks that need the student's interpreter are course helpers run there
(``autograder.in_kernel``), no cell of the course needs the kernel; these tests keep it so.
"""

from __future__ import annotations

import nbformat
import pytest

from autograder.course import solution_path
from autograder.grading import cells as C
from tests.conftest import MODULES, ROOT


def _kernel_cells(module: str) -> list[str]:
    notebook = nbformat.read(solution_path(ROOT, module), as_version=4)
    marked = [c for c in notebook.cells if c.get("metadata", {}).get("dlcourse")]
    assert all(C.is_autograded_test(c) for c in marked), f"{module}: marker on a non-test cell"
    return [C.grade_id(c) for c in notebook.cells
            if C.is_autograded_test(c) and not C.runs_in_judge(c)]


@pytest.mark.parametrize("module", MODULES)
def test_every_test_cell_runs_in_the_judge(module):
    assert _kernel_cells(module) == []


def test_the_marker_still_sends_a_cell_to_the_kernel():
    cell = nbformat.v4.new_code_cell("x = 1", metadata={
        "nbgrader": {"grade": True, "solution": False, "locked": True, "grade_id": "t",
                     "points": 1, "schema_version": 3},
        "dlcourse": {"runs_in": "kernel"}})
    assert C.is_autograded_test(cell) and not C.runs_in_judge(cell)
    del cell.metadata["dlcourse"]
    assert C.runs_in_judge(cell)
