"""Warm kernels: forked from a zygote that has already imported the kernel's libraries.

A sandboxed kernel costs a Python start, ``import ipykernel`` and, for the Keras modules,
``import tensorflow``: five to six seconds of CPU for every submission, before its first
cell. A zygote is a process that pays these imports once (per grading worker and set of
preloads) and then forks a kernel for each notebook, as PrairieLearn's Python workers and
Android's apps are forked from a warm parent.

The fork keeps the sandbox. The kernel command that :mod:`.sandbox` builds runs as always
(the limits wrapper, bubblewrap with its namespaces, mounts, scratch folder and private
``/tmp``), but inside it waits (``sleep``) instead of starting Python. The zygote's fork
then *joins* that sandbox before any student code can run:

1. it opens the namespaces of the waiting process (``/proc/PID/ns/*``) and enters them
   with ``setns``: user (non-root graders), IPC, UTS, network, cgroup, PID and mount, so it
   sees the sandbox's file system (its root, the read-only system, the scratch folder) and
   no network, and its own child is a process of the sandbox's PID namespace;
2. that child, the kernel, starts a new session, drops every capability from its bounding
   set, switches to the kernel's user (``setgroups``/``setresgid``/``setresuid``, as
   ``setpriv`` does) and clears its capabilities, sets ``no_new_privs`` and (as the ``exec`` of a cold start would)
   makes itself dumpable again, sets the memory, process and file-size limits,
   checks that it holds no capability at all, replaces its standard streams (the zygote's
   control pipes) with ``/dev/null``, closes every other descriptor and takes the kernel's
   clean environment;
3. only then does it start ``ipykernel`` on the connection file in the sandbox.

So a student's code finds what it would find in a kernel started cold: the same mounts,
user, limits, environment and namespaces, a process whose memory holds nothing but the
imported libraries (the zygote never runs course or student code and starts with the
kernel's clean environment). When the sandbox ends (its ``sleep`` is killed, or the
grader stops it), the PID namespace ends and the kernel with it.

The grader talks to a zygote over its stdin and stdout, one JSON object per line: first
``{"imports": [...]}`` (answered ``{"ready": true}``), then one
``{"target": pid, "uid": ..., ...}`` per kernel, answered ``{"pid": kernel_pid}`` or
``{"error": "..."}``. :class:`.WarmKernelProvisioner` asks for the kernels.

A root grader's kernel switches to a user of its own, as its cold start does with
``setpriv``; an ordinary user's kernel is uid 1000 of the sandbox's user namespace, entered
after the namespaces it owns, with its capabilities there cleared (``capset``). Where
bubblewrap is not used, kernels start cold, as before.
"""

from __future__ import annotations

import ctypes
import fcntl
import importlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
from typing import Any

# The namespaces bubblewrap unshares, in the order they are entered: the user namespace
# first (it grants the rights to enter the others), the mount namespace last (after it,
# /proc/PID of the target is no longer where it was).
NAMESPACES = ("user", "ipc", "uts", "net", "cgroup", "pid", "mnt")
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
CAP_LAST = 63
NS_GET_USERNS = 0xB701  # ioctl: the user namespace that owns a namespace
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
# What a kernel needs and the zygote imports up front, besides the preloads.
BASE_IMPORTS = ("numpy", "ipykernel.kernelapp", "autograder.determinism",
                "autograder.grading.guard")
SPAWN_TIMEOUT = 60.0

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl({option})")


def _join_namespaces(target: int) -> None:
    """Enters every namespace of process ``target`` that differs from this process's own.

    A non-root grader's sandbox has user namespaces: the one bubblewrap made, which owns
    the other namespaces, and a nested one (``--disable-userns``) where the kernel runs.
    Entering a namespace takes ``CAP_SYS_ADMIN`` in the user namespace that owns it, so
    the owner is entered first, then the others, then the kernel's own user namespace.
    """
    handles = []
    for name in NAMESPACES:
        theirs = f"/proc/{target}/ns/{name}"
        try:
            if name == "user" or os.readlink(theirs) == os.readlink(f"/proc/self/ns/{name}"):
                continue
            handles.append((name, os.open(theirs, os.O_RDONLY)))
        except FileNotFoundError:  # a namespace this kernel does not have (cgroup)
            continue
    if not any(name == "mnt" for name, _ in handles):
        raise RuntimeError(f"process {target} is not in a sandbox (same mount namespace)")
    owner = fcntl.ioctl(handles[0][1], NS_GET_USERNS)
    own = os.open(f"/proc/{target}/ns/user", os.O_RDONLY)
    # Read before any setns: once in the sandbox's mount namespace, /proc is its own.
    ours, owner_id, own_id = (os.readlink(p) for p in (
        "/proc/self/ns/user", f"/proc/self/fd/{owner}", f"/proc/self/fd/{own}"))
    steps = [("user", owner, owner_id != ours), *((n, h, True) for n, h in handles),
             ("user", own, own_id not in (ours, owner_id))]
    for name, handle, needed in steps:
        if needed:
            _check(_libc.setns(handle, 0), f"setns({name})")
        os.close(handle)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _clear_capabilities() -> None:
    """Empties the effective, permitted and inheritable sets (``capset``, version 3)."""
    _check(_libc.capset(ctypes.byref(_CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)),
                        (_CapData * 2)()), "capset")


def _capabilities_held() -> list[str]:
    with open("/proc/self/status") as status:
        return [line.strip() for line in status
                if line.startswith(("CapInh", "CapPrm", "CapEff", "CapAmb"))
                and int(line.split()[1], 16) != 0]


def _become_kernel(request: dict[str, Any], report: int) -> None:
    """In the sandbox's namespaces: becomes the kernel's user under its limits, then the kernel.

    Never returns.
    """
    from autograder.grading import rlimits

    os.setsid()  # no terminal of the grader's to inject input into
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.chdir(request["cwd"])
    uid = int(request["uid"])
    for capability in range(CAP_LAST + 1):
        try:
            _prctl(PR_CAPBSET_DROP, capability)
        except OSError:  # past the last capability this kernel knows
            break
    if request.get("own_user"):  # a root grader's kernel user; a user namespace has no
        os.setgroups([])        # groups to change (bubblewrap denies setgroups there)
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _clear_capabilities()  # in a user namespace, keeping one's uid keeps the capabilities
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    # Changing user made the process undumpable (its /proc files root's); the exec of a
    # cold start would have made it dumpable again. Core dumps stay off (RLIMIT_CORE 0).
    _prctl(PR_SET_DUMPABLE, 1)
    held = _capabilities_held()
    if held or os.getuid() != uid:
        raise RuntimeError(f"the kernel kept privileges: uid {os.getuid()}, {held}")
    rlimits.apply_limits(int(request["memory_mb"]), int(request["processes"]),
                         int(request["file_mb"]))
    null = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(null, stream)
    os.closerange(3, report)
    os.closerange(report + 1, os.sysconf("SC_OPEN_MAX"))
    os.environ.clear()
    os.environ.update(request["env"])
    os.write(report, b"ready\n")
    os.close(report)
    from ipykernel import kernelapp

    sys.argv = ["ipykernel_launcher", *request["argv"]]
    try:
        kernelapp.launch_new_instance(argv=sys.argv[1:])
    finally:
        os._exit(0)


def _fork_kernel(request: dict[str, Any]) -> dict[str, Any]:
    """Forks a kernel into the sandbox of ``request["target"]``; its pid, or the error."""
    read_end, write_end = os.pipe()
    middle = os.fork()
    if middle == 0:  # joins the namespaces; its child is the kernel
        try:
            os.close(read_end)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _join_namespaces(int(request["target"]))
            kernel = os.fork()
            if kernel == 0:
                try:
                    _become_kernel(request, write_end)
                except BaseException as error:  # noqa: BLE001 - reported, then gone
                    os.write(write_end, f"error {error!r}\n".encode())
                os._exit(70)
            os.write(write_end, f"pid {kernel}\n".encode())
            os.close(write_end)
            os.waitpid(kernel, 0)
        except BaseException as error:  # noqa: BLE001
            os.write(write_end, f"error {error!r}\n".encode())
        os._exit(0)
    os.close(write_end)
    return _read_report(read_end)


def _read_report(read_end: int) -> dict[str, Any]:
    """The kernel's pid once it reported ready, or the error it reported."""
    text, answer = b"", {}
    try:
        while True:
            ready, _, _ = select.select([read_end], [], [], SPAWN_TIMEOUT)
            chunk = os.read(read_end, 4096) if ready else b""
            if not chunk:
                break
            text += chunk
    finally:
        os.close(read_end)
    for line in text.decode(errors="replace").splitlines():
        word, _, rest = line.partition(" ")
        if word == "pid":
            answer["pid"] = int(rest)
        elif word == "error":
            return {"error": rest}
        elif word == "ready":
            answer["ready"] = True
    if "pid" not in answer or not answer.get("ready"):
        return {"error": f"the forked kernel did not start ({text[-300:]!r})"}
    return {"pid": answer["pid"]}


def serve() -> None:
    """The zygote: imports, then forks one kernel per request until stdin closes."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # dies with its grading worker
    os.chdir("/")
    control_in, control_out = sys.stdin, sys.stdout
    first = json.loads(control_in.readline() or "{}")
    try:
        for name in (*BASE_IMPORTS, *first.get("imports", [])):
            importlib.import_module(name)
    except Exception as error:  # noqa: BLE001 - the grader starts kernels cold then
        control_out.write(json.dumps({"error": repr(error)}) + "\n")
        control_out.flush()
        return
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the middle processes reap themselves
    control_out.write(json.dumps({"ready": True}) + "\n")
    control_out.flush()
    for line in control_in:
        try:
            answer = _fork_kernel(json.loads(line))
        except Exception as error:  # noqa: BLE001
            answer = {"error": repr(error)}
        control_out.write(json.dumps(answer) + "\n")
        control_out.flush()


class Zygote:
    """The grader's handle on one zygote process.

    Args:
        imports: The modules it imports besides :data:`BASE_IMPORTS` (the preloads).
        env: Its environment: the kernels' clean environment (thread pools, seeds), which
            the libraries read as they load.
    """

    def __init__(self, imports: tuple[str, ...], env: dict[str, str]) -> None:
        from autograder.grading.rlimits import SAFE_FLAGS

        self.process = subprocess.Popen(
            [sys.executable, *SAFE_FLAGS, "-m", "autograder.grading.zygote"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, cwd="/", text=True, bufsize=1)
        self.lock = threading.Lock()
        self.spawned = 0  # kernels forked
        self.ready = False
        self.answer: dict[str, Any] = {}  # to the imports, once they are done
        # The imports take seconds: meanwhile the worker grades (its kernels start cold).
        self.started = threading.Thread(target=self._start, args=(imports,), daemon=True)
        self.started.start()

    def _start(self, imports: tuple[str, ...]) -> None:
        self.answer = self._ask({"imports": list(imports)}, 300)
        self.ready = bool(self.answer.get("ready"))

    def wait(self, timeout: float | None = None) -> bool:
        """Waits until the zygote has imported its modules; True if it is ready."""
        self.started.join(timeout)
        return self.alive()

    @property
    def failed(self) -> str:
        """Why the zygote cannot serve (it failed or ended), or "" (ready, or still importing)."""
        if self.started.is_alive():
            return ""
        if not self.ready:
            return str(self.answer.get("error", "it did not start"))
        return "" if self.process.poll() is None else "it ended"

    def _ask(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        with self.lock:
            try:
                self.process.stdin.write(json.dumps(message) + "\n")
                self.process.stdin.flush()
                ready, _, _ = select.select([self.process.stdout], [], [], timeout)
                line = self.process.stdout.readline() if ready else ""
            except (OSError, ValueError) as error:
                return {"error": f"the zygote is gone ({error})"}
            if not line:
                self.stop()
                return {"error": "the zygote did not answer"}
            return json.loads(line)

    def alive(self) -> bool:
        """Whether the zygote is up and has imported what it should."""
        return self.ready and self.process.poll() is None

    def spawn(self, request: dict[str, Any]) -> int:
        """Forks a kernel into a waiting sandbox.

        Args:
            request: ``target`` (a pid in the sandbox), ``uid``, ``cwd``, ``env``,
                ``connection_file``, ``memory_mb``, ``processes``, ``file_mb``.

        Returns:
            The kernel's pid.

        Raises:
            RuntimeError: If the kernel could not be forked into the sandbox.
        """
        answer = self._ask(request, SPAWN_TIMEOUT + 5)
        if "pid" not in answer:
            raise RuntimeError(f"zygote: {answer.get('error', answer)}")
        self.spawned += 1
        return int(answer["pid"])

    def stop(self) -> None:
        """Ends the zygote (its kernels live on in their sandboxes)."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


_zygotes: dict[tuple, Zygote] = {}
_registry_lock = threading.Lock()


def shared(imports: tuple[str, ...], env: dict[str, str]) -> Zygote:
    """This process's zygote for ``imports`` and ``env``, started on first use.

    A zygote that ended after it was ready is started anew; one that failed to import is
    kept as it is (``failed`` says why), so it is not paid for at every kernel.

    Returns:
        The zygote; until it is ready (``alive``), kernels start cold.
    """
    key = (tuple(imports), tuple(sorted(env.items())))
    with _registry_lock:
        zygote = _zygotes.get(key)
        if zygote is None or (zygote.ready and zygote.process.poll() is not None):
            zygote = _zygotes[key] = Zygote(imports, env)
        return zygote


def started() -> list[Zygote]:
    """Every zygote this process has started (ready, importing or failed)."""
    with _registry_lock:
        return list(_zygotes.values())


def stop_all() -> None:
    """Ends every zygote of this process."""
    with _registry_lock:
        for zygote in _zygotes.values():
            zygote.stop()
        _zygotes.clear()


if __name__ == "__main__":
    serve()
