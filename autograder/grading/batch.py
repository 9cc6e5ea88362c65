"""Grading a whole class: discovery, a pool of workers, records, ``grades.csv``.

Each submission is one independent task (its own kernel, no shared gradebook), so the
batch runs in parallel without database locks. Every finished task is written at once
to ``RESULTS/records/<student>/<module>.json``; ``grades.csv`` is rebuilt from those
records at the end. A batch that is stopped half-way and started again skips every
submission whose record matches the file's current fingerprint, and can never write a
row twice.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import hashlib
import json
import multiprocessing
import os
import re
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from autograder.course import available_modules
from autograder.determinism import THREADS_VARIABLE
from autograder.grading import sandbox
from autograder.grading.limits import Limits
from autograder.grading.reading import find_submitted_notebook
from autograder.grading.score import CSV_COLUMNS, CellGrade, SubmissionGrade
from autograder.grading.status import CellStatus
from autograder.grading.submission import fingerprint, grade_notebook, load_source
from autograder.log import logger, warn


@dataclass(frozen=True)
class Task:
    """One student's folder for one module."""

    student_id: str
    module: str
    folder: Path


@dataclass
class BatchResult:
    """What a batch produced."""

    grades: list[SubmissionGrade]
    csv_path: Path
    graded: int = 0
    reused: int = 0
    skipped: list[str] = field(default_factory=list)
    grader_errors: int = 0


def printable_id(name: str) -> str:
    """A student id as text that any CSV reader and file system accepts.

    Folder names that are not valid UTF-8 (undecodable bytes) are shown with U+FFFD.
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


_HASHED = re.compile(r"-[0-9a-f]{8}$")


def safe_name(name: str) -> str:
    """A file-name-safe version of a student id, unique for distinct ids.

    A name that had to be cleaned gets ``-`` and 8 hex digits of its hash; so does a clean
    name that already ends that way, so a student named ``r_f-a8ee11be`` can never take
    the folders of one named ``réf``.
    """
    text = printable_id(name)
    clean = re.sub(r"[^A-Za-z0-9._-]", "_", text)
    if clean != text or _HASHED.search(clean) or clean in (".", ".."):
        clean += "-" + hashlib.sha1(name.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return clean or "_"


def discover(submissions: Path, modules: Iterable[str] | None, root: Path
             ) -> tuple[list[Task], list[str]]:
    """Finds ``SUBMISSIONS/<student_id>/<module>/`` folders to grade.

    Args:
        submissions: The class's submission folder.
        modules: Only these modules (None: every module the course has).
        root: The course repository.

    Returns:
        The tasks, sorted by student then module, and warnings about folders skipped.
    """
    if not submissions.is_dir():
        raise FileNotFoundError(f"submissions folder not found: {submissions}")
    known = set(available_modules(root))
    wanted = set(modules) if modules else known
    unknown = wanted - known
    if unknown:
        raise ValueError(f"unknown module(s): {', '.join(sorted(unknown))}; the course has "
                         f"{', '.join(sorted(known))}")
    tasks, warnings = [], []
    taken: dict[str, str] = {}
    for student in sorted(p for p in submissions.iterdir() if p.is_dir()):
        if student.name.startswith("."):
            continue
        shown = printable_id(student.name)
        if student.is_symlink():  # would lead outside the class folder, or to a classmate
            warnings.append(f"{shown}: a symbolic link, not a student's folder; skipped")
            continue
        other = taken.setdefault(safe_name(student.name), student.name)
        if other != student.name:
            raise ValueError(f"the student ids {printable_id(other)!r} and {shown!r} give the "
                             "same results folder; rename one of them")
        for folder in sorted(p for p in student.iterdir() if p.is_dir() or p.is_symlink()):
            if folder.name in wanted:
                tasks.append(Task(student.name, folder.name, folder))
            elif folder.name not in known and not folder.name.startswith("."):
                warnings.append(f"{shown}/{printable_id(folder.name)}: "
                                "not a module of this course, skipped")
    return tasks, warnings


def _record_path(out: Path, task: Task) -> Path:
    return out / "records" / safe_name(task.student_id) / f"{task.module}.json"


def _feedback_path(out: Path, task: Task) -> Path:
    return out / "feedback" / safe_name(task.student_id) / f"{task.module}.html"


def grade_task(task: Task, out: Path, root: Path, limits: Limits, feedback: bool = True,
               next_module: str | None = None) -> SubmissionGrade:
    """Grades one task and writes its record; never raises.

    If the grader itself breaks (a bug, not the student's doing), every graded cell is
    recorded with status ``grader_error`` and the traceback, so no row goes missing.

    Args:
        task: What to grade.
        out: The results folder.
        root: The course repository.
        limits: Time and output limits.
        feedback: Whether to write the HTML feedback.
        next_module: The module this worker will most likely grade next (its kernel is
            started early), or None.

    Returns:
        The grades, as also written to the record.
    """
    student = printable_id(task.student_id)
    try:
        path, notes = find_submitted_notebook(task.folder, task.module)
        result = grade_notebook(path, task.module, student, root, limits,
                                _feedback_path(out, task) if feedback else None, notes,
                                next_module)
    except Exception:  # noqa: BLE001 - the batch must go on; the error is kept
        detail = traceback.format_exc(limit=6)
        try:
            _, specs = load_source(root, task.module)
        except Exception:  # noqa: BLE001
            specs = []
        result = SubmissionGrade(student, task.module, [
            CellGrade(s.grade_id, s.function, 0.0, s.max_score, CellStatus.GRADER_ERROR, detail[-2000:],
                      s.manual)
            for s in specs], ["the grader failed on this submission; tell the instructor"])
    record = _record_path(out, task)
    record.parent.mkdir(parents=True, exist_ok=True)
    tmp = record.with_suffix(".tmp")
    tmp.write_text(json.dumps(result.to_json(), indent=1))
    os.replace(tmp, record)  # atomic: a record is whole or absent
    return result


def _reusable(task: Task, out: Path, root: Path, limits: Limits) -> SubmissionGrade | None:
    record = _record_path(out, task)
    if not record.is_file():
        return None
    try:
        previous = SubmissionGrade.from_json(json.loads(record.read_text()))
    except (ValueError, TypeError, KeyError):
        return None
    path, _ = find_submitted_notebook(task.folder, task.module)
    if previous.fingerprint != fingerprint(path, root, task.module, limits):
        return None
    if any(c.status == CellStatus.GRADER_ERROR for c in previous.cells):
        return None
    return previous


def write_csv(grades: list[SubmissionGrade], path: Path) -> None:
    """Writes ``grades.csv``: one row per student x module x graded cell, sorted.

    Args:
        grades: Every submission's grades.
        path: The CSV file to write.
    """
    rows = [row for g in grades for row in g.rows()]
    rows.sort(key=lambda r: (r["student_id"], r["assignment"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)


ExecutorFactory = Callable[[int], cf.Executor]


def process_pool(workers: int) -> cf.Executor:
    """The default executor: local worker processes (spawned, so no state is shared)."""
    return cf.ProcessPoolExecutor(max_workers=workers,
                                  mp_context=multiprocessing.get_context("spawn"))


def grade_batch(submissions: Path, out: Path, root: Path, *, workers: int | None = None,
                limits: Limits | None = None, modules: Iterable[str] | None = None,
                feedback: bool = True, force: bool = False, progress: bool = True,
                executor_factory: ExecutorFactory = process_pool,
                prestart: bool = True) -> BatchResult:
    """Grades every submission under ``submissions`` and writes ``out/grades.csv``.

    Args:
        submissions: ``SUBMISSIONS/<student_id>/<module>/<module>.ipynb``.
        out: The results folder (``grades.csv``, ``feedback/``, ``records/``).
        root: The course repository.
        workers: Parallel submissions (default: one per CPU core).
        limits: Time and output limits.
        modules: Only these modules (default: all).
        feedback: Whether to write HTML feedback.
        force: Regrade even submissions whose record is up to date.
        progress: Show a progress bar with the time left on stderr.
        executor_factory: Makes the executor for ``workers`` (local processes by default;
            a Dask cluster's executor for ``--scheduler``).
        prestart: Start each worker's next kernel while it grades the current notebook
            (a spare kernel, see :mod:`.spare`; costs one idle kernel's memory per worker).

    Returns:
        The batch's grades and counts.
    """
    limits = limits or Limits()
    workers = max(1, workers or os.cpu_count() or 1)
    tasks, warnings = discover(submissions, modules, root)
    for warning in warnings:
        warn(f"warning: {warning}")
    done: dict[Task, SubmissionGrade] = {}
    todo = []
    for task in tasks:
        previous = None if force else _reusable(task, out, root, limits)
        if previous is not None:
            done[task] = previous
        else:
            todo.append(task)
    reused = len(done)
    if todo:
        sandbox.warn_if_unsandboxed(limits.sandbox)  # once per batch; workers never warn
        from tqdm.auto import tqdm

        bar = tqdm(total=len(todo), desc="grading", unit="notebook", disable=not progress,
                   file=sys.stderr, dynamic_ncols=True)
        # Each worker's kernels and judge get their share of the cores (read by the runner
        # in the worker processes, which inherit the environment); a value set by the user wins.
        chosen = THREADS_VARIABLE in os.environ
        if not chosen:
            os.environ[THREADS_VARIABLE] = str(max(1, (os.cpu_count() or 1)
                                                   // min(workers, len(todo))))
        # Module by module: a worker's next notebook then mostly needs a kernel like the one
        # it has (the same preloads), which it starts early. Tasks are handed out in this
        # order, so a worker's next task is about ``pool size`` places further on.
        todo.sort(key=lambda t: (t.module, t.student_id))
        size = min(workers, len(todo))
        following = [todo[i + size].module if prestart and i + size < len(todo) else None
                     for i in range(len(todo))]
        with executor_factory(size) as pool:
            futures = {pool.submit(grade_task, t, out, root, limits, feedback, after): t
                       for t, after in zip(todo, following)}
            if not chosen:
                os.environ.pop(THREADS_VARIABLE, None)
            for future in cf.as_completed(futures):
                task = futures[future]
                done[task] = grade = future.result()
                logger.info("%s/%s: %g/%g points in %.1f s (%s)", printable_id(task.student_id),
                            task.module, grade.score, grade.max_score, grade.seconds,
                            ", ".join(f"{k} {v:.2f} s" for k, v in grade.phases.items() if v))
                bar.set_postfix_str(f"{printable_id(task.student_id)}/{task.module}")
                bar.update()
        bar.close()
    grades = [done[t] for t in tasks]
    csv_path = out / "grades.csv"
    write_csv(grades, csv_path)
    errors = sum(any(c.status == CellStatus.GRADER_ERROR for c in g.cells) for g in grades)
    return BatchResult(grades, csv_path, graded=len(todo), reused=reused,
                       skipped=warnings, grader_errors=errors)
