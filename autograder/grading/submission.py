"""Grading one notebook: read, assemble, execute, score, write feedback."""

from __future__ import annotations

import dataclasses
import functools
import re
import hashlib
import time
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder.course import exercise_path, solution_path
from autograder.grading.assemble import GradedCellSpec, assemble, graded_cells
from autograder.grading.cells import grade_id, is_autograded_test, runs_in_judge
from autograder.grading.execute import Limits, NotebookRun, NotebookRunner
from autograder.grading.feedback import write_feedback
from autograder.grading.reading import UnreadableNotebook, read_submission
from autograder.grading.score import SubmissionGrade, failed_everywhere, score_cells
from autograder.grading.status import CellStatus


@functools.lru_cache(maxsize=32)
def _load_source(path: str, mtime: float) -> tuple[NotebookNode, tuple[GradedCellSpec, ...]]:
    notebook = nbformat.read(path, as_version=4)
    return notebook, tuple(graded_cells(notebook))


def load_source(root: Path, module: str) -> tuple[NotebookNode, list[GradedCellSpec]]:
    """The instructor notebook of ``module`` and its graded cells (cached per process).

    Args:
        root: The course repository.
        module: The module name.

    Returns:
        A private copy of the source notebook, and its graded cells.

    Raises:
        FileNotFoundError: If the module has no solution notebook.
    """
    path = solution_path(root, module)
    if not path.is_file():
        raise FileNotFoundError(f"no solution notebook for module {module!r} at {path}")
    notebook, specs = _load_source(str(path), path.stat().st_mtime)
    return nbformat.from_dict(notebook), list(specs)


@functools.lru_cache(maxsize=1)
def grader_digest() -> str:
    """A hash of the grader's own code, so a fixed grader regrades a resumed batch."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(notebook_path: Path | None, root: Path, module: str, limits: Limits) -> str:
    """A hash of everything a grade depends on, so a resumed batch regrades only changes.

    That is the submitted file, the module's source notebook and the data files its
    kernel gets, the limits, and the grader's own code.

    Args:
        notebook_path: The submitted file (None if there is none).
        root: The course repository.
        module: The module name.
        limits: The limits in force.

    Returns:
        A hex digest.
    """
    digest = hashlib.sha256()
    for path in (notebook_path, solution_path(root, module)):
        digest.update(path.read_bytes() if path and path.is_file() else b"<none>")
    data_dir = exercise_path(root, module).parent
    if data_dir.is_dir():
        for path in sorted(p for p in data_dir.rglob("*") if p.is_file()
                           and p.suffix != ".ipynb" and not p.is_symlink()):
            digest.update(str(path.relative_to(data_dir)).encode())
            digest.update(path.read_bytes())
    digest.update(repr(limits).encode())
    digest.update(grader_digest().encode())
    return digest.hexdigest()


def kernel_imports(limits: Limits, source: NotebookNode) -> tuple[str, ...]:
    """The heavy packages (TensorFlow, Keras) that the student's kernel will import.

    Only cells that run in the kernel count: the set-up and answer cells, and test cells
    only where the judge is off (or a cell is marked to run in the kernel). A module whose
    tests use Keras as a reference, and whose exercises are NumPy, pays for TensorFlow in
    the judge (once per worker), not in every student's kernel.
    """
    text = "\n".join(c.source for c in source.cells if c.cell_type == "code" and not (
        limits.judge and is_autograded_test(c) and runs_in_judge(c)))
    return tuple(name for name in ("tensorflow", "keras") if re.search(rf"\b{name}\b", text))


def with_preload(limits: Limits, source: NotebookNode) -> Limits:
    """``limits`` with TensorFlow and Keras preloaded when the kernel will import them."""
    if limits.preload:
        return limits
    return dataclasses.replace(limits, preload=kernel_imports(limits, source))


def _ungraded_errors(run: NotebookRun, shown: int = 5) -> list[str]:
    """Notes for errors in cells that carry no points: often the reason tests fail."""
    failing = [(i, r) for i, (cell, r) in enumerate(zip(run.notebook.cells, run.cells))
               if cell.cell_type == "code" and r.status != "ok" and not grade_id(cell)]
    notes = [f"cell {i + 1} (not graded) did not run cleanly: {(r.message or r.status).splitlines()[0][:300]}"
             for i, r in failing[:shown]]
    if len(failing) > shown:
        notes.append(f"... and {len(failing) - shown} more cells that are not graded")
    return notes


def grade_notebook(notebook_path: Path | None, module: str, student_id: str, root: Path,
                   limits: Limits, feedback_path: Path | None = None,
                   notes: list[str] | None = None, next_module: str | None = None
                   ) -> SubmissionGrade:
    """Grades one submitted notebook against the module's hidden tests.

    Never raises for anything in the submission: an unreadable or missing file gives
    zero on every graded cell, with the reason.

    Args:
        notebook_path: The submitted notebook, or None if the student sent none.
        module: The module it is graded as.
        student_id: The student's id, as it appears in the results.
        root: The course repository.
        limits: Time and output limits.
        feedback_path: Where to write the HTML feedback (None: no feedback).
        notes: Notes gathered before grading (a renamed file, say).
        next_module: The module this process grades next, if it knows: its kernel is
            started while this notebook runs (a spare, see :mod:`.spare`).

    Returns:
        The grades of every graded cell.
    """
    began = time.monotonic()
    notes = list(notes or [])
    source, specs = load_source(root, module)
    result = SubmissionGrade(student_id, module, [], notes,
                             notebook_path=str(notebook_path or ""),
                             fingerprint=fingerprint(notebook_path, root, module, limits))
    executed = nbformat.v4.new_notebook()
    if notebook_path is None:
        result.cells = failed_everywhere(specs, CellStatus.NOT_RUN, notes[-1] if notes else "no notebook")
    else:
        try:
            read = read_submission(notebook_path)
        except UnreadableNotebook as error:
            result.cells = failed_everywhere(specs, CellStatus.UNREADABLE, f"the notebook could not be "
                                             f"graded: {error}")
            notes.append(str(error))
        else:
            notes.extend(read.notes)
            assembled = assemble(source, read.notebook)
            notes.extend(assembled.notes)
            result.phases["read"] = time.monotonic() - began
            prestart = (with_preload(limits, load_source(root, next_module)[0])
                        if next_module else None)
            run = NotebookRunner(assembled.notebook, exercise_path(root, module).parent,
                                 with_preload(limits, source), prestart=prestart).run()
            notes.extend(run.notes)
            notes.extend(_ungraded_errors(run))
            executed = run.notebook
            result.cells = score_cells(run, specs)
            result.phases.update(run.phases)
    if feedback_path is not None:
        rendering = time.monotonic()
        write_feedback(executed, result, feedback_path)
        result.phases["feedback"] = time.monotonic() - rendering
    result.seconds = time.monotonic() - began
    return result
