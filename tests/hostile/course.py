"""A small course root for grading tests: module 01_neuron, optionally without Keras.

Grading the real 01_neuron imports TensorFlow in three test cells, which costs 10-30 s per
kernel (and again after every kernel restart) on a small machine. The *lite* copy blanks
the statements of hidden tests that use Keras and drops the all-Keras test cell, so a
class of hostile submissions grades in a few minutes. Everything else (nbgrader
metadata, hidden tests, points) is the real module's.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder.grading import cells as C

REPO = Path(__file__).resolve().parents[2]
MODULE = "01_neuron"
_SOLUTION_REGION = re.compile(r"[ \t]*### BEGIN SOLUTION\n(.*?)[ \t]*### END SOLUTION\n?", re.S)


def _without_keras(source: str) -> str:
    """Blanks every top-level statement that mentions keras (comments are kept)."""
    lines = source.split("\n")
    for node in ast.parse(source).body:
        text = "\n".join(lines[node.lineno - 1:node.end_lineno])
        if "keras" in text:
            for i in range(node.lineno - 1, node.end_lineno):
                lines[i] = ""
    return "\n".join(lines)


def lite_solution() -> NotebookNode:
    """The 01_neuron solution notebook without Keras (one test cell fewer)."""
    notebook = nbformat.read(REPO / "solutions" / MODULE / f"{MODULE}.ipynb", as_version=4)
    kept = []
    for cell in notebook.cells:
        if C.is_autograded_test(cell):
            cell.source = _without_keras(cell.source)
            if C.grade_id(cell).endswith("__keras"):
                continue  # the all-Keras cell
        kept.append(cell)
    notebook.cells = kept
    return notebook


def make_course(root: Path, lite: bool = True) -> Path:
    """Writes a course root with module 01_neuron (solution and released exercise).

    Args:
        root: The folder to create.
        lite: Without Keras (see the module docstring).

    Returns:
        ``root``.
    """
    (root / "solutions" / MODULE).mkdir(parents=True)
    (root / "exercises" / MODULE).mkdir(parents=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    solution = lite_solution() if lite else nbformat.read(
        REPO / "solutions" / MODULE / f"{MODULE}.ipynb", as_version=4)
    nbformat.write(solution, root / "solutions" / MODULE / f"{MODULE}.ipynb")
    shutil.copy(REPO / "exercises" / MODULE / f"{MODULE}.ipynb",
                root / "exercises" / MODULE / f"{MODULE}.ipynb")
    return root


def answers(root: Path) -> dict[str, str]:
    """The solution source of every answer cell (markers removed): grade_id -> source."""
    notebook = nbformat.read(root / "solutions" / MODULE / f"{MODULE}.ipynb", as_version=4)
    return {C.grade_id(c): _SOLUTION_REGION.sub(lambda m: m.group(1), c.source)
            for c in notebook.cells if C.is_answer(c)}


def good_submission(root: Path) -> NotebookNode:
    """The released exercise with every answer cell filled in with the solution."""
    notebook = nbformat.read(root / "exercises" / MODULE / f"{MODULE}.ipynb", as_version=4)
    solved = answers(root)
    for cell in notebook.cells:
        if C.is_answer(cell) and C.grade_id(cell) in solved:
            cell.source = solved[C.grade_id(cell)]
    return notebook


def max_score(root: Path) -> float:
    """The autograded points of the module in this course root."""
    notebook = nbformat.read(root / "solutions" / MODULE / f"{MODULE}.ipynb", as_version=4)
    return sum(C.points(c) for c in notebook.cells if C.is_autograded_test(c))
