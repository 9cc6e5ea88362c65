"""The course's logger: warnings always, ``dlcourse -v`` what each step did, ``-vv`` more.

Library code logs to ``logging.getLogger("dlcourse")`` instead of printing to stderr, so a
program that grades through the Python API decides what it sees.
"""

from __future__ import annotations

import logging
import sys

logger = logging.getLogger("dlcourse")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (a test's capture, a notebook's)."""

    def emit(self, record: logging.LogRecord) -> None:  # noqa: D102
        self.stream = sys.stderr
        super().emit(record)


def configure(verbosity: int = 0) -> None:
    """Shows warnings (0), what each step did (1) or details (2 and more) on stderr.

    Args:
        verbosity: How many ``-v`` were given.
    """
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.WARNING if verbosity <= 0 else
                    logging.INFO if verbosity == 1 else logging.DEBUG)


def warn(message: str) -> None:
    """A warning for the person grading, always shown.

    Libraries that set up logging with ``logging.config.dictConfig`` (traitlets, which
    nbgrader's apps use in-process) disable every logger that existed before; this one is
    switched back on first.
    """
    logger.disabled = False
    logger.warning(message)
