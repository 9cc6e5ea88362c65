"""Which test cells of a module the judge can run, and marking the others for the kernel.

A test cell runs in the judge unless its source marks it ``"dlcourse": {"runs_in":
"kernel"}`` (see :func:`autograder.grading.cells.runs_in_judge`). A test that hands live
objects of its own to the student's code (a Keras model or optimizer it built, a tensor it
differentiates through the student's function) cannot run there. This tool finds them:
it grades the reference solution with every test cell in the judge and reports the cells
that fail; ``--mark`` writes the marker into the solution notebook (then ``make build``).

Usage::

    python -m autograder.grading.judge_coverage 07_keras [08_training ...] [--mark]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

from autograder.course import solution_path
from autograder.grading import cells as C
from autograder.grading.execute import Limits, NotebookRunner
from autograder.grading.status import CellStatus

MARK = {"runs_in": "kernel"}


def failing_in_judge(root: Path, module: str) -> dict[str, str]:
    """The test cells of ``module``'s reference that fail when the judge runs them all.

    Returns:
        ``grade_id -> message`` for every such cell.
    """
    path = solution_path(root, module)
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop("dlcourse", None)
    run = NotebookRunner(notebook, path.parent, Limits()).run()  # sandboxed where it can be, as in grading
    return {C.grade_id(cell): result.message for cell, result in zip(notebook.cells, run.cells)
            if C.is_autograded_test(cell) and result.status != CellStatus.OK}


def mark(root: Path, module: str, grade_ids: set[str]) -> None:
    """Marks exactly ``grade_ids`` of ``module``'s solution to run in the kernel."""
    path = solution_path(root, module)
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if not C.is_autograded_test(cell):
            continue
        meta = cell.metadata.get("dlcourse", {})
        if C.grade_id(cell) in grade_ids:
            cell.metadata["dlcourse"] = {**meta, **MARK}
        elif meta.get("runs_in") == "kernel":
            del meta["runs_in"]
            if not meta:
                del cell.metadata["dlcourse"]
    nbformat.write(notebook, path)


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="+")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--mark", action="store_true",
                        help="mark the failing cells to run in the kernel")
    args = parser.parse_args(argv)
    for module in args.modules:
        failing = failing_in_judge(args.root, module)
        print(f"{module}: {len(failing)} test cell(s) need the kernel")
        for gid, message in failing.items():
            print(f"  {gid}: {message.splitlines()[0][:150] if message else ''}")
        if args.mark:
            mark(args.root, module, set(failing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
