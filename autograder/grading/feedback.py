"""Feedback for the student: the graded notebook as HTML, hidden tests kept hidden.

Hidden tests appear by name, points and message, never with their code, so an instructor
can reuse an assignment next term: hidden regions of test cells are replaced by a
placeholder line, and tracebacks of test cells are cut to the exception's message (a
traceback would quote the hidden lines). The HTML is sanitised, since the notebook's
markdown is the student's.
"""

from __future__ import annotations

import copy
import html
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbformat import NotebookNode

from autograder.grading import cells as C
from autograder.grading.score import CellGrade, SubmissionGrade

_MARK = {"passed": "✅", "manual": "✍️"}


def _fence(text: str) -> str:
    return "```text\n" + text.replace("```", "`\u200b``") + "\n```"


def _result_cell(grade: CellGrade) -> NotebookNode:
    score = "–" if grade.score is None else f"{grade.score:g}"
    head = (f"{_MARK.get(grade.status, '❌')} **{grade.grade_id}**: {score} / "
            f"{grade.max_score:g} point(s), {grade.status.replace('_', ' ')}")
    body = f"\n\n{_fence(grade.message)}" if grade.message and grade.status != "passed" else ""
    return nbformat.v4.new_markdown_cell(head + body)


def _summary_cell(result: SubmissionGrade) -> NotebookNode:
    lines = [f"# Feedback: {result.assignment}", "",
             f"Student: `{result.student_id}` | autograded score: **{result.score:g} / "
             f"{result.max_score:g}**", "",
             "| test | function | score | result |", "|---|---|---|---|"]
    for g in result.cells:
        score = "–" if g.score is None else f"{g.score:g}"
        lines.append(f"| `{g.grade_id}` | `{g.function}` | {score} / {g.max_score:g} | "
                     f"{_MARK.get(g.status, '❌')} {g.status.replace('_', ' ')} |")
    if result.notes:
        lines += ["", "**Notes from the grader**", ""] + [f"- {html.escape(n)}" for n in result.notes]
    return nbformat.v4.new_markdown_cell("\n".join(lines))


def redact(notebook: NotebookNode, result: SubmissionGrade) -> NotebookNode:
    """A copy of the graded notebook that is safe to hand back.

    Args:
        notebook: The executed notebook, hidden tests included.
        result: Its grades.

    Returns:
        The notebook with hidden test code removed, test tracebacks cut to their
        message, and a result line after each graded cell.
    """
    by_id = {g.grade_id: g for g in result.cells}
    out = nbformat.v4.new_notebook(metadata=copy.deepcopy(notebook.metadata))
    out.cells.append(_summary_cell(result))
    for cell in notebook.cells:
        cell = copy.deepcopy(cell)
        cell.pop("id", None)  # student files may repeat ids; fresh ones are given below
        gid = C.grade_id(cell)
        if C.is_autograded_test(cell):
            cell.source = C.strip_hidden_tests(cell.source)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        out.cells.append(cell)
        if gid in by_id:
            out.cells.append(_result_cell(by_id[gid]))
    for number, cell in enumerate(out.cells):
        cell["id"] = f"cell-{number}"
    return out


def write_feedback(notebook: NotebookNode, result: SubmissionGrade, path: Path) -> None:
    """Writes the feedback HTML for one submission.

    Args:
        notebook: The executed notebook (or, for an unreadable file, an empty one).
        result: Its grades.
        path: Where to write the ``.html`` file; folders are created.
    """
    exporter = HTMLExporter(template_name="lab", sanitize_html=True)
    body, _ = exporter.from_notebook_node(redact(notebook, result))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
