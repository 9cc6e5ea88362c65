"""The corpus: hostile and broken submissions of module 01_neuron, with expected outcomes.

:func:`build_corpus` writes ``SUBMISSIONS/<student>/01_neuron/...`` for every
:class:`Case` into a temporary folder; each case states the score it must get, the status
of the test cells it must lose, and words that must appear in the feedback (cell messages
or notes), so a student can tell what happened. All other test cells must pass: one
hostile thing costs only what it breaks.

The course is the *lite* 01_neuron of :mod:`tests.hostile.course` (17 points): test cells
``test_line`` 2, ``test_sigmoid`` 1, ``test_sigmoid__overflow`` 2, ``test_relu`` 2,
``test_neuron`` 2, ``test_perceptron_weights`` 2, ``test_perceptron_weights__unknown`` 1,
``test_perceptron_train`` 2, ``test_perceptron_train__separable`` 3.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat
from nbformat import NotebookNode

from autograder.grading import cells as C
from tests.hostile.course import MODULE, REPO, good_submission

FULL = 17.0
WRONG_LINE = "def line(x, m, c):\n    return m * np.asarray(x, dtype=float)\n"
WRONG_RELU = "def relu(z):\n    return np.asarray(z, dtype=float)\n"
CORRECT_LINE = "    return m * np.asarray(x, dtype=float) + c\n"


@dataclass
class Context:
    """Paths and ports the hostile code aims at."""

    root: Path
    submissions: Path
    out: Path
    port: int


@dataclass
class Case:
    """One submission and what grading it must give.

    Attributes:
        student: The student's folder name (a str, or bytes for a non-UTF-8 name).
        build: Writes the submission into the module folder.
        score: The expected total.
        lost: grade_id -> expected status, for every test cell that must lose points.
        words: Phrases that must appear in the notes or cell messages.
        sandbox_only: Expectations that hold only inside the sandbox.
    """

    student: str | bytes
    build: Callable[[Path, Context], None]
    score: float
    lost: dict[str, str] = field(default_factory=dict)
    words: tuple[str, ...] = ()
    sandbox_only: bool = False

    @property
    def name(self) -> str:
        """The student id as the grader prints it."""
        if isinstance(self.student, bytes):
            return self.student.decode("utf-8", "replace")
        return self.student


# -- notebook surgery --------------------------------------------------------------------

def _index(nb: NotebookNode, gid: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if C.grade_id(c) == gid)


def with_answer(nb: NotebookNode, gid: str, source: str) -> NotebookNode:
    """The answer cell ``gid`` replaced by ``source``."""
    nb.cells[_index(nb, gid)].source = source
    return nb


def insert_after(nb: NotebookNode, gid: str, source: str) -> NotebookNode:
    """A plain code cell with ``source`` inserted after the cell ``gid``."""
    nb.cells.insert(_index(nb, gid) + 1, nbformat.v4.new_code_cell(source))
    return nb


def _write(folder: Path, nb: NotebookNode, name: str = f"{MODULE}.ipynb") -> None:
    nbformat.write(nb, folder / name)


def _notebook(change: Callable[[NotebookNode], NotebookNode | None]) -> Callable[[Path, Context], None]:
    def build(folder: Path, ctx: Context) -> None:
        nb = good_submission(ctx.root)
        _write(folder, change(nb) or nb)
    return build


def _with_context(change: Callable[[NotebookNode, Context], NotebookNode]
                  ) -> Callable[[Path, Context], None]:
    def build(folder: Path, ctx: Context) -> None:
        _write(folder, change(good_submission(ctx.root), ctx))
    return build


def _guarded_line(prelude: str, bad: str) -> str:
    """A ``line`` that is right unless ``bad`` (an expression) is true after ``prelude``."""
    return (f"{prelude}\n_BAD = {bad}\n"
            "def line(x, m, c):\n    if _BAD:\n        return f'escaped: {_BAD}'\n" + CORRECT_LINE)


# -- the hostile things ------------------------------------------------------------------

def _secrets(ctx: Context) -> list[str]:
    return [str(REPO / "solutions" / MODULE / f"{MODULE}.ipynb"),
            str(ctx.root / "solutions" / MODULE / f"{MODULE}.ipynb"),
            str(ctx.submissions / "good" / MODULE / f"{MODULE}.ipynb"),
            str(ctx.out), str(REPO / ".git"), str(REPO / "tests")]


def write_targets(ctx: Context) -> list[str]:
    """Files the ``write_outside`` case tries to create (none may exist afterwards)."""
    return [str(REPO / "autograder" / "pwned.txt"), str(ctx.root / "solutions" / "pwned.txt"),
            str(ctx.submissions / "good" / "pwned.txt"), str(ctx.out / "pwned.txt"),
            "/etc/pwned.txt", "/usr/pwned.txt", str(REPO / ".venv" / "pwned.txt")]


def _read_secrets(nb: NotebookNode, ctx: Context) -> NotebookNode:
    prelude = f"import os\n_PATHS = {_secrets(ctx)!r}"
    return with_answer(nb, "line", _guarded_line(
        prelude, "[p for p in _PATHS if os.path.exists(p)]"))


def _write_outside(nb: NotebookNode, ctx: Context) -> NotebookNode:
    prelude = (f"_WROTE = []\nfor _p in {write_targets(ctx)!r}:\n    try:\n"
               "        with open(_p, 'w') as _f:\n            _f.write('x')\n"
               "        _WROTE.append(_p)\n    except OSError:\n        pass\n"
               "with open('scratch.txt', 'w') as _f:\n    _f.write('the scratch folder is writable')\n"
               "import os")
    return with_answer(nb, "line", _guarded_line(
        prelude, "_WROTE or not os.path.exists('scratch.txt')"))


def _open_socket(nb: NotebookNode, ctx: Context) -> NotebookNode:
    prelude = ("import socket\ndef _reach():\n    try:\n"
               f"        socket.create_connection(('127.0.0.1', {ctx.port}), timeout=2).close()\n"
               "        return True\n    except OSError:\n        return False")
    return with_answer(nb, "line", _guarded_line(prelude, "_reach()"))


def _deleted(nb: NotebookNode) -> None:
    nb.cells = [c for c in nb.cells if C.grade_id(c) not in ("test_relu", "test_line")]


def _edited(nb: NotebookNode) -> None:
    with_answer(nb, "sigmoid", "def sigmoid(z):\n    return np.full(np.shape(z), 0.5)\n")
    nb.cells[_index(nb, "test_sigmoid")].source = "pass"
    nb.cells[_index(nb, "test_sigmoid__overflow")].source = "print('all good')"


def _duplicated(nb: NotebookNode) -> None:
    nb.cells.insert(_index(nb, "test_line") + 1, copy.deepcopy(nb.cells[_index(nb, "test_line")]))
    nb.cells.insert(_index(nb, "sigmoid") + 1, copy.deepcopy(nb.cells[_index(nb, "sigmoid")]))


def _reordered(nb: NotebookNode) -> None:
    moved = [nb.cells[_index(nb, "relu")], nb.cells[_index(nb, "test_relu")]]
    nb.cells = [c for c in nb.cells if all(c is not m for m in moved)] + moved


def _retyped(nb: NotebookNode) -> None:
    i = _index(nb, "relu")
    old = nb.cells[i]
    nb.cells[i] = nbformat.v4.new_markdown_cell(old.source, metadata=old.metadata)
    j = _index(nb, "test_relu")
    nb.cells[j] = nbformat.v4.new_raw_cell(nb.cells[j].source, metadata=nb.cells[j].metadata)


def _many_cells(nb: NotebookNode) -> None:
    at = _index(nb, "setup") + 1
    nb.cells[at:at] = [nbformat.v4.new_code_cell(f"_k = {i}") for i in range(1000)]


def _renamed(folder: Path, ctx: Context) -> None:
    _write(folder, good_submission(ctx.root), "01_neuron (1).ipynb")


def _two_notebooks(folder: Path, ctx: Context) -> None:
    _write(folder, good_submission(ctx.root))
    exercise = nbformat.read(ctx.root / "exercises" / MODULE / f"{MODULE}.ipynb", as_version=4)
    _write(folder, exercise, f"{MODULE}-Copy1.ipynb")


def _wrong_module(folder: Path, ctx: Context) -> None:
    nb = nbformat.v4.new_notebook()
    meta = {"nbgrader": {"grade": False, "grade_id": "dense", "locked": False,
                         "schema_version": 3, "solution": True, "task": False}}
    nb.cells = [nbformat.v4.new_code_cell("def dense(x, W, b):\n    return x @ W + b",
                                          metadata=meta)]
    _write(folder, nb)


def _bytes(data: Callable[[Context], bytes]) -> Callable[[Path, Context], None]:
    def build(folder: Path, ctx: Context) -> None:
        (folder / f"{MODULE}.ipynb").write_bytes(data(ctx))
    return build


def _good_bytes(ctx: Context) -> bytes:
    return nbformat.writes(good_submission(ctx.root)).encode("utf-8")


def _latin1(ctx: Context) -> bytes:
    nb = good_submission(ctx.root)
    nb.cells.insert(2, nbformat.v4.new_markdown_cell("MARKER"))
    return nbformat.writes(nb).encode("utf-8").replace(b"MARKER", b"caf\xe9 na\xefve")


def _garbage(ctx: Context) -> bytes:
    return b'{"cells": [ {not json at all \x00\xff'


def _truncated(ctx: Context) -> bytes:
    data = _good_bytes(ctx)
    return data[: len(data) // 2]


# Attacks on the machinery that runs the tests (issue 9): with a wrong ``line`` each must
# lose test_line's points, as nothing of the tests runs in the student's process.
REBIND_RUNNER = "__dlcourse_test__ = lambda *a, **k: None\n_dl_serve = lambda *a, **k: None\n"
INPUT_TRANSFORMER = """def _skip_tests(lines):
    return ["pass\\n"] if any("check_" in l or "__dlcourse" in l for l in lines) else lines
get_ipython().input_transformers_post.append(_skip_tests)
"""
AST_TRANSFORMER = """import ast
class _NoTests(ast.NodeTransformer):
    def visit_Module(self, node):
        if "check_" in ast.unparse(node) or "__dlcourse" in ast.unparse(node):
            return ast.Module(body=[ast.Pass()], type_ignores=[])
        return node
get_ipython().ast_transformers.append(_NoTests())
"""
FAKE_EXECUTE = """import inspect
_kernel = get_ipython().kernel
_real_execute = _kernel.do_execute
async def _fake_execute(code, silent, *args, **kwargs):
    if "__dlcourse_test__" in code or "check_" in code:
        return {"status": "ok", "execution_count": 1, "payload": [], "user_expressions": {}}
    result = _real_execute(code, silent, *args, **kwargs)
    return await result if inspect.isawaitable(result) else result
_kernel.do_execute = _fake_execute
"""
SETTRACE = """import sys, ctypes, threading
def _swap(frame, event, arg):
    if event == "call" and frame.f_code.co_name in ("check_close", "check_equal"):
        if "actual" in frame.f_locals and "expected" in frame.f_locals:
            frame.f_locals["actual"] = frame.f_locals["expected"]
            ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(0))
    return None
sys.settrace(_swap)
threading.settrace(_swap)
"""
PATCH_DURING_CALL = """import numpy
def line(x, m, c):
    for module in (numpy, getattr(numpy, "_core", numpy).numeric):
        module.allclose = module.isclose = module.array_equal = lambda *a, **k: True
    return m * numpy.asarray(x, dtype=float)
"""
REPATCH_THREAD = """import threading, time, numpy
def _keep_patching():
    while True:
        numpy.allclose = numpy.isclose = numpy.array_equal = lambda *a, **k: True
        time.sleep(0.001)
threading.Thread(target=_keep_patching, daemon=True).start()
"""
FRAME_READER = """import sys
class _Answer:
    def _expected(self):
        frame = sys._getframe(1)
        while frame is not None:
            if "expected" in frame.f_locals:
                return np.asarray(frame.f_locals["expected"], dtype=float)
            frame = frame.f_back
        return np.zeros(1)
    def numpy(self):
        return self._expected()
    def __array__(self, dtype=None, copy=None):
        return self._expected()
def line(x, m, c):
    return _Answer()
"""
LYING_NUMBER = """class _Liar(float):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = float.__hash__
def line(x, m, c):
    return _Liar(-1.0)
"""
LEAK_IN = "print('\\n'.join(str(cell) for cell in In))\nprint(sorted(_ih) if '_ih' in dir() else '')\n"
LEAK_STACK = """import sys
def line(x, m, c):
    frame = sys._getframe(1)
    while frame is not None:
        for name, value in list(frame.f_locals.items()):
            if isinstance(value, str) and ("separable" + "_set" in value or "HID" + "DEN" in value):
                print("LEAK" + "ED:", name, value)
        frame = frame.f_back
    return m * np.asarray(x, dtype=float) + c
"""


def _attack(code: str, wrong: str = WRONG_LINE) -> Callable[[Path, Context], None]:
    """A wrong ``line``, and then ``code`` in a cell of its own."""
    return _notebook(lambda nb: insert_after(with_answer(nb, "line", wrong), "line", code))


def _good(folder: Path, ctx: Context) -> None:
    _write(folder, good_submission(ctx.root))


LOOP_CATCHING = """import time
def relu(z):
    while True:
        try:
            time.sleep(0.05)
        except KeyboardInterrupt:
            pass
"""
MEMORY_BOMB = """def bomb():
    hoard = []
    while True:
        hoard.append(bytearray(50 * 2**20))
bomb()
"""
MEMORY_IN_FUNCTION = """def neuron(x, w, b, activation):
    waste = np.ones((2**16, 2**16))  # 32 GiB
    return activation(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b)
"""
KILL_KERNEL = """import os, signal
def neuron(x, w, b, activation):
    os.kill(os.getpid(), signal.SIGKILL)
"""
REDEFINE_CHECKS = "check_close = lambda *a, **k: None\ncheck_equal = check_true = check_shape = check_close\n"
MONKEYPATCH = """np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.isclose = lambda *a, **k: True
import autograder.checks as _checks
_checks.check_close = lambda *a, **k: None
_checks.CheckFailure = type("Harmless", (Exception,), {})
"""
BUILTINS = """import builtins
builtins.print = lambda *a, **k: None
def print(*a, **k):
    pass
isinstance = lambda *a: True
builtins.AssertionError = type("Harmless", (Exception,), {})
"""
SUPPRESS = """import sys
get_ipython().showtraceback = lambda *a, **k: None
get_ipython()._showtraceback = lambda *a, **k: None
sys.excepthook = lambda *a: None
"""


ESCAPE = """import os, pathlib
# Modules that the kernel's launchers would import if they ran from the working directory.
for package in ("autograder", "autograder/grading"):
    pathlib.Path(package).mkdir(parents=True, exist_ok=True)
    pathlib.Path(package, "__init__.py").write_text("")
pathlib.Path("autograder/grading/rlimits.py").write_text(
    "import os, sys\\nopen(%r, 'w').write('escaped')\\n"
    "command = sys.argv[sys.argv.index('--') + 1:]\\nos.execvp(command[0], command)\\n")
pathlib.Path("ipykernel_launcher.py").write_text("import os\\nos._exit(3)\\n")
startup = pathlib.Path.home() / ".ipython" / "profile_default" / "startup"
startup.mkdir(parents=True, exist_ok=True)
(startup / "00-die.py").write_text("import os\\nos._exit(4)\\n")
os._exit(1)
"""
# After the restart: nothing planted is there, the kernel is not root and holds no capability.
ESCAPE_CHECK = (
    "import os\n_status = open('/proc/self/status').read()\n"
    "_CAPS = {l.split()[1] for l in _status.splitlines() if l.startswith('Cap')}")
ESCAPE_BAD = ("[p for p in ('autograder', 'ipykernel_launcher.py', os.path.expanduser("
              "'~/.ipython/profile_default/startup/00-die.py')) if os.path.exists(p)] "
              "or os.getuid() == 0 or _CAPS != {'0000000000000000'}")


def _escape(nb: NotebookNode, ctx: Context) -> NotebookNode:
    insert_after(nb, "setup", ESCAPE % str(ctx.out / "pwned.txt"))
    return with_answer(nb, "line", _guarded_line(ESCAPE_CHECK, ESCAPE_BAD))


def _link_to(target: Callable[[Context], Path]) -> Callable[[Path, Context], None]:
    def build(folder: Path, ctx: Context) -> None:
        (folder / f"{MODULE}.ipynb").symlink_to(target(ctx))
    return build


def _linked_folder(folder: Path, ctx: Context) -> None:
    folder.rmdir()
    folder.symlink_to(ctx.root / "solutions" / MODULE, target_is_directory=True)


def _fifo(folder: Path, ctx: Context) -> None:
    os.mkfifo(folder / f"{MODULE}.ipynb")


def _nested(ctx: Context) -> bytes:
    return b'{"cells": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"


def _huge_integer(ctx: Context) -> bytes:
    return b'{"cells": [], "metadata": {"x": ' + b"9" * 5000 + b"}, \"nbformat\": 4}"


ERROR_FLOOD = "raise ValueError('x' * 21_000_000)"
DISPLAY_FLOOD = """handle = display('start', display_id=True)
for _ in range(100):
    handle.update('y' * 10**6)
"""
# Two ids that an older grader cleaned into the same folder name.
TWIN_ID = "r\u00e9f"
TWIN_LOOKALIKE = "r_f-" + __import__("hashlib").sha1(TWIN_ID.encode()).hexdigest()[:8]


def cases() -> list[Case]:
    """Every case of the corpus."""
    return [
        Case("good", _good, FULL),
        Case("infinite_loop_cell", _notebook(lambda nb: insert_after(nb, "relu", "while True:\n    pass")),
             FULL, words=("ran for more than 10 s",)),
        Case("infinite_loop_in_answer", _notebook(lambda nb: with_answer(
            nb, "line", "def line(x, m, c):\n    while True:\n        pass\n")),
             FULL - 2, {"test_line": "timeout"}, ("ran for more than 10 s",)),
        Case("loop_catching_interrupt", _notebook(lambda nb: with_answer(nb, "relu", LOOP_CATCHING)),
             FULL - 2, {"test_relu": "timeout"}, ("ran for more than", "restarted")),
        Case("memory_bomb", _notebook(lambda nb: insert_after(nb, "line", MEMORY_BOMB)),
             FULL, words=("MemoryError", "1024 MiB")),
        Case("memory_in_answer", _notebook(lambda nb: with_answer(nb, "neuron", MEMORY_IN_FUNCTION)),
             FULL - 2, {"test_neuron": "error"}, ("MemoryError", "1024 MiB")),
        Case("fork_bomb", _notebook(lambda nb: insert_after(
            nb, "line", "import os\nwhile True:\n    os.fork()")),
             FULL, sandbox_only=True),
        Case("os_exit", _notebook(lambda nb: insert_after(nb, "sigmoid", "import os\nos._exit(1)")),
             FULL, words=("kernel died",)),
        Case("kill_kernel", _notebook(lambda nb: with_answer(nb, "neuron", KILL_KERNEL)),
             FULL - 2, {"test_neuron": "kernel_died"}, ("kernel died",)),
        Case("sys_exit", _notebook(lambda nb: insert_after(nb, "relu", "import sys\nsys.exit(3)")),
             FULL, words=("sys.exit()",)),
        Case("exit_call", _notebook(lambda nb: insert_after(nb, "relu", "exit()")), FULL,
             words=("sys.exit()",)),
        Case("keyboard_interrupt", _notebook(lambda nb: insert_after(nb, "relu", "raise KeyboardInterrupt")),
             FULL, words=("KeyboardInterrupt",)),
        Case("print_flood", _notebook(lambda nb: insert_after(
            nb, "relu", "for _ in range(10**6):\n    print('y' * 10**4)")),
             FULL, words=("printed more than 200,000 characters",)),
        Case("deleted_tests", _notebook(_deleted), FULL, words=("'test_relu' was deleted",)),
        Case("edited_tests", _notebook(_edited), FULL - 3,
             {"test_sigmoid": "failed", "test_sigmoid__overflow": "failed"}, ("was edited",)),
        Case("redefine_checks", _notebook(lambda nb: insert_after(
            with_answer(nb, "line", WRONG_LINE), "line", REDEFINE_CHECKS)),
             FULL - 2, {"test_line": "failed"}, ("values differ",)),
        Case("monkeypatch_numpy", _notebook(lambda nb: insert_after(
            with_answer(nb, "line", WRONG_LINE), "line", MONKEYPATCH)),
             FULL - 2, {"test_line": "failed"}, ("values differ",)),
        Case("redefine_builtins", _notebook(lambda nb: insert_after(
            with_answer(nb, "relu", WRONG_RELU), "line", BUILTINS)),
             FULL - 2, {"test_relu": "failed"}),
        Case("suppress_tracebacks", _notebook(lambda nb: insert_after(
            with_answer(nb, "relu", WRONG_RELU), "line", SUPPRESS)),
             FULL - 2, {"test_relu": "failed"}, ("relu(",)),
        Case("read_secrets", _with_context(_read_secrets), FULL, sandbox_only=True),
        Case("write_outside", _with_context(_write_outside), FULL, sandbox_only=True),
        Case("open_socket", _with_context(_open_socket), FULL, sandbox_only=True),
        Case("not_json", _bytes(_garbage), 0.0, {"test_line": "unreadable"},
             ("not valid notebook JSON",)),
        Case("truncated", _bytes(_truncated), 0.0, {"test_line": "unreadable"}, ("truncated",)),
        Case("thousands_of_cells", _notebook(_many_cells), FULL),
        Case("duplicated_cells", _notebook(_duplicated), FULL, words=("more than once",)),
        Case("reordered_cells", _notebook(_reordered), FULL, words=("reordered",)),
        Case("retyped_cells", _notebook(_retyped), FULL, words=("changed from code to markdown",)),
        Case("renamed_file", _renamed, FULL, words=("graded 01_neuron (1).ipynb instead",)),
        Case("two_notebooks", _two_notebooks, FULL),
        Case("wrong_module", _wrong_module, 0.0, {"test_line": "error"},
             ("none of this module's graded cells",)),
        Case("duplicate_a", _good, FULL),
        Case("duplicate_b", _good, FULL),
        Case(b"non_utf8_\xff_name", _good, FULL),
        Case("non_utf8_content", _bytes(_latin1), FULL, words=("not valid UTF-8",)),
        Case("no_notebook", lambda folder, ctx: None, 0.0, {"test_line": "not_run"},
             ("no notebook found",)),
        # Issue 9: owning the kernel, reaching other files, stalling or flooding the batch.
        Case("escape_by_launcher", _with_context(_escape), FULL, words=("kernel died",),
             sandbox_only=True),
        Case("link_to_solution", _link_to(lambda ctx: ctx.root / "solutions" / MODULE /
                                          f"{MODULE}.ipynb"),
             0.0, {"test_line": "not_run"}, ("not a regular file",)),
        Case("link_to_classmate", _link_to(lambda ctx: ctx.submissions / "good" / MODULE /
                                           f"{MODULE}.ipynb"),
             0.0, {"test_line": "not_run"}, ("not a regular file",)),
        Case("linked_module_folder", _linked_folder, 0.0, {"test_line": "not_run"},
             ("symbolic link",)),
        Case("fifo_notebook", _fifo, 0.0, {"test_line": "not_run"}, ("not a regular file",)),
        Case("nested_json", _bytes(_nested), 0.0, {"test_line": "unreadable"},
             ("nested too deeply",)),
        Case("huge_integer", _bytes(_huge_integer), 0.0, {"test_line": "unreadable"},
             ("not valid notebook JSON",)),
        Case("error_flood", _notebook(lambda nb: insert_after(nb, "relu", ERROR_FLOOD)), FULL,
             words=("ValueError",)),
        Case("display_flood", _notebook(lambda nb: insert_after(nb, "relu", DISPLAY_FLOOD)),
             FULL, words=("printed more than 200,000 characters",)),
        Case("rebind_runner", _attack(REBIND_RUNNER), FULL - 2, {"test_line": "failed"}),
        Case("input_transformer", _attack(INPUT_TRANSFORMER), FULL - 2, {"test_line": "failed"}),
        Case("ast_transformer", _attack(AST_TRANSFORMER), FULL - 2, {"test_line": "failed"}),
        Case("fake_execute", _attack(FAKE_EXECUTE), FULL - 2, {"test_line": "failed"}),
        Case("settrace_swap", _attack(SETTRACE), FULL - 2, {"test_line": "failed"}),
        Case("patch_during_call", _notebook(lambda nb: with_answer(nb, "line", PATCH_DURING_CALL)),
             FULL - 2, {"test_line": "failed"}),
        Case("repatch_thread", _attack(REPATCH_THREAD), FULL - 2, {"test_line": "failed"}),
        Case("frame_reader", _notebook(lambda nb: with_answer(nb, "line", FRAME_READER)),
             FULL - 2, {"test_line": "failed"}),
        Case("lying_number", _notebook(lambda nb: with_answer(nb, "line", LYING_NUMBER)),
             FULL - 2, {"test_line": "failed"}),
        Case("leak_in", _notebook(lambda nb: nb.cells.append(nbformat.v4.new_code_cell(LEAK_IN))),
             FULL),
        Case("leak_stack", _notebook(lambda nb: with_answer(nb, "line", LEAK_STACK)), FULL),
        Case(TWIN_ID, _good, FULL),
        Case(TWIN_LOOKALIKE, _notebook(lambda nb: with_answer(nb, "line", WRONG_LINE)),
             FULL - 2, {"test_line": "failed"}),
    ]


def build_corpus(ctx: Context, selected: list[Case]) -> None:
    """Writes every selected case under ``ctx.submissions``."""
    for case in selected:
        name = os.fsdecode(case.student) if isinstance(case.student, bytes) else case.student
        folder = ctx.submissions / name / MODULE
        folder.mkdir(parents=True)
        case.build(folder, ctx)


def record_json(out: Path) -> list[dict]:
    """Every per-submission record of a results folder."""
    return [json.loads(p.read_text()) for p in sorted((out / "records").rglob("*.json"))]
