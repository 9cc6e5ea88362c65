"""What a cell is to the grader, read from its nbgrader metadata."""

from __future__ import annotations

import re

from nbformat import NotebookNode

from autograder.markers import HIDDEN_BEGIN, HIDDEN_END  # noqa: F401 - re-exported
_TEST_ID = re.compile(r"^test_(?P<function>.+?)(?:__(?P<suffix>.+))?$")


def nbgrader_meta(cell: NotebookNode) -> dict:
    """The cell's ``nbgrader`` metadata, or an empty dict."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def grade_id(cell: NotebookNode) -> str | None:
    """The cell's nbgrader ``grade_id``, if it has one."""
    value = nbgrader_meta(cell).get("grade_id")
    return value if isinstance(value, str) and value else None


def is_autograded_test(cell: NotebookNode) -> bool:
    """A code cell with points and no solution: passes or fails on its assertions."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_manual(cell: NotebookNode) -> bool:
    """A cell graded by a person: a written answer (solution and grade both set)."""
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and bool(meta.get("solution"))


def is_answer(cell: NotebookNode) -> bool:
    """A cell the student writes (code or text)."""
    return bool(nbgrader_meta(cell).get("solution"))


def points(cell: NotebookNode) -> float:
    """Points of a graded cell (0 for others)."""
    try:
        return float(nbgrader_meta(cell).get("points", 0) or 0)
    except (TypeError, ValueError):
        return 0.0


def tested_function(test_id: str) -> str:
    """The function a test cell grades: ``test_softmax__keras`` -> ``softmax``."""
    match = _TEST_ID.match(test_id)
    return match.group("function") if match else test_id


def strip_hidden_tests(source: str, placeholder: str | None = "# (hidden tests: run by the "
                                                                  "grader, code not shown)") -> str:
    """Removes hidden-test regions from a test cell's source, leaving a placeholder line.

    Args:
        source: The full source of a test cell.
        placeholder: The line that stands where a hidden region was; None drops it.

    Returns:
        The source a student may see.
    """
    kept, hiding = [], False
    for line in source.splitlines():
        if HIDDEN_BEGIN in line:
            hiding = True
            if placeholder is not None:
                kept.append(line[: len(line) - len(line.lstrip())] + placeholder)
        elif HIDDEN_END in line:
            hiding = False
        elif not hiding:
            kept.append(line)
    return "\n".join(kept)


def same_visible_test(a: str, b: str) -> bool:
    """Whether two test-cell sources agree once hidden regions and blank lines are dropped."""
    def visible(text: str) -> list[str]:
        return [line.rstrip() for line in strip_hidden_tests(text, None).splitlines()
                if line.strip()]
    return visible(a) == visible(b)


def runs_in_judge(cell: NotebookNode) -> bool:
    """Whether a test cell is run by the judge (:mod:`.judge`), not in the student's kernel.

    Every test cell is, unless the course's source marks it ``"dlcourse": {"runs_in":
    "kernel"}`` (a test that hands live Keras objects of its own to the student's code).
    """
    meta = cell.get("metadata", {}).get("dlcourse", {})
    return is_autograded_test(cell) and not (isinstance(meta, dict)
                                             and meta.get("runs_in") == "kernel")
