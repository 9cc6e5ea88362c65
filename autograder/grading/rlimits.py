"""Start a command under resource limits: ``python -m autograder.grading.rlimits``.

The sandbox is launched through this tiny wrapper, which sets the limits and then replaces
itself with the sandbox (``exec``), so the limits bind the kernel and everything it starts::

    python -P -s -m autograder.grading.rlimits --memory-mb 4096 --processes 512 \\
        --file-mb 1024 -- bwrap ... -- python -P -s -m ipykernel_launcher -f kernel.json

It runs outside the sandbox, from ``python -P -s``, which never imports from the working
directory: a module the student wrote into the scratch folder is never run in its place.

* ``--memory-mb`` sets ``RLIMIT_DATA`` (heap and private writable mappings). Unlike
  ``RLIMIT_AS`` it does not count the address space that TensorFlow reserves without
  using it, so TensorFlow imports and trains normally while a memory bomb gets a
  ``MemoryError``.
* ``--processes`` sets ``RLIMIT_NPROC``. Linux counts threads as well, per user; it binds
  only for a non-root user (the sandbox runs the kernel as an unprivileged user of its
  own, so only the sandbox's own processes count).
* ``--file-mb`` sets ``RLIMIT_FSIZE``: no single file written can be larger.

A limit of 0 leaves that resource alone. Core dumps are always turned off. On platforms
without the ``resource`` module (Windows) the command is started without limits.
"""

from __future__ import annotations

import argparse
import os
import sys

MIB = 1024 * 1024
# ``-P``: ``python -m`` does not put the working directory (the student's scratch folder)
# first on ``sys.path``; ``-s``: no user site-packages (under the student's ``$HOME``).
SAFE_FLAGS = ("-P", "-s")


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


def wrap(command: list[str], memory_mb: int, processes: int, file_mb: int,
         python: str = sys.executable) -> list[str]:
    """The command line that runs ``command`` under the given limits.

    Args:
        command: The program and its arguments.
        memory_mb: ``RLIMIT_DATA`` in MiB (0: none).
        processes: ``RLIMIT_NPROC`` (0: none).
        file_mb: ``RLIMIT_FSIZE`` in MiB (0: none).
        python: The interpreter that runs this wrapper.

    Returns:
        The wrapped command line.
    """
    return [python, *SAFE_FLAGS, "-m", "autograder.grading.rlimits",
            "--memory-mb", str(memory_mb), "--processes", str(processes),
            "--file-mb", str(file_mb), "--", *command]


def main(argv: list[str] | None = None) -> None:
    """Parses the limits, applies them and execs the command."""
    parser = argparse.ArgumentParser(prog="python -m autograder.grading.rlimits")
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--processes", type=int, default=0)
    parser.add_argument("--file-mb", type=int, default=0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    apply_limits(args.memory_mb, args.processes, args.file_mb)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
