"""How much of the course the judge grades: every test cell but the marked few.

A test cell runs in the kernel only where the source marks it ``"dlcourse": {"runs_in":
"kernel"}`` (``python -m autograder.grading.judge_coverage MODULE --mark`` finds them).
These tests keep that list short and honest: no module of NumPy exercises needs the kernel,
the marker sits only on test cells, and the count can only go down.
"""

from __future__ import annotations

import nbformat
import pytest

from autograder.course import solution_path
from autograder.grading import cells as C
from tests.conftest import MODULES, ROOT

# Test cells that hand Keras objects of their own (models, optimizers, symbolic tensors) or
# differentiate through the student's function; see docs/JUDGE.md.
MOST_IN_KERNEL = 32
NUMPY_MODULES = [m for m in MODULES if m[:2] in {"01", "02", "03", "04", "05", "06"}]


def _kernel_cells(module: str) -> list[str]:
    notebook = nbformat.read(solution_path(ROOT, module), as_version=4)
    marked = [c for c in notebook.cells if c.get("metadata", {}).get("dlcourse")]
    assert all(C.is_autograded_test(c) for c in marked), f"{module}: marker on a non-test cell"
    return [C.grade_id(c) for c in notebook.cells
            if C.is_autograded_test(c) and not C.runs_in_judge(c)]


@pytest.mark.parametrize("module", NUMPY_MODULES)
def test_numpy_modules_are_judged_entirely(module):
    assert _kernel_cells(module) == []


def test_the_kernel_runs_only_the_marked_few():
    counts = {m: len(_kernel_cells(m)) for m in MODULES}
    tests = sum(C.is_autograded_test(c) for m in MODULES
                for c in nbformat.read(solution_path(ROOT, m), as_version=4).cells)
    print(f"test cells in the kernel: {sum(counts.values())} of {tests}: {counts}")
    assert sum(counts.values()) <= MOST_IN_KERNEL, counts
