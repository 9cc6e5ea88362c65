"""Hand-given scores into ``grades.csv`` and the feedback.

Scores come from nbgrader's gradebook (what the instructor entered in formgrader) or
from a CSV with the columns ``student_id,assignment,grade_id,score,comment``. Every
score is checked first (known submission and cell, within the cell's points); if any is
wrong nothing is written. Merged scores are also kept in ``RESULTS/manual_scores.csv``,
so they can be applied again after a regrade.
"""

from __future__ import annotations

import csv
import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path


from autograder.grading.batch import safe_name
from autograder.grading.feedback import write_feedback
from autograder.grading.score import MANUAL_PLACEHOLDER, SubmissionGrade
from autograder.term.gradebook import autograded_notebook
from autograder.term.records import load_records, save_records

MANUAL_COLUMNS = ("student_id", "assignment", "grade_id", "score", "comment")
KEPT = "manual_scores.csv"
_OVERRIDE = "score set by the instructor: "


class ManualScoreError(ValueError):
    """Some hand-given scores cannot be merged; nothing was written."""


@dataclass(frozen=True)
class ManualScore:
    """A score a person gave one graded cell."""

    student_id: str
    assignment: str
    grade_id: str
    score: float
    comment: str = ""


def read_manual_csv(path: Path) -> list[ManualScore]:
    """Reads a manual-scores CSV.

    Raises:
        ManualScoreError: For a missing column or a score that is not a number.
    """
    if not path.is_file():
        raise ManualScoreError(f"manual-scores file not found: {path}")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in MANUAL_COLUMNS[:4] if c not in (reader.fieldnames or [])]
        if missing:
            raise ManualScoreError(f"{path}: expected columns {', '.join(MANUAL_COLUMNS)}; "
                                   f"missing {', '.join(missing)}")
        scores, errors = [], []
        for line, row in enumerate(reader, start=2):
            try:
                value = float(row["score"])
            except (TypeError, ValueError):
                errors.append(f"{path}, line {line}: score must be a number, got {row['score']!r}")
                continue
            scores.append(ManualScore(row["student_id"].strip(), row["assignment"].strip(),
                                      row["grade_id"].strip(), value,
                                      (row.get("comment") or "").strip()))
    if errors:
        raise ManualScoreError("\n".join(errors))
    return scores


def from_gradebook(db_url: str) -> list[ManualScore]:
    """Every score and comment entered by hand in nbgrader's gradebook (formgrader).

    Args:
        db_url: The gradebook, e.g. ``sqlite:////path/gradebook.db``.

    Returns:
        One score per graded cell that has a manual score.
    """
    from nbgrader.api import Gradebook

    scores = []
    with Gradebook(db_url) as gb:
        for assignment in gb.assignments:
            for submission in gb.assignment_submissions(assignment.name):
                for notebook in submission.notebooks:
                    comments = {c.name: c.manual_comment or "" for c in notebook.comments}
                    for grade in notebook.grades:
                        if grade.manual_score is None:
                            continue
                        scores.append(ManualScore(submission.student.id, assignment.name,
                                                  grade.name, float(grade.manual_score),
                                                  comments.get(grade.name, "").strip()))
    return scores


def _kept(results: Path) -> dict[tuple[str, str, str], ManualScore]:
    path = results / KEPT
    return {(s.student_id, s.assignment, s.grade_id): s
            for s in (read_manual_csv(path) if path.is_file() else [])}


def _write_kept(results: Path, scores: dict[tuple[str, str, str], ManualScore]) -> None:
    path = results / KEPT
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MANUAL_COLUMNS)
        for key in sorted(scores):
            s = scores[key]
            writer.writerow([s.student_id, s.assignment, s.grade_id, f"{s.score:g}", s.comment])
    os.replace(tmp, path)


def _teacher_notes(grade: SubmissionGrade) -> list[str]:
    notes = []
    for cell in grade.cells:
        if cell.manual and cell.score is not None:
            comment = "" if cell.message == MANUAL_PLACEHOLDER else f": {cell.message}"
            notes.append(f"Your teacher on {cell.grade_id}: {cell.score:g} / "
                         f"{cell.max_score:g}{comment}")
        elif not cell.manual and cell.message.startswith(_OVERRIDE):
            notes.append(f"Your teacher on {cell.grade_id}: "
                         f"{cell.message.splitlines()[0][len(_OVERRIDE):]}")
    return notes


def _refeedback(grade: SubmissionGrade, results: Path, root: Path) -> None:
    """Re-renders one submission's feedback (answers as submitted, without outputs).

    The teacher's scores and comments are also listed among the notes at the top, which
    every version of the feedback page shows.
    """
    shown = dataclasses.replace(grade, notes=[*grade.notes, *_teacher_notes(grade)])
    write_feedback(autograded_notebook(grade, root), shown,
                   results / "feedback" / safe_name(grade.student_id) / f"{grade.assignment}.html")


def merge_manual(results: Path, root: Path, scores: list[ManualScore],
                 feedback: bool = True) -> list[SubmissionGrade]:
    """Writes hand-given scores into the records, ``grades.csv`` and the feedback.

    Args:
        results: The results folder of ``dlcourse grade``.
        root: The course repository.
        scores: The new scores (with the ones kept from earlier merges re-applied).
        feedback: Whether to re-render the changed submissions' feedback.

    Returns:
        The submissions that changed.

    Raises:
        ManualScoreError: If any score names an unknown submission or cell, or is outside
            the cell's points; then nothing is written.
    """
    grades = {(g.student_id, g.assignment): g for g in load_records(results)}
    merged = _kept(results)
    for s in scores:
        merged[(s.student_id, s.assignment, s.grade_id)] = s
    errors = []
    for (student, module, gid), s in sorted(merged.items()):
        grade = grades.get((student, module))
        if grade is None:
            errors.append(f"{student}/{module}: no graded submission in {results}")
            continue
        cell = next((c for c in grade.cells if c.grade_id == gid), None)
        if cell is None:
            errors.append(f"{student}/{module}: no graded cell {gid!r} (cells: "
                          f"{', '.join(c.grade_id for c in grade.cells)})")
        elif not 0 <= s.score <= cell.max_score:
            errors.append(f"{student}/{module}/{gid}: score {s.score:g} is outside 0.."
                          f"{cell.max_score:g}")
    if errors:
        raise ManualScoreError("nothing was merged:\n  " + "\n  ".join(errors))
    changed = {}
    for (student, module, gid), s in merged.items():
        grade = grades[(student, module)]
        cells = []
        for cell in grade.cells:
            if cell.grade_id == gid:
                if cell.manual:
                    message = s.comment or MANUAL_PLACEHOLDER
                else:
                    before = cell.message
                    if before.startswith(_OVERRIDE):  # merged before: keep the grader's text
                        before = before.partition("\n")[2]
                    message = (f"{_OVERRIDE}{s.score:g}" + (f" ({s.comment})" if s.comment else "")
                               + (f"\n{before}" if before else ""))
                new = dataclasses.replace(cell, score=s.score, message=message)
                if new != cell:
                    changed[(student, module)] = grade
                cell = new
            cells.append(cell)
        grade.cells = cells
    save_records(results, list(changed.values()))
    _write_kept(results, merged)
    if feedback:
        for grade in changed.values():
            _refeedback(grade, results, root)
    return list(changed.values())
