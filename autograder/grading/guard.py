"""Test cells run with fresh bindings, so a student can't redefine what the tests rely on.

A student's answer cell runs in the same namespace as the tests after it. Without care,
``check_close = lambda *a, **k: None``, ``np.allclose = lambda *a, **k: True`` or
``def print(*a): pass`` in an answer cell would turn failing tests into passing ones.

:func:`install` runs in the kernel before any student code. It snapshots the modules the
tests use (``builtins``, NumPy, ``autograder.checks``...) and defines
``__dlcourse_test__`` in the user namespace. The grader then runs every test cell restored
from the course as ``__dlcourse_test__(<source>, <setup imports>)``, which

1. puts back every attribute of the snapshotted modules (and their ``sys.modules``
   entries) that was replaced or deleted,
2. runs the test in a *copy* of the user namespace where names that shadow built-ins
   are dropped and the imports of the locked setup cell are re-run (fresh ``np``,
   ``check_close``...), and
3. copies the names the test itself defined back, for later test cells.

The student's functions keep their own globals, so their code behaves as they wrote it.

Limits: this defends against redefinition and monkey-patching of the names and modules
the tests use. Student code runs in the same interpreter as the tests, so it can't defend
against code written to subvert the grader itself (replacing ``__dlcourse_test__``, say);
such tampering shows in the notebook the instructor can review.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import sys
from typing import Any, Callable

PROTECTED_MODULES = ("builtins", "numpy", "numpy.linalg", "numpy.random", "math",
                     "autograder.checks")
ENTRY = "__dlcourse_test__"


def setup_imports(sources: list[str]) -> str:
    """The import statements of the locked setup cells, to re-run before each test.

    Args:
        sources: The sources of the notebook's read-only code cells.

    Returns:
        Python source holding only their top-level ``import`` statements.
    """
    lines = []
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        lines += [ast.unparse(node) for node in tree.body
                  if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(lines)


def test_cell_source(source: str, imports: str) -> str:
    """What the grader sends to the kernel in place of a test cell's source."""
    return f"{ENTRY}({source!r}, {imports!r})"


def _snapshot() -> dict[str, tuple[Any, dict[str, Any]]]:
    snap = {}
    for name in PROTECTED_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        snap[name] = (module, dict(vars(module)))
    return snap


def _make_runner(shell: Any) -> Callable[[str, str], None]:
    snap = _snapshot()
    real_builtins = builtins
    builtin_names = frozenset(k for k in vars(builtins) if not k.startswith("__"))
    exec_, compile_, dict_ = exec, compile, dict  # captured before any student code
    transform = shell.transform_cell
    user_ns = shell.user_ns

    def restore() -> None:
        for name, (module, attrs) in snap.items():
            sys.modules[name] = module
            current = vars(module)
            for key, value in attrs.items():
                if current.get(key, restore) is not value:
                    current[key] = value

    def run_test(source: str, imports: str) -> None:
        restore()
        namespace = dict_((k, v) for k, v in user_ns.items() if k not in builtin_names)
        namespace["__builtins__"] = real_builtins
        exec_(compile_(imports, "<setup imports>", "exec"), namespace)
        fresh = dict_(namespace)
        code = compile_(transform(source), "<test cell>", "exec")
        try:
            exec_(code, namespace)
        finally:
            for key, value in namespace.items():
                if key != "__builtins__" and fresh.get(key, fresh) is not value:
                    user_ns[key] = value

    return run_test


def _exit(*args: Any, **kwargs: Any) -> None:
    raise SystemExit(*args[:1])


def install(shell: Any = None) -> None:
    """Snapshots the protected modules and defines the test runner in the user namespace.

    Called by the grader in a fresh kernel, before any student code.

    Args:
        shell: The IPython shell (default: the running one).
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    shell.user_ns[ENTRY] = _make_runner(shell)
    # IPython's exit() and quit() end the kernel *after* the cell, so the death would be
    # charged to the next cell: make them raise SystemExit in the cell that calls them.
    shell.user_ns["exit"] = shell.user_ns["quit"] = _exit
    # Hidden from %who and from a student's listing of the namespace.
    shell.user_ns_hidden[ENTRY] = shell.user_ns[ENTRY]
