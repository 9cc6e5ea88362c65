"""Reading and rewriting the grading results (``RESULTS/records`` and ``grades.csv``)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from autograder.grading.batch import safe_name, write_csv
from autograder.grading.score import SubmissionGrade


def record_path(results: Path, student_id: str, module: str) -> Path:
    """Where the batch keeps one submission's record."""
    return results / "records" / safe_name(student_id) / f"{module}.json"


def load_records(results: Path) -> list[SubmissionGrade]:
    """Every submission's grades from ``RESULTS/records``, sorted by student and module.

    Raises:
        FileNotFoundError: If ``results`` holds no records (not graded yet).
    """
    paths = sorted((results / "records").glob("*/*.json"))
    if not paths:
        raise FileNotFoundError(f"no grading records under {results / 'records'}; run "
                                f"`dlcourse grade SUBMISSIONS --out {results}` first")
    grades = [SubmissionGrade.from_json(json.loads(p.read_text())) for p in paths]
    return sorted(grades, key=lambda g: (g.student_id, g.assignment))


def save_records(results: Path, grades: list[SubmissionGrade]) -> None:
    """Writes records back (atomically each) and rebuilds ``grades.csv`` from all records."""
    for grade in grades:
        path = record_path(results, grade.student_id, grade.assignment)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(grade.to_json(), indent=1))
        os.replace(tmp, path)
    write_csv(load_records(results), results / "grades.csv")


def read_grades_csv(results: Path) -> list[dict]:
    """The rows of ``RESULTS/grades.csv``.

    Raises:
        FileNotFoundError: If there is no ``grades.csv``.
    """
    path = results / "grades.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no grades.csv in {results}; run `dlcourse grade` first")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
