"""Reading a submitted notebook without trusting it.

A submission folder is the student's: a notebook may be a symbolic link (to the
solution, or to a classmate's file), a FIFO that blocks whoever reads it, or JSON built to
break the parser. Files are opened without following links and without blocking, only
regular files are read, never more than the size limit, and any failure to parse becomes
an :class:`UnreadableNotebook` with a reason, never an exception that stops the batch.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


class UnreadableNotebook(ValueError):
    """The submitted file is not a notebook the grader can run; the message says why."""


@dataclass
class ReadResult:
    """A notebook read from disk, with notes for the student's feedback."""

    notebook: NotebookNode
    notes: list[str] = field(default_factory=list)


def read_submission(path: Path) -> ReadResult:
    """Reads ``path`` as a Jupyter notebook, tolerating what can be tolerated.

    Non-UTF-8 bytes are replaced (and reported); JSON that is not a notebook, truncated
    files, empty files and huge files raise :class:`UnreadableNotebook` with a sentence a
    student can act on.

    Args:
        path: The submitted ``.ipynb`` file.

    Returns:
        The notebook (nbformat 4) and any notes about repairs made.

    Raises:
        UnreadableNotebook: If the file cannot be used as a notebook.
    """
    notes = []
    raw = read_regular_file(path, MAX_NOTEBOOK_BYTES)
    if not raw.strip():
        raise UnreadableNotebook("the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", errors="replace")
        notes.append("the file is not valid UTF-8; undecodable bytes were replaced by U+FFFD")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        hint = " (the file looks truncated)" if error.pos >= len(text.rstrip()) - 1 else ""
        raise UnreadableNotebook(
            f"the file is not valid notebook JSON{hint}: {error.msg} at line {error.lineno}, "
            f"column {error.colno}") from None
    except RecursionError:
        raise UnreadableNotebook("the file's JSON is nested too deeply to be a notebook") from None
    except ValueError as error:  # e.g. an integer of thousands of digits
        raise UnreadableNotebook(f"the file is not valid notebook JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise UnreadableNotebook("the file is JSON but not a Jupyter notebook (no list of cells)")
    try:
        notebook = nbformat.reads(json.dumps(data), as_version=4)
    except RecursionError:
        raise UnreadableNotebook("the notebook is nested too deeply to be read") from None
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds
        raise UnreadableNotebook(f"the notebook's structure is not valid ({error})"[:500]) from None
    for cell in notebook.cells:
        if isinstance(cell.get("source"), list):
            cell.source = "".join(part for part in cell.source if isinstance(part, str))
        if not isinstance(cell.get("source"), str):
            cell.source = ""
        if not isinstance(cell.get("metadata"), dict):
            cell.metadata = nbformat.NotebookNode()
    return ReadResult(notebook, notes)


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    The file is opened without following a symbolic link and without blocking (a FIFO
    would otherwise wait forever), then checked to be a regular file.

    Args:
        path: The file.
        limit: The largest size accepted, in bytes.

    Returns:
        The file's content.

    Raises:
        UnreadableNotebook: If it is a link, not a regular file, too large or unreadable.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if os.path.islink(path):
            raise UnreadableNotebook(f"{path.name} is a symbolic link, not a notebook file; "
                                     "submit the file itself") from None
        raise UnreadableNotebook(f"the file could not be read ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableNotebook(f"{path.name} is not a regular file (a folder, a pipe or a "
                                     "device); submit the notebook file itself")
        if info.st_size > limit:
            raise UnreadableNotebook(
                f"the notebook is {info.st_size / 2**20:.0f} MiB, over the {limit // 2**20} MiB "
                "limit; clear its outputs (Edit > Clear Outputs of All Cells) and resubmit")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise UnreadableNotebook(f"the notebook is over the {limit // 2**20} MiB limit")
        return b"".join(chunks)
    except OSError as error:
        raise UnreadableNotebook(f"the file could not be read ({error.strerror})") from None
    finally:
        os.close(fd)


def _is_regular(path: Path) -> bool:
    """A regular file itself, not a link to one (nor a FIFO, a device, a folder)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _notebooks_in(folder: Path) -> tuple[list[Path], list[Path]]:
    """Notebook files below ``folder`` (links never followed): regular ones, and others."""
    regular, refused = [], []
    for parent, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d != ".ipynb_checkpoints")
        for name in sorted(files + [d for d in dirs if d.endswith(".ipynb")]):
            if name.endswith(".ipynb"):
                path = Path(parent) / name
                (regular if _is_regular(path) else refused).append(path)
    return regular, refused


def find_submitted_notebook(folder: Path, module: str) -> tuple[Path | None, list[str]]:
    """Finds the notebook to grade in a student's module folder.

    ``<module>.ipynb`` is expected; a single notebook of another name (a renamed file) is
    accepted with a note; Jupyter's checkpoints are ignored. Only regular files inside the
    folder count: a symbolic link (to the solution, or to a classmate's notebook), a FIFO
    or a device is refused with a note, and so is a module folder that is itself a link.

    Args:
        folder: ``SUBMISSIONS/<student_id>/<module>``.
        module: The module name.

    Returns:
        The notebook path (or None if there is none) and notes for the feedback.
    """
    if folder.is_symlink():
        return None, [f"the folder {module} is a symbolic link; submit the notebook itself "
                      "(no notebook was graded)"]
    expected = folder / f"{module}.ipynb"
    if _is_regular(expected):
        return expected, []
    others, refused = _notebooks_in(folder)
    notes = [f"{p.relative_to(folder)} is not a regular file (a symbolic link, a pipe or a "
             "folder) and was not graded" for p in refused]
    if len(others) == 1:
        return others[0], notes + [f"expected {module}.ipynb, graded {others[0].name} instead"]
    if others:
        names = ", ".join(p.name for p in others[:5])
        return None, notes + [f"expected {module}.ipynb; found several other notebooks "
                              f"({names}) and could not tell which one to grade"]
    return None, notes + [f"no notebook found (expected {module}.ipynb)"]
