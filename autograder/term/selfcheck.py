"""``dlcourse check`` in the student edition: the visible tests, with no solutions at hand.

The student edition made by ``dlcourse release`` has no ``solutions/`` and so no hidden
tests; its ``check`` runs the student's notebook as released (visible tests only), prints
a score per exercise, and says that the hidden tests run when the notebook is graded.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from autograder.course import MODULE_PATTERN

HIDDEN_NOTE = ("Only the visible tests ran here. Hidden tests (edge cases, other shapes, "
               "comparisons with Keras) run when your notebook is graded.")


def _module(notebook: Path, given: str | None) -> str:
    if given:
        return given
    for candidate in (notebook.stem, notebook.parent.name):
        if MODULE_PATTERN.match(candidate):
            return candidate
    raise SystemExit(f"error: cannot tell which module {notebook.name} belongs to; "
                     "pass --module NN_name")


def self_check(notebook: Path, limits=None) -> tuple[list, float, float]:
    """Runs a notebook's visible tests.

    Args:
        notebook: The student's notebook.
        limits: Time limits (the kernel is not sandboxed: it is the student's own code on
            the student's own machine).

    Returns:
        The grade of each visible test cell, the score and the points possible.
    """
    try:  # the notebook runner needs Jupyter's client, which a plain student install lacks
        from autograder.grading.assemble import graded_cells
        from autograder.grading.execute import Limits, NotebookRunner
        from autograder.grading.reading import UnreadableNotebook, read_submission
        from autograder.grading.score import score_cells
    except ImportError as error:
        raise SystemExit(f"error: dlcourse check needs Jupyter's notebook tools ({error.name} "
                         "is missing): pip install nbclient nbformat ipykernel. Or run each "
                         "test cell in the notebook itself.") from None
    try:
        read = read_submission(notebook)
    except UnreadableNotebook as error:
        raise SystemExit(f"error: {notebook} cannot be read: {error}") from None
    specs = [s for s in graded_cells(read.notebook) if not s.manual]
    with tempfile.TemporaryDirectory(prefix="dlcourse-selfcheck-"):
        run = NotebookRunner(read.notebook, notebook.resolve().parent,
                             limits or Limits(sandbox="off")).run()
    cells = score_cells(run, specs)
    return cells, sum(c.score or 0.0 for c in cells), sum(c.max_score for c in cells)


def _limits(args: argparse.Namespace):
    try:
        from autograder.grading.execute import Limits
    except ImportError:
        return None  # self_check says what is missing
    timeout = getattr(args, "timeout", None)
    return Limits(sandbox="off", **({"cell_timeout": timeout} if timeout else {}))


def cmd_selfcheck(args: argparse.Namespace) -> int:
    """The student edition's ``dlcourse check``: visible tests, a score per exercise."""
    notebook = Path(args.notebook)
    if not notebook.is_file():
        raise SystemExit(f"error: no such notebook: {notebook}")
    module = _module(notebook, getattr(args, "module", None))
    print(f"Checking {notebook} as module {module} (visible tests)...", flush=True)
    cells, score, possible = self_check(notebook, _limits(args))
    per_function: dict[str, list[float]] = {}
    for cell in cells:
        got = per_function.setdefault(cell.function, [0.0, 0.0])
        got[0] += cell.score or 0.0
        got[1] += cell.max_score
    width = max((len(f) for f in per_function), default=8)
    for function, (got, out_of) in per_function.items():
        print(f"  {'ok ' if got == out_of else '-- '} {function.ljust(width)}  {got:g}/{out_of:g}")
    for cell in cells:
        if cell.status != "passed":
            message = re.sub(r"\n", "\n    ", cell.message.strip())
            print(f"\n  {cell.grade_id} ({cell.status}):\n    {message}")
    print(f"\nVisible tests: {score:g} / {possible:g}\n{HIDDEN_NOTE}")
    return 0 if score == possible else 1
