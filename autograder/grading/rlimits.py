"""Start a command under resource limits: ``python -m autograder.grading.rlimits``.

The kernel is launched through this tiny wrapper, which sets the limits and then replaces
itself with the kernel (``exec``), so the limits bind the kernel and everything it starts::

    python -m autograder.grading.rlimits --memory-mb 4096 --processes 512 --file-mb 1024 \\
        -- python -m ipykernel_launcher -f kernel.json

* ``--memory-mb`` sets ``RLIMIT_DATA`` (heap and private writable mappings). Unlike
  ``RLIMIT_AS`` it does not count the address space that TensorFlow reserves without
  using it, so TensorFlow imports and trains normally while a memory bomb gets a
  ``MemoryError``.
* ``--processes`` sets ``RLIMIT_NPROC``. Linux counts threads as well, per user; it binds
  only for a non-root user (the sandbox runs the kernel as an unprivileged user in its own
  user namespace, so only the sandbox's own processes count).
* ``--file-mb`` sets ``RLIMIT_FSIZE``: no single file written can be larger.
* ``--uid`` (root only) then drops to that unprivileged user and group, so that the
  limits bind: Linux exempts root from ``RLIMIT_NPROC``, also inside a user namespace
  whose user maps to root outside.

A limit of 0 leaves that resource alone. Core dumps are always turned off. On platforms
without the ``resource`` module (Windows) the command is started without limits.
"""

from __future__ import annotations

import argparse
import os
import sys

MIB = 1024 * 1024


def _set(name: str, value: int) -> None:
    import resource

    which = getattr(resource, name, None)
    if which is None:
        return
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def apply_limits(memory_mb: int, processes: int, file_mb: int) -> None:
    """Sets the soft and hard limits of this process (inherited by what it execs/forks).

    Args:
        memory_mb: ``RLIMIT_DATA`` in MiB (0: unchanged).
        processes: ``RLIMIT_NPROC`` (0: unchanged).
        file_mb: ``RLIMIT_FSIZE`` in MiB (0: unchanged).
    """
    try:
        import resource  # noqa: F401 - Unix only
    except ImportError:
        return
    _set("RLIMIT_CORE", 0)
    if memory_mb > 0:
        _set("RLIMIT_DATA", memory_mb * MIB)
    if processes > 0:
        _set("RLIMIT_NPROC", processes)
    if file_mb > 0:
        _set("RLIMIT_FSIZE", file_mb * MIB)


def drop_privileges(uid: int) -> None:
    """Becomes user and group ``uid`` with no supplementary groups (needs root)."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def wrap(command: list[str], memory_mb: int, processes: int, file_mb: int,
         python: str = sys.executable, uid: int | None = None) -> list[str]:
    """The command line that runs ``command`` under the given limits.

    Args:
        command: The program and its arguments.
        memory_mb: ``RLIMIT_DATA`` in MiB (0: none).
        processes: ``RLIMIT_NPROC`` (0: none).
        file_mb: ``RLIMIT_FSIZE`` in MiB (0: none).
        python: The interpreter that runs this wrapper.
        uid: Drop to this user after setting the limits (the wrapper must run as root).

    Returns:
        The wrapped command line.
    """
    return [python, "-m", "autograder.grading.rlimits", "--memory-mb", str(memory_mb),
            "--processes", str(processes), "--file-mb", str(file_mb),
            *(["--uid", str(uid)] if uid is not None else []), "--", *command]


def main(argv: list[str] | None = None) -> None:
    """Parses the limits, applies them and execs the command."""
    parser = argparse.ArgumentParser(prog="python -m autograder.grading.rlimits")
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--processes", type=int, default=0)
    parser.add_argument("--file-mb", type=int, default=0)
    parser.add_argument("--uid", type=int, default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    apply_limits(args.memory_mb, args.processes, args.file_mb)
    if args.uid is not None:
        drop_privileges(args.uid)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
