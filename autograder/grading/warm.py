"""The kernel provisioner that starts sandboxed kernels warm, from a zygote.

jupyter_client starts every kernel through a provisioner (``KernelProvisionerBase``); the
default one runs the kernel spec's command and watches that process. This one, registered
as ``dlcourse-warm`` (``pyproject.toml``) and chosen by :mod:`.execute` through the kernel
spec's ``kernel_provisioner`` stanza, runs the sandbox command with a waiting ``sleep`` in
place of the kernel, has the worker's :mod:`.zygote` fork the kernel into that sandbox,
and then watches both: the kernel's end is the sandbox's end (it is stopped at once), and
stopping the sandbox ends the kernel (its PID namespace goes with it).

While the zygote is still importing (a worker's first kernels), and if it cannot serve (it
failed to import, a fork failed: said once), the kernel spec's usual command starts the
kernel instead: a warm kernel is an optimisation, never a reason for a grade to change.
"""

from __future__ import annotations

import signal
import time
from typing import Any

import psutil
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Dict

from autograder.grading import zygote
from autograder.log import warn

NAME = "dlcourse-warm"
HOLDER_NAME = "sleep"
# The sandbox's command: it waits, ignoring the options jupyter_client appends ($1...).
HOLDER_COMMAND = ["/bin/sh", "-c", f"exec {HOLDER_NAME} infinity", "holder"]
HOLDER_TIMEOUT = 30.0


def _holder(launcher: int, deadline: float) -> int:
    """The pid of the sandbox's waiting ``sleep`` (once it runs, the sandbox is set up)."""
    while time.monotonic() < deadline:
        try:
            for process in psutil.Process(launcher).children(recursive=True):
                if process.name() == HOLDER_NAME:
                    return process.pid
        except psutil.Error as error:
            raise RuntimeError(f"the sandbox ended before its kernel started ({error})") from None
        time.sleep(0.002)
    raise RuntimeError("the sandbox did not start in time")


_warned: list[str] = []


def _warn_once(message: str) -> None:
    """Says once per process that kernels start cold (they grade the same, only slower)."""
    if not _warned:
        _warned.append(message)
        warn(message)


def _running(process: psutil.Process | None) -> bool:
    """Whether ``process`` still runs (neither gone nor a zombie waiting to be reaped)."""
    try:
        return (process is not None and process.is_running()
                and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


class WarmKernelProvisioner(LocalProvisioner):
    """Starts the kernel in a sandbox by forking it from a zygote; see the module's text.

    ``request`` (from the kernel spec's provisioner config) holds what the zygote needs:
    ``imports``, ``zygote_env``, ``uid``, ``cwd``, ``env``, ``connection_file``,
    ``memory_mb``, ``processes``, ``file_mb``, and ``cold_argv``, the command that starts
    the kernel the usual way if the zygote cannot.
    """

    request = Dict(config=True)
    kernel: psutil.Process | None = None
    warm = False

    @property
    def kernel_pid(self) -> int | None:
        """The kernel's own pid (not the sandbox's)."""
        return self.kernel.pid if self.kernel is not None else None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        """Starts the waiting sandbox and forks the kernel into it (or starts it cold)."""
        request = dict(self.request)
        # What jupyter_client appended to the spec's command (nbclient's history option).
        extra = cmd[len(self.kernel_spec.argv):]
        request["argv"] = ["-f", request["connection_file"], *extra]
        forker = zygote.shared(tuple(request["imports"]), request["zygote_env"])
        if not forker.alive():  # still importing (the first kernels), or failed
            if forker.failed:
                _warn_once(f"note: no zygote to fork kernels from ({forker.failed}); kernels "
                           "start cold instead (slower, graded the same)")
            return await self._start_cold(request, extra, **kwargs)
        info = await super().launch_kernel(cmd, **kwargs)
        try:
            request["target"] = _holder(self.process.pid, time.monotonic() + HOLDER_TIMEOUT)
            self.kernel = psutil.Process(forker.spawn(request))
            self.warm = True
            return info
        except Exception as error:  # noqa: BLE001 - the usual start instead
            _warn_once(f"note: a kernel could not be forked warm ({error}); kernels start cold "
                       "instead (slower, graded the same)")
            await super().kill()
            await super().wait()
            self.kernel = None
            return await self._start_cold(request, extra, **kwargs)

    async def _start_cold(self, request: dict[str, Any], extra: list[str], **kwargs: Any) -> Any:
        """Starts the kernel the usual way: the kernel spec's own command, in its sandbox."""
        return await super().launch_kernel(
            [*(part.replace("{connection_file}", request["connection_file"])
               for part in request["cold_argv"]), *extra], **kwargs)

    async def poll(self) -> int | None:
        """None while the kernel runs; once it has ended, its sandbox is stopped too."""
        status = await super().poll()
        if status is None and self.warm and not _running(self.kernel):
            await super().kill()
            return -signal.SIGKILL
        return status

    async def kill(self, restart: bool = False) -> None:
        """Kills the kernel and its sandbox."""
        if self.warm and self.kernel is not None:
            try:
                self.kernel.kill()  # psutil: only if the pid is still this kernel's
            except psutil.Error:
                pass
        await super().kill(restart)
