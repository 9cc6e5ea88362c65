"""Reading a submitted notebook without trusting it."""

from __future__ import annotations

import json
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
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            raise UnreadableNotebook(
                f"the notebook is {size / 2**20:.0f} MiB, over the {MAX_NOTEBOOK_BYTES // 2**20} "
                "MiB limit; clear its outputs (Edit > Clear Outputs of All Cells) and resubmit")
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadableNotebook(f"the file could not be read ({error.strerror})") from None
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
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise UnreadableNotebook("the file is JSON but not a Jupyter notebook (no list of cells)")
    try:
        notebook = nbformat.reads(json.dumps(data), as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds
        raise UnreadableNotebook(f"the notebook's structure is not valid ({error})") from None
    for cell in notebook.cells:
        if isinstance(cell.get("source"), list):
            cell.source = "".join(cell.source)
        if not isinstance(cell.get("source"), str):
            cell.source = ""
        if not isinstance(cell.get("metadata"), dict):
            cell.metadata = nbformat.NotebookNode()
    return ReadResult(notebook, notes)


def find_submitted_notebook(folder: Path, module: str) -> tuple[Path | None, list[str]]:
    """Finds the notebook to grade in a student's module folder.

    ``<module>.ipynb`` is expected; a single notebook of another name (a renamed file) is
    accepted with a note; Jupyter's checkpoints are ignored.

    Args:
        folder: ``SUBMISSIONS/<student_id>/<module>``.
        module: The module name.

    Returns:
        The notebook path (or None if there is none) and notes for the feedback.
    """
    expected = folder / f"{module}.ipynb"
    if expected.is_file():
        return expected, []
    others = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if len(others) == 1:
        return others[0], [f"expected {module}.ipynb, graded {others[0].name} instead"]
    if others:
        names = ", ".join(p.name for p in others[:5])
        return None, [f"expected {module}.ipynb; found several other notebooks ({names}) "
                      "and could not tell which one to grade"]
    return None, [f"no notebook found (expected {module}.ipynb)"]
