"""The judge: test cells run in a process where no student code has ever run.

The grader runs a student's notebook in a sandboxed kernel, as before, but hands every
test cell (visible and hidden) to the judge, a separate Python process that holds the
course's set-up code, the tests, the references (NumPy, SciPy, Keras) and every
comparison. In the judge each name the test needs from the notebook is a
:class:`~.remote.Remote`: calling a student's function sends its arguments to the kernel
and brings the result back as data. So a student cannot rebind the test runner, transform
the test's source, patch ``numpy.allclose`` under the check, walk the stack to the test's
source or read ``In``: none of it is in their process. The verdict is what the judge's
own code concluded.

The grader talks to the judge over its stdin and stdout, one JSON object per line:

* ``{"cmd": "reset", "setup": [...], "cwd": ...}``: a fresh namespace, the set-up cells
  run in it;
* ``{"cmd": "test", "source": ..., "connection": {...}, "kernel_pid": ..., "timeout": ...,
  "max_output": ...}``: runs one test cell against the kernel; the answer has ``status``
  (``ok``, ``error``, ``timeout``, ``kernel_died``, ``kernel_stopped``, ``output_limit``),
  the captured
  output and, for an error, ``ename``, ``evalue`` and ``traceback`` (the test's frames only).

One judge serves a grading worker for a whole batch: its imports are paid once.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import json
import linecache
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from autograder.grading import keras_twins, remote, wire

_BUILTIN_NAMES = frozenset(dir(builtins))


class OutputLimit(BaseException):
    """The test cell (or the student's code it called) printed past the cell's limit."""


class _CappedText(io.StringIO):
    """Captured output that stops the cell past ``limit`` characters."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, text: str) -> int:
        if self.tell() + len(text) > self.limit:
            super().write(text[:max(0, self.limit - self.tell())])
            raise OutputLimit
        return super().write(text)


def referenced_names(source: str) -> set[str]:
    """Every name the source reads or writes (a superset of what it needs)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


class Judge:
    """The judge's state for one notebook: the namespace and where its names came from."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {}
        self.from_kernel: dict[str, Any] = {}  # names bound to the kernel's values
        self.cells = 0

    def reset(self, setup: list[str], cwd: str | None) -> list[str]:
        """A fresh namespace with the course's set-up cells run in it.

        Returns:
            The errors of set-up cells that failed (the notebook's grade shows them).
        """
        if cwd:
            os.chdir(cwd)
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.from_kernel = {}
        keras_twins.forget()
        errors = []
        for index, source in enumerate(setup):
            try:
                exec(self._compile(source, f"<set-up cell {index}>"), self.namespace)  # noqa: S102
            except Exception as error:  # noqa: BLE001
                errors.append(f"{type(error).__name__}: {error}")
        _mirror_seeds()
        return errors

    def _compile(self, source: str, filename: str) -> Any:
        lines = source.splitlines(keepends=True)
        linecache.cache[filename] = (len(source), None, lines, filename)
        return compile(source, filename, "exec")

    def _bind_kernel_names(self, channel: remote.Channel, source: str) -> None:
        for name, value in list(self.from_kernel.items()):
            if self.namespace.get(name, self) is not value:
                del self.from_kernel[name]  # the test rebound it: it is the judge's now
        wanted = sorted(n for n in referenced_names(source) - _BUILTIN_NAMES
                        if n not in self.namespace or n in self.from_kernel)
        found = channel.value({"op": "lookup", "names": wanted}) if wanted else {}
        if not isinstance(found, dict):
            raise wire.BadMessage("the kernel's names came back in the wrong form")
        for name in wanted:
            if name in found:
                self.namespace[name] = self.from_kernel[name] = found[name]
            elif name in self.from_kernel:  # the student deleted it
                del self.namespace[name], self.from_kernel[name]

    def run_test(self, source: str, connection: dict, kernel_pid: int | None,
                 timeout: float, max_output: int) -> dict:
        """Runs one test cell against the student's kernel.

        Returns:
            The cell's result (see the module's docstring).
        """
        self.cells += 1
        output = _CappedText(max_output)
        result: dict[str, Any] = {"status": "ok"}
        channel = None
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            try:
                channel = remote.Channel(connection, time.monotonic() + timeout,
                                         kernel_pid, output)
                remote.set_channel(channel)
                self._bind_kernel_names(channel, source)
                exec(self._compile(source, f"<test cell {self.cells}>"), self.namespace)  # noqa: S102
            except remote.JudgeTimeout:
                result["status"] = "timeout"
            except remote.KernelGone as error:
                result.update(status="kernel_died", evalue=str(error))
            except remote.KernelStopped as error:
                result.update(status="kernel_stopped", evalue=str(error))
            except OutputLimit:
                result["status"] = "output_limit"
            except BaseException as error:  # noqa: BLE001 - the test failed: report it
                result.update(status="error", **_describe(error))
            finally:
                remote.set_channel(None)
                if channel is not None:
                    channel.close()
        result["output"] = output.getvalue()
        return result


def _describe(error: BaseException) -> dict:
    """An exception of a test as name, value and the frames of the test's own code."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename.startswith("<test cell")]
    lines = ["Traceback (most recent call last):\n"] + traceback.format_list(frames)
    lines.append(f"{type(error).__name__}: {error}")  # the class's name alone, as IPython
    lines += [str(note) for note in getattr(error, "__notes__", [])][:5]
    return {"ename": type(error).__name__, "evalue": str(error)[:4000],
            "traceback": [line.rstrip("\n") for line in lines][-60:]}


def _mirror_seeds() -> None:
    """Seeding in a test seeds the kernel too, so training there is as reproducible.

    ``keras.utils.set_random_seed(0)`` in a test that then builds and trains the student's
    model in the kernel must give the run the student saw when running the test themselves.
    """
    from autograder.grading.kernel_rpc import SEEDERS

    for path, (module_name, name) in SEEDERS.items():
        module = sys.modules.get(module_name)
        original = getattr(module, name, None) if module else None
        if original is None or getattr(original, "_dl_mirrored", False):
            continue

        def mirrored(*args: Any, _original: Any = original, _path: str = path) -> Any:
            value = _original(*args)
            channel = remote._current  # noqa: SLF001
            if channel is not None and all(type(a) is int for a in args):
                channel.value({"op": "seed", "function": _path, "args": list(args)})
            return value

        mirrored._dl_mirrored = True  # type: ignore[attr-defined]  # noqa: SLF001
        setattr(module, name, mirrored)


def main() -> None:
    """The judge process: answers the grader's commands on stdin, one per line."""
    from autograder.determinism import configure_grading_process

    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything else printing to stdout (C libraries) must not break the protocol
    sys.stdout = sys.stderr
    configure_grading_process(0)
    judge = Judge()
    for line in sys.stdin:
        command = json.loads(line)
        kind = command.get("cmd")
        if kind == "reset":
            reply = {"errors": judge.reset(command["setup"], command.get("cwd"))}
        elif kind == "test":
            reply = judge.run_test(command["source"], command["connection"],
                                   command.get("kernel_pid"), float(command["timeout"]),
                                   int(command["max_output"]))
        elif kind == "quit":
            break
        else:
            reply = {"status": "error", "ename": "ValueError", "evalue": f"unknown command {kind!r}"}
        replies.write(json.dumps(reply) + "\n")


JUDGE_MEMORY_MB = 8192  # the judge loads the student's layers (safe_mode): bound what they cost


def _limit_judge_memory() -> None:
    from autograder.grading.rlimits import apply_limits

    apply_limits(JUDGE_MEMORY_MB, 0, 0)


class JudgeProcess:
    """The grader's handle on a judge process (started on first use, reused after).

    Args:
        env: The judge's environment (the grading environment: seeds, TensorFlow's logs).
    """

    _shared: "JudgeProcess | None" = None

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None
        self.generation = 0  # counts starts, so that a runner knows to set a new one up

    @classmethod
    def shared(cls, env: dict[str, str]) -> "JudgeProcess":
        """The judge of this grading process (one per worker, for the whole batch)."""
        if cls._shared is None:
            cls._shared = cls(env)
        return cls._shared

    def _ensure(self) -> subprocess.Popen:
        if self.process is None or self.process.poll() is not None:
            self.generation += 1
            self.process = subprocess.Popen(
                [sys.executable, "-m", "autograder.grading.judge"], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=self.env, text=True,
                cwd=str(Path(__file__).resolve().parents[2]),
                preexec_fn=_limit_judge_memory)
        return self.process

    def ask(self, command: dict, timeout: float) -> dict:
        """Sends a command; its reply, or ``{"status": "judge_failed"}`` if the judge died.

        A judge that does not answer within ``timeout`` seconds is killed (and restarted
        on the next command).
        """
        process = self._ensure()
        try:
            process.stdin.write(json.dumps(command) + "\n")
            process.stdin.flush()
        except OSError:
            self.stop()
            return {"status": "judge_failed", "evalue": "the judge could not be reached"}
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                self.stop()
                return {"status": "timeout"}
        line = process.stdout.readline()
        if not line:
            self.stop()
            return {"status": "judge_failed", "evalue": "the judge exited"}
        return json.loads(line)

    def stop(self) -> None:
        """Ends the judge process."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
            self.generation += 1


if __name__ == "__main__":
    main()
