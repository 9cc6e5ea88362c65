"""The spare kernel: the next submission's kernel, started while this one is graded.

A kernel start costs about a second and importing TensorFlow in it four to six more, and
the worker waits for both before the first cell. With a spare, a worker that knows what it
grades next (``grade_batch`` tells it) starts that kernel and sends it the set-up code as
soon as the current notebook's kernel is up; the two start-ups and the current notebook's
cells then overlap, and the next notebook takes the spare over ready
(``NotebookRunner._adopt``).

A spare is only ever given to a runner with the same kernel, limits, preloads and
environment (:meth:`NotebookRunner.spare_key`); it has run nothing but the grader's set-up
code, in a scratch folder of its own (the next notebook's data files are copied in when it
is taken), so what a student's code sees is what a kernel started for it would show. One
spare per grading thread at most (a Dask worker may run several; a kernel's client belongs
to the thread that made it); a spare nobody takes is stopped when the next is started, when
its key does not match, and when the process exits.
"""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass
from typing import Any

from autograder.grading import jupyter_adapter


@dataclass
class Spare:
    """A started kernel waiting for its notebook.

    Attributes:
        key: What it was started for (see ``NotebookRunner.spare_key``).
        runner: The ``NotebookRunner`` that started it (for no notebook).
        pending: The ids of its set-up requests, not yet answered.
    """

    key: tuple
    runner: Any
    pending: list[str]


_spares: dict[int, Spare] = {}  # thread id -> its spare


def kept() -> Spare | None:
    """This thread's spare, if it has one (not taken: it stays kept)."""
    return _spares.get(threading.get_ident())


def launch(runner: Any) -> None:
    """Starts ``runner``'s kernel as this thread's spare (a spare kept before is stopped).

    Never raises: without a spare, the next notebook starts its kernel the usual way.
    """
    discard()
    try:
        _spares[threading.get_ident()] = Spare(runner.spare_key(), runner, runner.launch_spare())
    except Exception:  # noqa: BLE001
        stop(Spare((), runner, []))


def take(key: tuple) -> Spare | None:
    """The spare if it was started for ``key`` (the caller owns it then), else None.

    A spare started for something else is stopped: it would only hold memory.
    """
    found = _spares.pop(threading.get_ident(), None)
    if found is None or found.key == key:
        return found
    stop(found)
    return None


def stop(spare: Spare) -> None:
    """Stops a spare's kernel and removes its folders."""
    jupyter_adapter.shut_down(spare.runner.client)
    spare.runner.remove_folders()


def discard() -> None:
    """Stops this thread's spare, if it has one."""
    found = _spares.pop(threading.get_ident(), None)
    if found is not None:
        stop(found)


def _discard_all() -> None:
    for thread in list(_spares):
        found = _spares.pop(thread, None)
        if found is not None:
            stop(found)


atexit.register(_discard_all)
