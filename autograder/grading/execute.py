"""Running a notebook cell by cell, so that one bad cell costs only itself.

Plain ``nbconvert --execute`` (and nbgrader's ``Execute``) stops or loses the whole
submission when a cell hangs or the kernel dies. Here each cell has its own time limit:

* a cell that runs past it is interrupted (``KeyboardInterrupt``); if the kernel does not
  come back within a grace period (code that catches the interrupt), the kernel is
  restarted and the cells that ran before are replayed silently;
* a kernel that dies (``os._exit``, a segfault, out of memory) is restarted the same way;
* a cell that prints more than the output limit is stopped and the rest dropped, so a
  print loop can't exhaust memory or the time budget;
* the whole notebook has a time budget too; cells after it are reported as not run;
* the kernel runs in a sandbox with memory, process and file-size limits where the
  platform allows (:mod:`.sandbox`); processes a failed cell leaves behind are stopped;
* test cells restored from the course run with fresh bindings (:mod:`.guard`), and a
  cell's error is read from the kernel's reply, not only from the outputs it displayed.
"""

from __future__ import annotations

import asyncio
import copy
import os
import queue
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from autograder.determinism import GRADING_ENVIRONMENT, THREADS_VARIABLE, thread_environment
from autograder.grading import cells as C
from autograder.grading import guard, jupyter_adapter, sandbox, spare, warm
from autograder.grading.judge import JudgeProcess
from autograder.grading.limits import Limits
from autograder.grading.status import CellStatus

SETUP_CODE = ("from autograder.determinism import configure_grading_process as _dl_configure\n"
              "_dl_configure({seed})\ndel _dl_configure\n"
              "from autograder.grading.guard import install as _dl_install\n"
              "_dl_install()\ndel _dl_install\n{preload}")


@dataclass
class CellRun:
    """How one cell's execution ended.

    Attributes:
        status: ``OK``, ``ERROR``, ``TIMEOUT``, ``KERNEL_DIED``, ``OUTPUT_LIMIT`` or
            ``NOT_RUN``.
        message: For anything but ``OK``: what happened, for the student.
        seconds: Wall time spent on the cell.
        ename: For ``ERROR``: the exception's class name, as the kernel reported it.
        evalue: For ``ERROR``: the exception's value (its message), capped.
    """

    status: CellStatus = CellStatus.NOT_RUN
    message: str = ""
    seconds: float = 0.0
    ename: str = ""
    evalue: str = ""


# The phases of a run, in the order they happen, as the benchmark prints them.
PHASES = ("kernel start", "set-up", "imports", "judge start", "student cells", "test cells",
          "restarts")


@dataclass
class NotebookRun:
    """The executed notebook, one :class:`CellRun` per cell, notes, and timings.

    ``phases`` holds the seconds spent in each of :data:`PHASES`: starting the sandboxed
    kernel, its set-up code, the preloaded imports, the student's cells, the test cells,
    and restarts after a crash or a time-out (with the replay of earlier cells).
    """

    notebook: NotebookNode
    cells: list[CellRun]
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    kernel_restarts: int = 0
    phases: dict[str, float] = field(default_factory=dict)


# Collects the exit status of the kernel's killed children, which count against the
# process limit until they are reaped.
_REAP_CODE = """import os as _dl_os
try:
    while _dl_os.waitpid(-1, _dl_os.WNOHANG)[0]:
        pass
except ChildProcessError:
    pass
del _dl_os"""


class _OutputOverflow(Exception):
    """A cell went over the output limit (and was interrupted)."""


# What an error output may carry: its value and traceback are cut to this many characters.
MAX_ERROR_CHARS = 4000
_OUTPUT_MESSAGES = {"stream", "display_data", "execute_result", "update_display_data", "error"}


def _output_size(msg: dict) -> int:
    """Characters an output message would add: text, data, metadata, error and traceback."""
    content = msg.get("content") or {}
    kind = msg.get("msg_type")
    if kind == "stream":
        return len(str(content.get("text", "")))
    if kind == "error":
        return (len(str(content.get("ename", ""))) + len(str(content.get("evalue", "")))
                + sum(len(str(line)) for line in content.get("traceback") or []))
    data = content.get("data") or {}
    size = sum(len(v) if isinstance(v, str) else len(str(v)) for v in data.values())
    return size + len(str(content.get("metadata") or ""))


def _trim_error(content: dict) -> None:
    """Cuts an error's value and traceback to :data:`MAX_ERROR_CHARS` (in place)."""
    content["evalue"] = str(content.get("evalue", ""))[:MAX_ERROR_CHARS]
    kept, used = [], 0
    for line in reversed([str(line) for line in content.get("traceback") or []]):
        if used + len(line) > MAX_ERROR_CHARS:
            kept.append("[... traceback cut ...]")
            break
        kept.append(line)
        used += len(line)
    content["traceback"] = kept[::-1]


class _CappedClient(NotebookClient):
    """An nbclient ``NotebookClient`` that caps output and keeps each cell's reply.

    Every output message counts, display updates and errors included. Past
    ``max_output_bytes`` for a cell the output is dropped and the cell is interrupted;
    its index is put in ``overflowed``. Past ``max_total_bytes`` kept for the notebook,
    later output is dropped (with a note) but cells run on. An error is always kept (it
    decides the grade), its value and traceback cut to :data:`MAX_ERROR_CHARS`.
    """

    def __init__(self, *args, max_output_bytes: int, max_total_bytes: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._limit = max_output_bytes
        self._total_limit = max_total_bytes
        self._total = 0
        self._used: dict[int, int] = {}
        self.overflowed: set[int] = set()
        self.last_reply: dict | None = None
        self.on_cell_executed = self._keep_reply
        self._interrupts: list[asyncio.Future] = []

    def _keep_reply(self, cell, cell_index, execute_reply) -> None:
        self.last_reply = execute_reply

    def process_message(self, msg, cell, cell_index):  # noqa: D102 - nbclient's hook
        if msg.get("msg_type") in _OUTPUT_MESSAGES and not self._admit(msg, cell, cell_index):
            return None
        return super().process_message(msg, cell, cell_index)

    def _note(self, cell, total: bool) -> None:
        cell.outputs.append(nbformat.v4.new_output(
            "stream", name="stdout", text="\n[output truncated: "
            + _overflow_reason(self._limit, self._total_limit, total) + "]\n"))

    def _admit(self, msg: dict, cell, cell_index: int) -> bool:
        """Whether an output message may be kept (counting it); errors always are."""
        if msg.get("msg_type") == "error":
            _trim_error(msg.setdefault("content", {}))
            self._total += _output_size(msg)
            return True
        size = _output_size(msg)
        used = self._used.get(cell_index, 0) + size
        self._used[cell_index] = used
        if used > self._limit:
            if cell_index not in self.overflowed:
                self.overflowed.add(cell_index)
                self._note(cell, total=False)
                if cell_index >= 0 and self.km is not None:
                    self._interrupts.append(asyncio.ensure_future(self.km.interrupt_kernel()))
            return False
        if self._total + size > self._total_limit:
            if self._total <= self._total_limit:
                self._total = self._total_limit + 1
                self._note(cell, total=True)
            return False
        self._total += size
        return True


def _overflow_reason(cell_limit: int, total_limit: int, total: bool) -> str:
    if total:
        return (f"the notebook printed more than {total_limit:,} characters in all; later "
                "output is not shown")
    return f"the cell printed more than {cell_limit:,} characters and was stopped"


def _explain(ename: str, evalue: str, limits: "Limits") -> str | None:
    """A sentence for errors that come from the grader's limits or from leaving the kernel."""
    if ename == "SystemExit":
        return (f"SystemExit: {evalue}: the cell called sys.exit() or exit(); a notebook "
                "must not exit the Python kernel")
    if ename == "MemoryError" and limits.memory_mb:
        return (f"MemoryError: the cell used more memory than the grader allows "
                f"({limits.memory_mb} MiB)")
    if ename == "BlockingIOError" or "Resource temporarily unavailable" in evalue:
        return (f"{ename}: {evalue}: the cell started too many processes or threads (the "
                f"limit is {limits.max_processes})")
    if ename == "KeyboardInterrupt":
        return "KeyboardInterrupt: the cell raised KeyboardInterrupt (it was not stopped by the grader)"
    return None


def _shown_error(cell: NotebookNode) -> tuple[str, str] | None:
    """The cell's error output as ``(name, value)``, if it displayed one."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return str(output.get("ename", "Error")), str(output.get("evalue", ""))[:MAX_ERROR_CHARS]
    return None


def make_scratch(data_dir: Path | None) -> str:
    """A new private folder holding a copy of ``data_dir``'s data files.

    Notebooks and hidden files are left out; links are copied as links, never followed.

    Args:
        data_dir: The module's released folder (its data files), or None.

    Returns:
        The new folder's path.
    """
    workdir = tempfile.mkdtemp(prefix="dlcourse-kernel-")
    copy_data(data_dir, Path(workdir))
    return workdir


def copy_data(data_dir: Path | None, workdir: Path) -> None:
    """Copies ``data_dir``'s data files (not its notebooks or hidden files) into ``workdir``."""
    if data_dir is None or not data_dir.is_dir():
        return
    for item in data_dir.iterdir():
        if item.suffix == ".ipynb" or item.name.startswith("."):
            continue
        target = workdir / item.name
        if item.is_dir() and not item.is_symlink():
            shutil.copytree(item, target, symlinks=True)
        else:
            shutil.copy2(item, target, follow_symlinks=False)


class NotebookRunner:
    """Executes one notebook in a fresh kernel under :class:`Limits`.

    Every kernel start, the first and each restart, gets a new scratch folder holding a
    fresh copy of ``data_dir``'s files: nothing a kernel wrote survives into the next one
    (a planted module, an IPython start-up file).

    Args:
        notebook: The notebook to run; outputs are written into it.
        data_dir: A folder whose files (not its notebooks or hidden files) each kernel
            finds in its working directory; None for an empty one.
        limits: Time, output and restart limits.
        env: Environment variables for the kernel.
        kernel_name: The Jupyter kernel to start.
        prestart: The limits of the submission this process grades next: once this
            notebook's kernel is up, a kernel for that one starts beside it
            (:mod:`.spare`). None: no spare.
    """

    def __init__(self, notebook: NotebookNode, data_dir: Path | None, limits: Limits,
                 env: dict[str, str] | None = None, kernel_name: str = "python3",
                 prestart: Limits | None = None) -> None:
        self.nb = notebook
        self.limits = limits
        self.kernel_name, self.extra_env, self.prestart = kernel_name, env, prestart
        self.sandboxed = sandbox.use_sandbox(limits.sandbox)
        share = int(os.environ.get(THREADS_VARIABLE, "0") or 0)
        self.base_env = {**os.environ, **GRADING_ENVIRONMENT, **thread_environment(share),
                         **(env or {})}
        self.env = self.base_env
        self.data_dir = data_dir
        self.workdir = ""
        self.client = _CappedClient(
            notebook, timeout=int(limits.cell_timeout), allow_errors=True,
            kernel_name=kernel_name, startup_timeout=120, record_timing=False,
            # A graceful shutdown waits 1-2 s for a TensorFlow kernel to exit, and nothing
            # of the kernel is kept: kill it at once.
            shutdown_kernel="immediate", iopub_timeout=30,
            max_output_bytes=limits.max_output_bytes,
            max_total_bytes=limits.max_notebook_output_bytes)
        self.restarts = 0
        self.phases = dict.fromkeys(PHASES, 0.0)
        self.socket_dir: str | None = None
        self.uid: int | None = None  # the sandboxed kernel's user, when the grader is root
        self._kernel: tuple[int | None, int | None] | None = None  # (launcher, kernel) pids
        self.judge = JudgeProcess.shared(self.base_env) if limits.judge else None
        self._judge_generation = -1
        self._imports = guard.setup_imports(
            [c.source for c in notebook.cells if c.cell_type == "code" and C.grade_id(c)
             and C.nbgrader_meta(c).get("locked") and not C.is_answer(c)
             and not C.is_autograded_test(c)])

    def _configure(self, km) -> None:
        """Points the kernel manager at the limited (and maybe sandboxed) kernel command."""
        spec = km.kernel_spec
        if self.sandboxed:
            if self.socket_dir is not None:  # the last kernel's, writable by it: replace
                shutil.rmtree(self.socket_dir, ignore_errors=True)
            self.socket_dir = tempfile.mkdtemp(prefix="dlk-")
            km.transport = "ipc"
            km.connection_file = os.path.join(self.socket_dir, f"kernel-{self.restarts}.json")
            km.ip = os.path.join(self.socket_dir, f"k{self.restarts}")
        uid = self.uid = sandbox.kernel_uid() if self.sandboxed else None

        def command(kernel_argv: list[str]) -> list[str]:
            return sandbox.kernel_command(
                kernel_argv, Path(self.workdir), Path(self.socket_dir or self.workdir),
                self.limits.memory_mb, self.limits.max_processes, self.limits.max_file_mb,
                self.sandboxed, uid)

        argv, provisioner = command(list(spec.argv)), None
        if self.sandboxed and self.limits.warm:  # forked from a zygote (:mod:`.warm`)
            provisioner = {"provisioner_name": warm.NAME, "config": {"request": {
                "imports": list(self.limits.preload),
                "zygote_env": sandbox.kernel_environment(self.base_env, Path("/")),
                "uid": sandbox.SANDBOX_UID if uid is None else uid, "own_user": uid is not None,
                "cwd": self.workdir, "env": self.env,
                "connection_file": km.connection_file, "memory_mb": self.limits.memory_mb,
                "processes": self.limits.max_processes, "file_mb": self.limits.max_file_mb,
                "cold_argv": argv}}}
            argv = command(warm.HOLDER_COMMAND)
        jupyter_adapter.use_kernel_command(
            km, argv, "message" if self.sandboxed else spec.interrupt_mode, provisioner)
        if uid is not None:  # the kernel's own user must read its connection file
            km.write_connection_file()
            for folder in (self.workdir, self.socket_dir):
                sandbox.give_to(Path(folder), uid)

    def _new_scratch(self) -> None:
        """A new, private working directory for the next kernel; the old one goes."""
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir = make_scratch(self.data_dir)
        self.client.resources = {"metadata": {"path": self.workdir}}
        self.env = (sandbox.kernel_environment(self.base_env, Path(self.workdir))
                    if self.sandboxed else self.base_env)

    def _timed(self, phase: str, began: float) -> float:
        """Adds the time since ``began`` to ``phase``; returns the time now."""
        now = time.monotonic()
        self.phases[phase] += now - began
        return now

    def setup_sources(self) -> list[str]:
        """The code every kernel runs before the notebook: set-up, then the preloads."""
        sources = [SETUP_CODE.format(seed=self.limits.seed, preload="")]
        if self.limits.preload:
            # Imported under private names: the student's namespace is as without preload.
            sources.append("".join(f"import {name} as _dl_preloaded\ndel _dl_preloaded\n"
                                   for name in self.limits.preload))
        return sources

    def spare_key(self) -> tuple:
        """What a spare kernel must have been started with to serve this runner."""
        return (self.kernel_name, self.limits, self.sandboxed,
                tuple(sorted(self.base_env.items())))

    @property
    def _setup_limit(self) -> float:
        """Seconds the set-up code (imports included) may take, outside the cells' limits."""
        return max(self.limits.cell_timeout, 300)

    def _launch_kernel(self) -> None:
        """A new scratch folder and a kernel launched in it (not yet answering)."""
        self._new_scratch()
        self._configure(self.client.create_kernel_manager())
        # The kernel's own stderr holds only C-level logs (TensorFlow's start-up notices,
        # jupyter's transport warning); what the student's code prints arrives over IOPub.
        self.client.start_new_kernel(env=self.env, cwd=self.workdir, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)

    def remove_folders(self) -> None:
        """Removes the kernel's scratch and socket folders (after its kernel has stopped)."""
        for folder in (self.socket_dir, self.workdir):
            if folder:
                shutil.rmtree(folder, ignore_errors=True)

    def _start(self) -> None:
        began = time.monotonic()
        if self._adopt(spare.take(self.spare_key())):
            self._timed("kernel start", began)
        else:
            began = time.monotonic()
            self._launch_kernel()
            self.client.start_new_kernel_client()
            began = self._timed("kernel start", began)
            for source, phase in zip(self.setup_sources(), ("set-up", "imports")):
                self._run_silently(nbformat.v4.new_code_cell(source), self._setup_limit)
                began = self._timed(phase, began)
        if self.prestart is not None:  # once, when the first kernel is up
            spare.launch(NotebookRunner(nbformat.v4.new_notebook(), None, self.prestart,
                                        self.extra_env, self.kernel_name))
            self.prestart = None

    def launch_spare(self) -> list[str]:
        """Starts this runner's kernel and sends its set-up code without waiting for it.

        Returns:
            The ids of the set-up requests, whose replies :meth:`_adopt` waits for.
        """
        self._launch_kernel()
        self.client.kc = self.client.km.client()
        self.client.kc.start_channels()
        # As nbclient sends a cell (in history, errors allowed), so the student's cells get
        # the same execution counts as in a kernel started for them.
        return [self.client.kc.execute(source, store_history=True, stop_on_error=False,
                                       allow_stdin=False) for source in self.setup_sources()]

    def _adopt(self, kept: "spare.Spare | None") -> bool:
        """Takes over a spare kernel once its set-up has run; False (spare stopped) if it failed."""
        if kept is None:
            return False
        other = kept.runner
        deadline = time.monotonic() + self._setup_limit
        waiting = set(kept.pending)
        try:
            while waiting:
                if time.monotonic() > deadline or not run_sync(other.client.km.is_alive)():
                    raise TimeoutError("the spare kernel did not finish its set-up")
                try:
                    reply = run_sync(other.client.kc.get_shell_msg)(timeout=1)
                except queue.Empty:  # not yet
                    continue
                if reply.get("parent_header", {}).get("msg_id") in waiting:
                    if reply["content"].get("status") != "ok":
                        raise RuntimeError("the spare kernel's set-up failed")
                    waiting.discard(reply["parent_header"]["msg_id"])
        except Exception:  # noqa: BLE001 - start a kernel the usual way instead
            spare.stop(kept)
            return False
        self.remove_folders()  # a restarted kernel's, if any
        self.workdir, self.socket_dir, self.env = other.workdir, other.socket_dir, other.env
        copy_data(self.data_dir, Path(self.workdir))
        self.uid = other.uid
        if self.uid is not None:  # the spare kernel's own user, unique to it
            sandbox.give_to(Path(self.workdir), self.uid)
        self.client.resources = {"metadata": {"path": self.workdir}}
        self.client.km, self.client.kc = other.client.km, other.client.kc
        self.client.kc.allow_stdin = False
        self._kernel = None
        return True

    def _stop(self) -> None:
        jupyter_adapter.shut_down(self.client)

    def _kernel_pid(self) -> int | None:
        launcher = jupyter_adapter.launcher_pid(self.client.km)
        if self._kernel is None or self._kernel[0] != launcher:
            forked = jupyter_adapter.forked_kernel_pid(self.client.km)
            self._kernel = (launcher, forked or sandbox.kernel_pid(launcher))
        return self._kernel[1]

    def _to_send(self, cell: NotebookNode) -> NotebookNode:
        """The cell as sent to the kernel: test cells restored from the course are guarded."""
        if not C.is_autograded_test(cell):
            return cell
        sent = copy.deepcopy(cell)
        sent.source = guard.test_cell_source(cell.source, self._imports)
        return sent

    def _judged(self, cell: NotebookNode) -> bool:
        return self.judge is not None and C.runs_in_judge(cell)

    def _judge_setup(self) -> list[str]:
        return [c.source for c in self.nb.cells if c.cell_type == "code" and C.grade_id(c)
                and C.nbgrader_meta(c).get("locked") and not C.is_answer(c)
                and not C.is_autograded_test(c)]

    def _judge_test(self, cell: NotebookNode, timeout: float) -> None:
        """Has the judge run a test cell against the kernel; fills in the cell's outputs.

        Raises what :meth:`_execute` would for the same end (a time-out, a dead kernel,
        too much output), so that :meth:`run` recovers the same way.
        """
        began = time.monotonic()
        if self._judge_generation != self.judge.generation:
            reply = self.judge.ask({"cmd": "reset", "setup": self._judge_setup(),
                                    "cwd": self.workdir}, timeout=300)
            self._judge_generation = self.judge.generation
            self._timed("judge start", began)
            began = time.monotonic()
        info = self.client.km.get_connection_info()
        connection = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in info.items()}
        reply = self.judge.ask({"cmd": "test", "source": cell.source, "connection": connection,
                                "kernel_pid": self._kernel_pid(), "timeout": timeout,
                                "max_output": self.limits.max_output_bytes},
                               timeout=timeout + 60)
        cell.outputs = []
        if reply.get("output"):
            cell.outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                       text=reply["output"]))
        status = reply.get("status")
        if status == "timeout":
            raise CellTimeoutError("the judge's time limit")
        if status == "output_limit":
            self.client.overflowed.add(self.nb.cells.index(cell))
            raise _OutputOverflow
        if status == "kernel_died":
            raise DeadKernelError("the kernel died")
        if status == "kernel_stopped":
            status, reply = "error", {"ename": "KernelStoppedAnswering", "evalue": (
                "the notebook's kernel stopped answering the grader while this test ran "
                f"({reply.get('evalue', '')})"), "traceback": []}
        if status == "judge_failed":
            if self.judge.generation == self._judge_generation:
                self.judge.stop()
            status, reply = "error", {"ename": "JudgeFailed", "evalue": (
                "the grader's judge stopped while running this test on the notebook's "
                "results (too large a value?)"), "traceback": []}
        if status == "error":
            cell.outputs.append(nbformat.v4.new_output(
                "error", ename=str(reply.get("ename", "Error")),
                evalue=str(reply.get("evalue", ""))[:MAX_ERROR_CHARS],
                traceback=[str(line) for line in reply.get("traceback", [])][:60]))
            self.client.last_reply = {"content": {
                "status": "error", "ename": reply.get("ename", "Error"),
                "evalue": reply.get("evalue", "")}}
        else:
            self.client.last_reply = {"content": {"status": "ok"}}

    def _execute(self, cell: NotebookNode, index: int, timeout: float) -> None:
        if self._judged(cell) and index < len(self.nb.cells) and self.nb.cells[index] is cell:
            self._judge_test(cell, timeout)
            return
        self.client.timeout = max(1, int(timeout))
        self.client.last_reply = None
        sent = self._to_send(cell)
        try:
            self.client.execute_cell(sent, index)
        finally:
            if sent is not cell:
                cell.outputs, cell.execution_count = sent.outputs, sent.get("execution_count")

    def _run_silently(self, cell: NotebookNode, timeout: float) -> bool:
        # nbclient writes an executed cell back into ``nb.cells[index]``, so a scratch
        # cell runs in a slot of its own at the end, removed afterwards.
        scratch = copy.deepcopy(cell)
        self.nb.cells.append(scratch)
        try:
            self._execute(scratch, len(self.nb.cells) - 1, timeout)
        except (CellTimeoutError, DeadKernelError):
            return False
        finally:
            self.nb.cells.pop()
        return True

    def _error_of(self, cell: NotebookNode) -> tuple[str, str, str] | None:
        """The cell's error as ``(name, value, message for the student)``, or None.

        The kernel's reply decides; the displayed error output only fills in when the
        reply came without one.
        """
        reply = (self.client.last_reply or {}).get("content", {})
        shown = _shown_error(cell)
        if reply.get("status") == "error":
            name = str(reply.get("ename", "Error"))
            value = str(reply.get("evalue", ""))[:MAX_ERROR_CHARS]
            if shown is None:
                cell.outputs.append(nbformat.v4.new_output("error", ename=name, evalue=value,
                                                           traceback=[]))
        elif shown is not None:
            name, value = shown
        else:
            return None
        message = _explain(name, value, self.limits) or (f"{name}: {value}" if value else name)
        return name, value, message

    def _stop_strays(self, index: int, failed: bool, notes: list[str]) -> None:
        """Stops processes a cell left behind, if it failed or left many."""
        stopped = sandbox.stop_stray_processes(self._kernel_pid(), always=failed)
        if stopped:
            notes.append(f"cell {index} left {stopped} process(es) running; they were stopped")
            self._run_silently(nbformat.v4.new_code_cell(_REAP_CODE), self.limits.interrupt_grace)

    def _recover(self, history: list[int], deadline: float) -> bool:
        """Restarts the kernel and replays the cells in ``history``; False if it can't."""
        began = time.monotonic()
        phases = dict(self.phases)
        try:
            return self._restart_and_replay(history, deadline)
        finally:  # a restart's kernel start, set-up and replay all count as "restarts"
            self.phases = phases
            self._timed("restarts", began)

    def _restart_and_replay(self, history: list[int], deadline: float) -> bool:
        self._stop()
        if self.restarts >= self.limits.max_restarts:
            return False
        self.restarts += 1
        try:
            self._start()
        except Exception:  # noqa: BLE001 - a kernel that won't start ends the run, explained
            self._stop()
            return False
        for index in history:
            if self._judged(self.nb.cells[index]):
                continue  # the judge holds what its test cells defined
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
                run.status = CellStatus.OK
                continue
            cell.outputs, cell.execution_count = [], None
            remaining = deadline - time.monotonic()
            if not alive or remaining <= 0:
                run.message = ("not run: the notebook's time limit of "
                               f"{self.limits.notebook_timeout:.0f} s was reached"
                               if alive else "not run: the kernel could not be restarted")
                continue
            began = time.monotonic()
            restarts_before = self.phases["restarts"]
            budget = min(self.limits.cell_timeout, remaining)
            try:
                self._execute(cell, index, budget)
                if index in self.client.overflowed:
                    raise _OutputOverflow
            except _OutputOverflow:
                run.status = CellStatus.OUTPUT_LIMIT
                run.message = _overflow_reason(self.limits.max_output_bytes,
                                               self.limits.max_notebook_output_bytes, False)
                # Output the kernel buffered before the interrupt (ipykernel's stream buffer,
                # ZeroMQ's queue) keeps it busy and its memory high long after: start afresh.
                notes.append(f"cell {index} printed too much; the kernel was restarted and "
                             "the cells before replayed")
                alive = self._recover(history, deadline)
            except CellTimeoutError:
                if index in self.client.overflowed:  # stopped for its output, time ran out first
                    run.status = CellStatus.OUTPUT_LIMIT
                    run.message = _overflow_reason(self.limits.max_output_bytes,
                                                   self.limits.max_notebook_output_bytes, False)
                else:
                    run.status = CellStatus.TIMEOUT
                    run.message = (f"the cell ran for more than {budget:.0f} s and was stopped "
                                   "(an infinite loop, or far too much work?)")
                if index in self.client.overflowed or not self._interrupted_kernel_answers():
                    notes.append(f"the kernel did not stop in time in cell {index}; "
                                 "it was restarted and the cells before replayed")
                    alive = self._recover(history, deadline)
            except DeadKernelError:
                run.status = CellStatus.KERNEL_DIED
                run.message = ("the Python kernel died while running this cell (it exited, "
                               "was killed, crashed or ran out of memory; the memory limit is "
                               f"{self.limits.memory_mb} MiB)" if self.limits.memory_mb else
                               "the Python kernel died while running this cell (it exited, "
                               "was killed, crashed or ran out of memory)")
                notes.append(f"the kernel died in cell {index}; it was restarted and the "
                             "cells before replayed")
                alive = self._recover(history, deadline)
            else:
                error = self._error_of(cell)
                if error:
                    run.status = CellStatus.ERROR
                    run.ename, run.evalue, run.message = error
                else:
                    run.status = CellStatus.OK
                if error and run.ename == "MemoryError":
                    # What the cell allocated may stay referenced (tracebacks, globals) and
                    # starve later cells: start again from the cells before it.
                    notes.append(f"cell {index} ran out of memory; the kernel was restarted "
                                 "and the cells before replayed")
                    alive = self._recover(history, deadline)
                else:
                    history.append(index)
            run.seconds = time.monotonic() - began
            phase = "test cells" if C.is_autograded_test(cell) else "student cells"
            self.phases[phase] += run.seconds - (self.phases["restarts"] - restarts_before)
            if alive and run.status != CellStatus.KERNEL_DIED:
                self._stop_strays(index, run.status != CellStatus.OK, notes)
            if run.status in (CellStatus.TIMEOUT, CellStatus.KERNEL_DIED, CellStatus.OUTPUT_LIMIT):
                cell.outputs.append(nbformat.v4.new_output(
                    "error", ename=run.status.replace("_", " ").capitalize(),
                    evalue=run.message, traceback=[]))
        self._stop()
        self.remove_folders()
        return NotebookRun(self.nb, runs, notes, time.monotonic() - start, self.restarts,
                           dict(self.phases))
