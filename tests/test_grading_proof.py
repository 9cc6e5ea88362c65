"""Grading is right both ways, for every graded function of every module.

Per module, five submissions go through the real pipeline (assemble, execute, score):

* the solution notebook itself: full marks, and every cell runs cleanly (so this also
  executes each solution notebook top to bottom);
* the untouched exercise: zero on every autograded test;
* ``CORRECT`` from ``tests/variants``: a differently written correct answer for every
  function gets full marks;
* ``WRONG[f][0]`` and ``WRONG[f][1]``: two plausible mistakes for every function; each
  function loses points on its own tests.
"""

from __future__ import annotations

import shutil
from collections import defaultdict

import nbformat
import pytest

from autograder.course import solution_path
from autograder.grading.cells import grade_id, is_answer, is_manual
from autograder.grading.execute import Limits
from autograder.grading.submission import grade_notebook
from autograder.submissions import make_submission, write_submission
from tests.conftest import MODULES, ROOT, variants_of

LIMITS = Limits(cell_timeout=120, notebook_timeout=600)


def graded_functions(module: str) -> list[str]:
    """The code answer cells of a module (its graded functions and classes)."""
    notebook = nbformat.read(solution_path(ROOT, module), as_version=4)
    return [grade_id(c) for c in notebook.cells
            if is_answer(c) and not is_manual(c) and c.cell_type == "code"]


def points_by_function(result) -> dict[str, list[float]]:
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for cell in result.cells:
        if cell.status != "manual":
            totals[cell.function][0] += cell.score or 0.0
            totals[cell.function][1] += cell.max_score
    return totals


def describe(result) -> str:
    return "\n".join(f"  {c.grade_id}: {c.status} {c.message[:300]}" for c in result.cells
                     if c.status not in ("passed", "manual"))


@pytest.mark.grading
@pytest.mark.parametrize("module", MODULES)
def test_grading_both_ways(module, tmp_path):
    variants = variants_of(module)
    assert variants is not None, f"tests/variants/m{module}.py is missing"
    functions = graded_functions(module)
    assert functions, f"{module} has no graded functions"
    assert set(variants.CORRECT) == set(functions), (
        f"CORRECT must cover exactly {functions}, it has {sorted(variants.CORRECT)}")
    for function in functions:
        assert len(variants.WRONG.get(function, [])) >= 2, f"{function}: need 2 wrong answers"

    # Every function needs tests of its own.
    reference_source = solution_path(ROOT, module)
    reference_copy = tmp_path / "reference" / module / f"{module}.ipynb"
    reference_copy.parent.mkdir(parents=True)
    shutil.copy(reference_source, reference_copy)
    reference = grade_notebook(reference_copy, module, "reference", ROOT, LIMITS)
    tested = points_by_function(reference)
    assert set(functions) <= set(tested), f"functions without tests: {set(functions) - set(tested)}"
    assert reference.score == reference.max_score, "reference lost points:\n" + describe(reference)
    assert not reference.notes, f"the solution notebook did not run cleanly: {reference.notes}"

    def grade(student: str, answers: dict[str, str]):
        path = write_submission(make_submission(ROOT, module, answers), tmp_path, student, module)
        return grade_notebook(path, module, student, ROOT, LIMITS)

    untouched = grade("untouched", {})
    assert all(c.score == 0 for c in untouched.cells if c.status != "manual"), (
        "the untouched exercise earned points:\n"
        + "\n".join(f"  {c.grade_id}" for c in untouched.cells if c.score))

    correct = grade("correct", variants.CORRECT)
    assert correct.score == correct.max_score, "a correct variant lost points:\n" + describe(correct)

    for k in (0, 1):
        wrong = grade(f"wrong{k}", {f: variants.WRONG[f][k][1] for f in functions})
        totals = points_by_function(wrong)
        not_caught = [f"{f} ({variants.WRONG[f][k][0]})" for f in functions
                      if totals[f][0] >= totals[f][1]]
        assert not not_caught, f"wrong answers #{k} kept full marks: {not_caught}"
        for function, words in getattr(variants, "EXPECTED_MESSAGES", {}).get(k, {}).items():
            messages = [c.message for c in wrong.cells if c.function == function and c.message]
            assert any(words in m for m in messages), (
                f"wrong answers #{k}: no failed test of {function} says {words!r}:\n"
                + describe(wrong))
