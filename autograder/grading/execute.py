"""Running a notebook cell by cell, so that one bad cell costs only itself.

Plain ``nbconvert --execute`` (and nbgrader's ``Execute``) stops or loses the whole
submission when a cell hangs or the kernel dies. Here each cell has its own time limit:

* a cell that runs past it is interrupted (``KeyboardInterrupt``); if the kernel does not
  come back within a grace period (code that catches the interrupt), the kernel is
  restarted and the cells that ran before are replayed silently;
* a kernel that dies (``os._exit``, a segfault, out of memory) is restarted the same way;
* output beyond a size limit is dropped with a note, so a print loop can't exhaust memory;
* the whole notebook has a time budget too; cells after it are reported as not run.
"""

from __future__ import annotations

import copy
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from autograder.determinism import GRADING_ENVIRONMENT

SETUP_CODE = ("from autograder.determinism import configure_grading_process as _dl_configure\n"
              "_dl_configure({seed})\ndel _dl_configure")


@dataclass
class Limits:
    """Limits applied while a submission runs.

    Attributes:
        cell_timeout: Seconds one cell may run.
        notebook_timeout: Seconds the whole notebook may run, restarts included.
        max_output_bytes: Output one cell may produce before the rest is dropped.
        interrupt_grace: Seconds a kernel has to answer after an interrupt.
        max_restarts: Kernel restarts allowed before the remaining cells are skipped.
        seed: Seed for Python, NumPy and TensorFlow in the kernel.
    """

    cell_timeout: float = 120.0
    notebook_timeout: float = 900.0
    max_output_bytes: int = 2_000_000
    interrupt_grace: float = 10.0
    max_restarts: int = 3
    seed: int = 0


@dataclass
class CellRun:
    """How one cell's execution ended.

    Attributes:
        status: ``ok``, ``error``, ``timeout``, ``kernel_died`` or ``not_run``.
        message: For anything but ``ok``: what happened, for the student.
        seconds: Wall time spent on the cell.
    """

    status: str = "not_run"
    message: str = ""
    seconds: float = 0.0


@dataclass
class NotebookRun:
    """The executed notebook, one :class:`CellRun` per cell, and notes."""

    notebook: NotebookNode
    cells: list[CellRun]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    kernel_restarts: int = 0


def _output_size(msg: dict) -> int:
    content = msg.get("content", {})
    if msg.get("msg_type") == "stream":
        return len(content.get("text", ""))
    data = content.get("data", {})
    return sum(len(v) if isinstance(v, str) else len(str(v)) for v in data.values())


class _CappedClient(NotebookClient):
    """An nbclient ``NotebookClient`` that stops storing a cell's output past a limit."""

    def __init__(self, *args, max_output_bytes: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._limit = max_output_bytes
        self._used: dict[int, int] = {}

    def output(self, outs, msg, display_id, cell_index):  # noqa: D102 - nbclient's hook
        if msg.get("msg_type") in ("stream", "display_data", "execute_result", "update_display_data"):
            used = self._used.get(cell_index, 0)
            self._used[cell_index] = used + _output_size(msg)
            if self._used[cell_index] > self._limit:
                if used <= self._limit:
                    outs.append(nbformat.v4.new_output(
                        "stream", name="stdout",
                        text=f"\n[output truncated: the cell printed more than "
                             f"{self._limit:,} characters]\n"))
                return None
        return super().output(outs, msg, display_id, cell_index)


def _error_message(cell: NotebookNode) -> str | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            name, value = output.get("ename", "Error"), str(output.get("evalue", ""))
            return f"{name}: {value}"[:4000] if value else name
    return None


class NotebookRunner:
    """Executes one notebook in a fresh kernel under :class:`Limits`.

    Args:
        notebook: The notebook to run; outputs are written into it.
        workdir: The kernel's working directory.
        limits: Time, output and restart limits.
        env: Environment variables for the kernel.
        kernel_name: The Jupyter kernel to start.
    """

    def __init__(self, notebook: NotebookNode, workdir: Path, limits: Limits,
                 env: dict[str, str] | None = None, kernel_name: str = "python3") -> None:
        self.nb = notebook
        self.limits = limits
        self.env = {**os.environ, **GRADING_ENVIRONMENT, **(env or {})}
        self.workdir = str(workdir)
        self.client = _CappedClient(
            notebook, timeout=int(limits.cell_timeout), allow_errors=True,
            kernel_name=kernel_name, startup_timeout=120, record_timing=False,
            resources={"metadata": {"path": self.workdir}},
            max_output_bytes=limits.max_output_bytes)
        self.restarts = 0

    def _start(self) -> None:
        self.client.km = self.client.create_kernel_manager()
        # The kernel's own stderr holds only C-level logs (TensorFlow's start-up notices,
        # jupyter's transport warning); what the student's code prints arrives over IOPub.
        self.client.start_new_kernel(env=self.env, cwd=self.workdir, stderr=subprocess.DEVNULL)
        self.client.start_new_kernel_client()
        self._run_silently(nbformat.v4.new_code_cell(SETUP_CODE.format(seed=self.limits.seed)),
                           self.limits.cell_timeout)

    def _stop(self) -> None:
        try:
            self.client._cleanup_kernel()  # noqa: SLF001 - nbclient's own shutdown
        except Exception:  # noqa: BLE001 - a dead kernel may fail to shut down cleanly
            pass
        self.client.km = None
        self.client.kc = None

    def _execute(self, cell: NotebookNode, index: int, timeout: float) -> None:
        self.client.timeout = max(1, int(timeout))
        self.client.execute_cell(cell, index)

    def _run_silently(self, cell: NotebookNode, timeout: float) -> bool:
        scratch = copy.deepcopy(cell)
        try:
            self._execute(scratch, -1, timeout)
        except (CellTimeoutError, DeadKernelError):
            return False
        return True

    def _recover(self, history: list[int], deadline: float) -> bool:
        """Restarts the kernel and replays the cells in ``history``; False if it can't."""
        self._stop()
        if self.restarts >= self.limits.max_restarts:
            return False
        self.restarts += 1
        self._start()
        for index in history:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._run_silently(self.nb.cells[index],
                                                        min(self.limits.cell_timeout, remaining)):
                return False
        return True

    def _interrupted_kernel_answers(self) -> bool:
        try:
            run_sync(self.client.km.interrupt_kernel)()
        except Exception:  # noqa: BLE001
            return False
        return self._run_silently(nbformat.v4.new_code_cell("pass"), self.limits.interrupt_grace)

    def run(self) -> NotebookRun:
        """Runs every code cell; never raises for anything the notebook does.

        Returns:
            The notebook with outputs and one :class:`CellRun` per cell.
        """
        start = time.monotonic()
        deadline = start + self.limits.notebook_timeout
        runs = [CellRun() for _ in self.nb.cells]
        notes: list[str] = []
        history: list[int] = []  # cells whose effects the kernel holds, for replay
        alive = True
        try:
            self._start()
        except Exception as error:  # noqa: BLE001
            alive = False
            notes.append(f"the Python kernel could not be started ({error})")
        for index, cell in enumerate(self.nb.cells):
            run = runs[index]
            if cell.cell_type != "code":
                run.status = "ok"
                continue
            cell.outputs, cell.execution_count = [], None
            remaining = deadline - time.monotonic()
            if not alive or remaining <= 0:
                run.message = ("not run: the notebook's time limit of "
                               f"{self.limits.notebook_timeout:.0f} s was reached"
                               if alive else "not run: the kernel could not be restarted")
                continue
            began = time.monotonic()
            budget = min(self.limits.cell_timeout, remaining)
            try:
                self._execute(cell, index, budget)
            except CellTimeoutError:
                run.status = "timeout"
                run.message = (f"the cell ran for more than {budget:.0f} s and was stopped "
                               "(an infinite loop, or far too much work?)")
                if not self._interrupted_kernel_answers():
                    notes.append(f"the kernel did not stop after a time-out in cell {index}; "
                                 "it was restarted and the cells before replayed")
                    alive = self._recover(history, deadline)
            except DeadKernelError:
                run.status = "kernel_died"
                run.message = ("the Python kernel died while running this cell (it exited, "
                               "crashed or ran out of memory)")
                notes.append(f"the kernel died in cell {index}; it was restarted and the "
                             "cells before replayed")
                alive = self._recover(history, deadline)
            else:
                error = _error_message(cell)
                run.status, run.message = ("error", error) if error else ("ok", "")
                history.append(index)
            run.seconds = time.monotonic() - began
            if run.status in ("timeout", "kernel_died"):
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename=run.status.replace("_", " ").capitalize(),
                    evalue=run.message, traceback=[]))
        self._stop()
        return NotebookRun(self.nb, runs, notes, time.monotonic() - start, self.restarts)
