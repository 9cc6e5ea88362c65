"""The one set of statuses a cell can end with, from its run to its grade.

A :class:`CellStatus` is a ``str`` (``StrEnum``), so records, ``grades.csv`` and code that
compares with plain strings read it unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class CellStatus(StrEnum):
    """How a cell ended: the first six when it ran, the rest as a grade."""

    OK = "ok"                        # ran to the end
    ERROR = "error"                  # raised an exception other than a failed check
    TIMEOUT = "timeout"              # ran past its time limit and was stopped
    KERNEL_DIED = "kernel_died"      # the kernel exited, crashed or was killed
    OUTPUT_LIMIT = "output_limit"    # printed past the output limit and was stopped
    NOT_RUN = "not_run"              # never ran (time budget spent, no kernel, no cell)
    PASSED = "passed"                # a test cell that ran to the end
    FAILED = "failed"                # a test cell whose check failed
    UNREADABLE = "unreadable"        # the notebook could not be read
    MANUAL = "manual"                # a written answer, graded by a person
    GRADER_ERROR = "grader_error"    # the grader itself broke (a bug, never the student)


# Exceptions that mean "a check failed" rather than "the code broke".
CHECK_FAILURES = frozenset({"CheckFailure", "AssertionError"})
