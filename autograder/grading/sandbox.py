"""Running the student's kernel in a bubblewrap sandbox, with resource limits.

On Linux with bubblewrap (Debian/Ubuntu package ``bubblewrap``, command ``bwrap``) each
kernel runs

* without network (``--unshare-net``: only its own loopback), so it talks to the grader
  over Jupyter's ``ipc`` transport: Unix sockets in a private folder bind-mounted into
  the sandbox;
* as an unprivileged user with no capabilities in its own PID, IPC, UTS and network
  namespaces, so ``RLIMIT_NPROC`` binds (a fork bomb stops at the process limit) and
  every process it started dies with it. A grader running as an ordinary user maps
  itself to uid 1000 in a user namespace (``--cap-drop ALL``, no nested user
  namespaces). A grader running as root starts the kernel through ``setpriv`` (a system
  binary, read-only, that runs before any student code) as a user of its own,
  ``KERNEL_UID_BASE`` + a number unique on the machine, that owns the scratch folder and
  nothing else, with an empty capability bounding set and ``no_new_privs``: a user
  namespace made by root would map the kernel to root outside, which Linux exempts from
  ``RLIMIT_NPROC``, and bubblewrap started as that user cannot bind a Python installed
  under ``/root``;
* from interpreters that never import from the working directory (``python -P -s``): the
  limits wrapper and the kernel are the installed ones, whatever the student wrote into
  the scratch folder, which :mod:`.execute` makes anew at every kernel (re)start;
* with a read-only view of the system: ``/usr``, the few files of ``/etc`` the dynamic
  linker and Python need, the Python installation, the virtual environment and the
  ``autograder`` package. The course repository (solutions, hidden tests), the home
  folders and other students' files are not there at all;
* in a private writable scratch folder that is its working directory and ``$HOME``, and a
  small private ``/tmp``;
* with a clean environment (no secrets inherited from the grader's shell).

A warm kernel (:mod:`.zygote`) is not started in the sandbox but forked into it: the same
command runs with a waiting ``sleep`` in place of the kernel, and the fork enters its
namespaces and takes the same user, capabilities, limits and environment first.

Memory, processes and file size are limited by :mod:`.rlimits` inside the sandbox; time
and output by :mod:`.execute`. Without bubblewrap (macOS, Windows, Colab, containers
that forbid user namespaces) the kernel runs unsandboxed with the memory and file-size
limits only, and :func:`warn_if_unsandboxed` says so once.
"""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psutil

from autograder.errors import SandboxUnavailableError
from autograder.grading import rlimits
from autograder.log import warn

SANDBOX_UID = 1000
KERNEL_UID_BASE = 1_000_000
_kernel_count = itertools.count()
TMP_SIZE_BYTES = 256 * 1024 * 1024
# The parts of /etc a Python kernel needs; the rest (shadow, ssh keys...) stays out.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "alternatives",
             "passwd", "group", "nsswitch.conf", "fonts", "mime.types")
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


@dataclass(frozen=True)
class SandboxStatus:
    """Whether kernels can be sandboxed here, and if not, why."""

    available: bool
    reason: str = ""


@functools.lru_cache(maxsize=1)
def probe() -> SandboxStatus:
    """Checks once per process that bubblewrap exists and can create the namespaces.

    Returns:
        The status; ``reason`` explains an unavailable sandbox.
    """
    if not sys.platform.startswith("linux"):
        return SandboxStatus(False, f"bubblewrap needs Linux (this is {sys.platform})")
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return SandboxStatus(False, "bubblewrap is not installed (apt-get install bubblewrap)")
    uid = KERNEL_UID_BASE + 99_999 * 100 if os.geteuid() == 0 else None
    if uid is not None and shutil.which("setpriv") is None:
        return SandboxStatus(False, "setpriv (util-linux) is not installed")
    command = rlimits.wrap([bwrap, *_namespace_args(uid), "--ro-bind", "/", "/", "--",
                            *_as_user(["true"], uid)], 0, 0, 0)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return SandboxStatus(False, f"bubblewrap could not be run ({error})")
    if done.returncode != 0:
        return SandboxStatus(False, "bubblewrap cannot create namespaces here "
                                    f"({done.stderr.strip()[:200]})")
    return SandboxStatus(True)


def use_sandbox(mode: str) -> bool:
    """Whether to sandbox kernels under the ``Limits.sandbox`` mode.

    Args:
        mode: ``"auto"`` (when available), ``"require"`` (fail without it) or ``"off"``.

    Returns:
        True to run kernels in bubblewrap.

    Raises:
        SandboxUnavailableError: If ``mode`` is ``"require"`` and the sandbox is unavailable.
    """
    if mode == "off":
        return False
    status = probe()
    if mode == "require" and not status.available:
        raise SandboxUnavailableError(f"--sandbox require: student code must run in bubblewrap, "
                                      f"but it is unavailable here: {status.reason}")
    return status.available


def warn_if_unsandboxed(mode: str) -> bool:
    """Prints a warning on stderr when kernels will not be sandboxed.

    The batch (and ``dlcourse check``) call it once, before grading; the workers never
    warn, so a class gets a single warning.

    Args:
        mode: The ``Limits.sandbox`` mode.

    Returns:
        True if kernels will be sandboxed.
    """
    sandboxed = use_sandbox(mode)
    if not sandboxed:
        why = "turned off (--sandbox off)" if mode == "off" else probe().reason
        warn(f"warning: student code will NOT be sandboxed: {why}. It runs with your "
             "permissions and network access; only the time, output, memory and file-size "
             "limits apply.")
    return sandboxed


def _namespace_args(uid: int | None = None) -> list[str]:
    """Namespaces and user: a user namespace unless root switches user (``uid``)."""
    user = (["--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
             "--cap-drop", "ALL", "--disable-userns"] if uid is None else [])
    return [*user, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--hostname", "sandbox", "--die-with-parent",
            "--new-session"]


def _as_user(command: list[str], uid: int | None) -> list[str]:
    """``command`` run as ``uid`` with no capabilities, ever (root graders); else as is."""
    if uid is None:
        return command
    return [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}",
            "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
            "--", *command]


def _readonly_paths() -> list[Path]:
    import autograder

    package = Path(autograder.__file__).resolve().parent
    paths = [Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix), package,
             Path(sys.executable).resolve().parent]
    unique: list[Path] = []
    for path in paths:
        if path.exists() and not any(path == p or path.is_relative_to(p) for p in unique):
            unique = [p for p in unique if not p.is_relative_to(path)] + [path]
    return unique


def bwrap_command(command: list[str], workdir: Path, socket_dir: Path,
                  uid: int | None = None) -> list[str]:
    """The bubblewrap command line that runs ``command`` in the sandbox.

    Args:
        command: The program to run inside (the kernel).
        workdir: The scratch folder: writable, the working directory and ``$HOME``.
        socket_dir: The folder of the kernel's connection file and Unix sockets.
        uid: The kernel's own user (root graders, :func:`kernel_uid`), switched to
            inside the sandbox before ``command`` starts. None: the grader's user, seen
            as uid 1000 in a user namespace.

    Returns:
        The full command line.
    """
    args = [shutil.which("bwrap") or "bwrap", *_namespace_args(uid)]
    for system_dir in SYSTEM_DIRS:
        args += ["--ro-bind-try", system_dir, system_dir]
    for name in ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    # The private /tmp comes before the read-only binds: a course checked out under /tmp
    # (CI clones, say) must stay visible on top of it.
    args += ["--dev", "/dev", "--proc", "/proc",
             "--perms", "1777", "--size", str(TMP_SIZE_BYTES), "--tmpfs", "/tmp"]
    made: set[Path] = set()
    for path in _readonly_paths():
        if str(path).startswith(SYSTEM_DIRS):
            continue
        for parent in reversed(path.parents[:-1]):  # traversable by the kernel's user
            if parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", str(path), str(path)]
    args += ["--bind", str(workdir), str(workdir),
             "--bind", str(socket_dir), str(socket_dir),
             "--chdir", str(workdir),
             # The kernel's parent is the sandbox's init (pid 1), which ipykernel would take
             # for "the grader has exited"; --die-with-parent does that job instead.
             "--unsetenv", "JPY_PARENT_PID", "--remount-ro", "/", "--", *_as_user(command, uid)]
    return args


def kernel_command(kernel_argv: list[str], workdir: Path, socket_dir: Path,
                   memory_mb: int, processes: int, file_mb: int, sandboxed: bool,
                   uid: int | None = None) -> list[str]:
    """The command that starts the kernel under the limits, sandboxed or not.

    Args:
        kernel_argv: The kernel spec's command (with ``{connection_file}``).
        workdir: The scratch folder.
        socket_dir: The folder of the connection file and sockets (sandbox only).
        memory_mb: Memory limit (``RLIMIT_DATA``) in MiB; 0 for none.
        processes: Process and thread limit; applied only in the sandbox, where the kernel
            runs as its own user (elsewhere it would count all of the user's processes).
        file_mb: Largest file the kernel may write, in MiB; 0 for none.
        sandboxed: Whether to run in bubblewrap.
        uid: The user the kernel runs as (root graders: :func:`kernel_uid`); the folders
            must be given to it with :func:`give_to`.

    Returns:
        The command line.
    """
    if kernel_argv and kernel_argv[0] in ("python", "python3", sys.executable):
        # As jupyter_client would do, but never importing from the (student's) cwd.
        kernel_argv = [sys.executable, *rlimits.SAFE_FLAGS, *kernel_argv[1:]]
    if not sandboxed:
        return rlimits.wrap(kernel_argv, memory_mb, 0, file_mb)
    # The limits are set outside, before bubblewrap: nothing the student can reach
    # decides them.
    return rlimits.wrap(bwrap_command(kernel_argv, workdir, socket_dir, uid),
                        memory_mb, processes, file_mb)


def kernel_uid() -> int | None:
    """An unprivileged uid for the next kernel, unique among this machine's kernels.

    Returns:
        The uid for a grader running as root; None otherwise (the user namespace maps
        the grader's own user).
    """
    if os.geteuid() != 0:
        return None
    return KERNEL_UID_BASE + (os.getpid() % 100_000) * 100 + next(_kernel_count) % 100


def give_to(folder: Path, uid: int) -> None:
    """Makes ``uid`` the owner of ``folder`` and everything in it."""
    os.chown(folder, uid, uid)
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            os.lchown(os.path.join(parent, name), uid, uid)


def kernel_environment(base: dict[str, str], workdir: Path) -> dict[str, str]:
    """A clean environment for a sandboxed kernel: nothing inherited but the essentials.

    Args:
        base: The environment the kernel would otherwise get.
        workdir: The scratch folder (``$HOME``).

    Returns:
        The environment.
    """
    keep = {k: v for k, v in base.items()
            if k in ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONHASHSEED", "MPLBACKEND")
            or k.startswith(("TF_", "NVIDIA_", "KERAS_BACKEND", "OMP_", "CUDA_", "OPENBLAS_",
                             "MKL_"))}
    bindir = str(Path(sys.executable).parent)
    return {**keep, "HOME": str(workdir), "TMPDIR": "/tmp", "PYTHONNOUSERSITE": "1",
            "PATH": os.pathsep.join([bindir, "/usr/local/bin", "/usr/bin", "/bin"]),
            "LANG": keep.get("LANG", "C.UTF-8")}


def kernel_pid(launcher: int | None) -> int | None:
    """The pid of the kernel process itself, below bubblewrap (or the launcher itself).

    Args:
        launcher: The pid of the launched kernel command.

    Returns:
        The pid, or None where it can't be told.
    """
    if launcher is None:
        return None
    try:
        process = psutil.Process(launcher)
        for candidate in [process, *process.children(recursive=True)]:
            argv = candidate.cmdline()
            if "ipykernel_launcher" in argv and not argv[0].endswith(("bwrap", "setpriv")):
                return candidate.pid
    except psutil.Error:
        pass
    return None


def stop_stray_processes(kernel: int | None, always: bool, threshold: int = 16) -> int:
    """Kills the processes the kernel started (a fork bomb's survivors, say).

    Args:
        kernel: The kernel's pid (:func:`kernel_pid`).
        always: Kill any stray process (after a failed cell); otherwise only when at
            least ``threshold`` are left.
        threshold: See ``always``.

    Returns:
        The number of processes killed.
    """
    if kernel is None:
        return 0

    def strays() -> list[psutil.Process]:
        try:
            children = psutil.Process(kernel).children(recursive=True)
        except psutil.Error:
            return []
        alive = []
        for child in children:
            try:
                if child.status() != psutil.STATUS_ZOMBIE:
                    alive.append(child)
            except psutil.Error:
                pass
        return alive

    left = strays()
    if not left or (not always and len(left) < threshold):
        return 0
    killed: set[int] = set()
    for _ in range(20):  # survivors may still be forking: repeat until none is left
        for child in left:
            try:
                child.kill()
                killed.add(child.pid)
            except psutil.Error:
                pass
        left = strays()
        if not left:
            break
    return len(killed)
