"""The errors ``dlcourse`` reports as one line: what was expected, what came.

Every error that a user can cause and fix (a missing course folder, an unknown module, a
required sandbox that is not there, a bad layout) derives from :class:`DlcourseError`; the
command line prints its message as ``error: ...`` and exits with status 2, without a
traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class DlcourseError(Exception):
    """An error the user can act on; its message says what was expected and what came."""


class SandboxUnavailableError(DlcourseError, RuntimeError):
    """``--sandbox require`` was given, but kernels cannot be sandboxed here."""
