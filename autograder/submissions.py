"""Making student submissions from the exercise notebooks (for tests, demos, benchmarks).

A submission is the module's exercise notebook with some answer cells written: by the
reference solution, or by source code given per ``grade_id``.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder.course import exercise_path, solution_path
from autograder.grading.cells import grade_id, is_answer


def reference_answers(root: Path, module: str) -> dict[str, str]:
    """The solution notebook's answer cells, by ``grade_id``.

    Args:
        root: The course repository.
        module: The module name.

    Returns:
        ``{grade_id: source}`` for every answer cell (code and written).
    """
    notebook = nbformat.read(solution_path(root, module), as_version=4)
    return {grade_id(c): c.source for c in notebook.cells if is_answer(c) and grade_id(c)}


def make_submission(root: Path, module: str, answers: dict[str, str],
                    extra_cells: dict[str, list[str]] | None = None) -> NotebookNode:
    """The exercise notebook of ``module`` with answers written into it.

    Args:
        root: The course repository.
        module: The module name.
        answers: ``{grade_id: source}``; answer cells not named stay as released.
        extra_cells: ``{grade_id: [code, ...]}``: scratch code cells a student added
            after the cell with that id.

    Returns:
        A new notebook, as a student would submit it.

    Raises:
        KeyError: If an answer names a cell that is not an answer cell of the module.
    """
    notebook = nbformat.read(exercise_path(root, module), as_version=4)
    known = {grade_id(c) for c in notebook.cells if is_answer(c)}
    unknown = set(answers) - known
    if unknown:
        raise KeyError(f"{module} has no answer cell(s) {sorted(unknown)}; "
                       f"answer cells are {sorted(known)}")
    cells = []
    for cell in notebook.cells:
        cell = copy.deepcopy(cell)
        gid = grade_id(cell)
        if gid in answers:
            cell.source = answers[gid].strip("\n")
        cells.append(cell)
        for code in (extra_cells or {}).get(gid, []):
            cells.append(nbformat.v4.new_code_cell(code))
    notebook.cells = cells
    return notebook


def write_submission(notebook: NotebookNode, submissions: Path, student: str,
                     module: str) -> Path:
    """Writes ``submissions/<student>/<module>/<module>.ipynb``.

    Args:
        notebook: The submission.
        submissions: The class folder.
        student: The student id.
        module: The module name.

    Returns:
        The path written.
    """
    path = submissions / student / module / f"{module}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path
