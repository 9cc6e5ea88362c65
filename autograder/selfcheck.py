"""Checking a notebook from inside it: for Colab, or any kernel without a terminal.

In the last cell of an exercise notebook (or anywhere after your functions)::

    from autograder.selfcheck import check
    check()               # every exercise of this notebook
    check("softmax")      # one function

It runs the module's test cells against the functions defined in the kernel, with the
hidden tests where the course is installed with its solutions (``solutions/``; otherwise
the visible tests of ``exercises/``), and prints the same report as ``dlcourse check``:
a score per exercise and every failed test's message, never a hidden test's code.

Unlike ``dlcourse check`` it needs no file path, no terminal and no grading tools: only
the standard library and the student dependencies (it reads notebooks as JSON). It does
not restart the kernel, so it checks what the kernel holds now: run your cells first.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from autograder.course import MODULE_PATTERN, MODULES
from autograder.markers import SOLUTION_BEGIN, SOLUTION_END, TEXT_STUB

__all__ = ["check", "format_report", "SelfCheck", "TestResult"]



@dataclass
class TestResult:
    """One graded cell, as :class:`autograder.grading.score.CellGrade` has it."""

    grade_id: str
    function: str
    score: float | None
    max_score: float
    status: str
    message: str = ""
    manual: bool = False


@dataclass
class SelfCheck:
    """The result of :func:`check`: the module, its graded cells and notes."""

    module: str
    cells: list[TestResult]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    hidden_included: bool = False

    @property
    def score(self) -> float:
        """Points earned."""
        return sum(c.score or 0.0 for c in self.cells)

    @property
    def max_score(self) -> float:
        """Points possible (written answers left out)."""
        return sum(c.max_score for c in self.cells if not c.manual)

    def __repr__(self) -> str:
        return f"<check of {self.module}: {self.score:g} / {self.max_score:g}>"


def format_report(cells: Iterable[Any], notes: Iterable[str], score: float,
                  max_score: float, seconds: float) -> str:
    """The report ``dlcourse check`` and :func:`check` print.

    Args:
        cells: Graded cells with ``grade_id``, ``function``, ``score``, ``max_score``,
            ``status`` and ``message`` (``CellGrade`` or :class:`TestResult`).
        notes: Notes from the grader.
        score: Points earned.
        max_score: Points possible.
        seconds: Time taken.

    Returns:
        The text, without a final newline.
    """
    cells = list(cells)
    lines: list[str] = []
    per_function: dict[str, list[float]] = {}
    for cell in cells:
        if cell.status == "manual":
            continue
        got = per_function.setdefault(cell.function, [0.0, 0.0])
        got[0] += cell.score or 0.0
        got[1] += cell.max_score
    width = max((len(f) for f in per_function), default=8)
    for function, (points, possible) in per_function.items():
        mark = "ok " if points == possible else "-- "
        lines.append(f"  {mark} {function.ljust(width)}  {points:g}/{possible:g}")
    for cell in cells:
        if cell.status not in ("passed", "manual"):
            lines.append(f"\n  {cell.grade_id} ({cell.status}):\n    "
                         + cell.message.replace("\n", "\n    "))
    lines += [f"\n  note: {note}" for note in notes]
    manual = [c.grade_id for c in cells if c.status == "manual"]
    if manual:
        lines.append(f"\n  written answers for your teacher (not scored here): "
                     f"{', '.join(manual)}")
    lines.append(f"\nScore: {score:g} / {max_score:g}  ({seconds:.1f} s)")
    return "\n".join(lines)


# --- the course's notebooks, read as JSON ----------------------------------------------


def _cells(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        cells = json.load(handle).get("cells", [])
    for cell in cells:
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    return cells


def _meta(cell: dict) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _is_test(cell: dict) -> bool:
    meta = _meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) \
        and not meta.get("solution") and bool(meta.get("grade_id"))


def _function_of(grade_id: str) -> str:
    return grade_id[len("test_"):].split("__")[0] if grade_id.startswith("test_") else grade_id


def _course_root() -> Path:
    starts = [Path(os.environ["DLCOURSE_ROOT"])] if os.environ.get("DLCOURSE_ROOT") else []
    here = Path.cwd().resolve()
    starts += [here, *here.parents, Path(__file__).resolve().parents[1], here / "dlcourse"]
    for folder in starts:
        if (folder / "solutions").is_dir() or (folder / "exercises").is_dir():
            return folder
    raise FileNotFoundError(
        "check() could not find the course (a folder with solutions/ or exercises/): run the "
        "notebook's first cell, which installs it, or set DLCOURSE_ROOT to its folder")


def _notebook(root: Path, module: str) -> tuple[Path, bool]:
    """The notebook whose tests are run, and whether it holds the hidden tests."""
    for folder, hidden in (("solutions", True), ("exercises", False)):
        path = root / folder / module / f"{module}.ipynb"
        if path.is_file():
            return path, hidden
    raise FileNotFoundError(f"the course at {root} has no notebook for module {module!r}")


def _guess_module(root: Path, namespace: dict, functions: tuple[str, ...]) -> str:
    """The module whose graded functions the kernel defines (and that tests ``functions``)."""
    best, best_count, tied = None, -1, False
    for module in MODULES:
        try:
            cells = _cells(_notebook(root, module)[0])
        except (FileNotFoundError, ValueError):
            continue
        tested = {_function_of(_meta(c)["grade_id"]) for c in cells if _is_test(c)}
        if functions and not set(functions) <= tested:
            continue
        count = sum(1 for name in tested if callable(namespace.get(name)))
        if count > best_count:
            best, best_count, tied = module, count, False
        elif count == best_count:
            tied = True
    if best is None or best_count <= 0 or tied:
        wanted = f" that tests {', '.join(functions)}" if functions else ""
        raise ValueError(f"check() cannot tell which module this notebook is{wanted}: run "
                         "your cells first, or name it, e.g. check(module=\"06_softmax\")")
    return best


# --- running the tests ------------------------------------------------------------------


def _user_namespace(depth: int = 2) -> dict:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        return shell.user_ns
    return sys._getframe(depth).f_globals  # noqa: SLF001 - the caller's module


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raises TimeoutError in the main thread after ``seconds`` (where signals allow)."""
    usable = (hasattr(signal, "setitimer") and seconds > 0
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expired(signum, frame):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _setup_imports(cells: list[dict]) -> str:
    import ast

    lines = []
    for cell in cells:
        meta = _meta(cell)
        if cell.get("cell_type") != "code" or not meta.get("locked") or meta.get("grade") \
                or meta.get("solution"):
            continue
        try:
            tree = ast.parse(cell["source"])
        except SyntaxError:
            continue
        lines += [ast.unparse(node) for node in tree.body
                  if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(lines)


def _run_test(source: str, namespace: dict, timeout: float) -> tuple[str, str]:
    """Runs one test cell's source; returns ``(status, message)`` as the grader words them."""
    from autograder.checks import CheckFailure

    try:
        code = compile(source, "<test cell>", "exec")
        with _time_limit(timeout), contextlib.redirect_stdout(io.StringIO()):
            exec(code, namespace)  # noqa: S102 - the course's own test code
    except TimeoutError:
        return "timeout", (f"the cell ran for more than {timeout:.0f} s and was stopped "
                           "(an infinite loop, or far too much work?)")
    except (CheckFailure, AssertionError) as error:
        return "failed", f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    except Exception as error:  # noqa: BLE001 - whatever the student's code raised
        return "error", f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return "passed", ""


def run_checks(namespace: dict, module: str | None = None, functions: tuple[str, ...] = (),
               timeout: float = 120.0, root: Path | None = None) -> SelfCheck:
    """Runs a module's tests against the functions in ``namespace``.

    Args:
        namespace: Where the student's functions are (the kernel's user namespace).
        module: The module (default: guessed from the functions defined).
        functions: Only the tests of these functions (default: all).
        timeout: Seconds one test cell may run.
        root: The course (default: found from ``$DLCOURSE_ROOT`` or the working folder).

    Returns:
        The results, one per graded cell.
    """
    began = time.monotonic()
    root = root or _course_root()
    if module is None:
        module = _guess_module(root, namespace, functions)
    elif not MODULE_PATTERN.match(module):
        raise ValueError(f"module must look like '06_softmax', got {module!r}")
    path, hidden = _notebook(root, module)
    cells = _cells(path)
    scope = {k: v for k, v in namespace.items() if not hasattr(builtins, k) or k.startswith("__")}
    scope["__builtins__"] = builtins
    exec(compile(_setup_imports(cells), "<setup imports>", "exec"), scope)  # noqa: S102
    results: list[TestResult] = []
    for cell in cells:
        meta = _meta(cell)
        gid = meta.get("grade_id")
        if not gid or not meta.get("grade"):
            continue
        points = float(meta.get("points", 0) or 0)
        if meta.get("solution"):  # a written answer
            if not functions:
                results.append(TestResult(gid, gid, None, points, "manual",
                                          "graded by the instructor", manual=True))
            continue
        function = _function_of(gid)
        if functions and function not in functions:
            continue
        status, message = _run_test(cell["source"], scope, timeout)
        results.append(TestResult(gid, function, points if status == "passed" else 0.0,
                                  points, status, message))
    notes = [] if hidden else ["the course was found without its solutions: only the "
                               "visible tests were run"]
    return SelfCheck(module, results, notes, time.monotonic() - began, hidden)


def check(*functions: str, module: str | None = None, timeout: float = 120.0) -> SelfCheck:
    """Checks this notebook's functions with the module's tests and prints the report.

    Args:
        *functions: Only these functions' tests (default: every exercise).
        module: The module, e.g. ``"06_softmax"`` (default: the one whose functions the
            kernel defines).
        timeout: Seconds one test may run.

    Returns:
        The results; ``.score`` and ``.max_score`` hold the totals.
    """
    namespace = _user_namespace()
    result = run_checks(namespace, module, tuple(functions), timeout)
    what = "hidden tests included" if result.hidden_included else "visible tests only"
    print(f"Checking {result.module} ({what})...")
    print(format_report(result.cells, result.notes, result.score, result.max_score,
                        result.seconds))
    return result




def model_answers(notebook: Path, root: Path, module: str) -> list[tuple[str, str]]:
    """The model answers of the written cells the student has filled in.

    Args:
        notebook: The student's notebook.
        root: The course (with ``solutions/``).
        module: Its module.

    Returns:
        ``(grade_id, model answer)`` for each written answer that is filled in (not
        empty, not the ``YOUR ANSWER HERE`` stub); unanswered ones are left out, so the
        model answer can't be read before trying.
    """
    filled = set()
    for cell in _cells(notebook):
        meta = _meta(cell)
        text = cell.get("source", "").strip()
        if meta.get("solution") and meta.get("grade") and text and text != TEXT_STUB \
                and not text.startswith("(answer missing"):
            filled.add(meta.get("grade_id"))
    answers = []
    source = root / "solutions" / module / f"{module}.ipynb"
    for cell in _cells(source) if source.is_file() else []:
        meta = _meta(cell)
        if meta.get("solution") and meta.get("grade") and meta.get("grade_id") in filled:
            lines = [line for line in cell.get("source", "").splitlines()
                     if line.strip() not in (SOLUTION_BEGIN, SOLUTION_END)]
            answers.append((meta["grade_id"], "\n".join(lines).strip()))
    return answers
