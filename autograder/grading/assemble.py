"""Rebuilding the notebook to grade from the instructor source and the student's file.

A student's notebook is not trusted: cells can be deleted, duplicated, reordered, retyped,
edited or given fake nbgrader metadata. Like nbgrader's ``OverwriteCells`` and
``DeduplicateIds`` this step restores what the instructor owns, but it rebuilds the whole
notebook in the source's order instead of patching cells in place:

* every graded or read-only cell of the source appears once, in the source's order;
* test and read-only cells come from the source, hidden tests included, whatever the
  student did to them (edited, deleted, retyped, moved);
* answer cells come from the student (the first cell with that ``grade_id``), with the
  source's metadata, so points can't be changed;
* the student's other cells (scratch work, helpers) are kept, each after the graded cell
  that came before it in the student's notebook, so helpers still run before the tests
  that need them;
* nbgrader metadata the source does not know is dropped.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import nbformat
from nbformat import NotebookNode

from autograder.grading import cells as C

_START = "\0start"  # anchor for student cells above the first graded cell


@dataclass
class GradedCellSpec:
    """A cell of the source that earns points.

    Attributes:
        grade_id: nbgrader's id of the cell.
        max_score: Its points.
        manual: True for written answers graded by a person.
    """

    grade_id: str
    max_score: float
    manual: bool

    @property
    def function(self) -> str:
        """The graded function (or written answer) this cell belongs to."""
        return C.tested_function(self.grade_id) if not self.manual else self.grade_id


@dataclass
class Assembled:
    """The notebook ready to run, and what was repaired on the way."""

    notebook: NotebookNode
    notes: list[str] = field(default_factory=list)


def graded_cells(source: NotebookNode) -> list[GradedCellSpec]:
    """The cells of a source notebook that carry points, in order.

    Args:
        source: The instructor notebook.

    Returns:
        One spec per autograded test cell and per manually graded answer.
    """
    specs = []
    for cell in source.cells:
        gid = C.grade_id(cell)
        if gid and (C.is_autograded_test(cell) or C.is_manual(cell)):
            specs.append(GradedCellSpec(gid, C.points(cell), manual=C.is_manual(cell)))
    return specs


def _fresh_cell(cell_type: str, source: str, metadata: dict) -> NotebookNode:
    maker = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
             "raw": nbformat.v4.new_raw_cell}[cell_type]
    return maker(source=source, metadata=copy.deepcopy(metadata))


def _stub(source_cell: NotebookNode, gid: str) -> NotebookNode:
    if source_cell.cell_type == "code":
        text = f"raise NotImplementedError('the answer cell {gid!r} is missing from the submission')"
    else:
        text = "(answer missing from the submission)"
    return _fresh_cell(source_cell.cell_type, text, source_cell.metadata)


def _without_nbgrader(cell: NotebookNode) -> NotebookNode:
    clean = _fresh_cell(cell.cell_type if cell.cell_type in ("code", "markdown", "raw")
                        else "raw", cell.get("source", ""), {})
    tags = cell.get("metadata", {}).get("tags")
    if isinstance(tags, list):
        clean.metadata["tags"] = [t for t in tags if isinstance(t, str)]
    return clean


def assemble(source: NotebookNode, student: NotebookNode) -> Assembled:
    """Builds the notebook to execute for one submission.

    Args:
        source: The instructor notebook (with solutions and hidden tests).
        student: The submitted notebook.

    Returns:
        The notebook to run and notes describing every repair, for the feedback.
    """
    known = {C.grade_id(c) for c in source.cells if C.grade_id(c)}
    notes: list[str] = []

    student_cell: dict[str, NotebookNode] = {}
    attached: dict[str, list[NotebookNode]] = {_START: []}
    anchor = _START
    student_order: list[str] = []
    for cell in student.cells:
        gid = C.grade_id(cell)
        if gid in known and gid not in student_cell:
            student_cell[gid] = cell
            student_order.append(gid)
            anchor = gid
            attached.setdefault(gid, [])
            continue
        if gid in known:
            notes.append(f"cell '{gid}' appears more than once; the first copy was graded "
                         "and later copies run as ordinary cells")
        attached[anchor].append(_without_nbgrader(cell))

    source_order = [C.grade_id(c) for c in source.cells if C.grade_id(c)]
    if not student_cell:
        notes.append("none of this module's graded cells were found in the notebook: is it "
                      "the right module's notebook? Every test was run against it anyway")
    elif student_order != [g for g in source_order if g in student_cell]:
        notes.append("cells were reordered; graded cells were put back in the course's order")

    out_cells = list(attached[_START])
    for src in source.cells:
        gid = C.grade_id(src)
        if not gid:
            continue  # the student's copy of an ordinary cell is among the attached cells
        mine = student_cell.get(gid)
        if C.is_answer(src):
            if mine is None:
                notes.append(f"answer cell '{gid}' is missing from the submission")
                cell = _stub(src, gid)
            else:
                cell = _fresh_cell(src.cell_type, mine.get("source", ""), src.metadata)
                if mine.cell_type != src.cell_type:
                    notes.append(f"answer cell '{gid}' was changed from {src.cell_type} to "
                                 f"{mine.cell_type}; it was graded as {src.cell_type}")
        else:
            cell = _fresh_cell(src.cell_type, src.source, src.metadata)
            if mine is None and C.is_autograded_test(src):
                notes.append(f"test cell '{gid}' was deleted; it was restored from the course")
            elif (mine is not None and C.is_autograded_test(src)
                  and not C.same_visible_test(mine.get("source", ""), src.source)):
                notes.append(f"test cell '{gid}' was edited; the original test was run")
        out_cells.append(cell)
        out_cells.extend(attached.get(gid, []))

    notebook = nbformat.v4.new_notebook(metadata=copy.deepcopy(source.metadata))
    notebook.cells = out_cells
    return Assembled(notebook, notes)
