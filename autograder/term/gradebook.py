"""Filling nbgrader's gradebook from our results, so formgrader can grade written answers.

``dlcourse gradebook RESULTS --course COURSE`` makes (or updates) an nbgrader course
folder: ``source/`` from the solutions, the gradebook's assignments and cells from
``nbgrader generate_assignment``, one submission per graded notebook with our autograded
scores, and ``autograded/<student>/<module>/<module>.ipynb`` (the student's answers in
the instructor's notebook) for formgrader to show. Scores and comments already given in
formgrader are kept when it is filled again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.course import exercise_path, solution_path
from autograder.grading.assemble import assemble
from autograder.grading.reading import UnreadableNotebook, read_submission
from autograder.grading.score import SubmissionGrade
from autograder.grading.submission import load_source
from autograder.term.records import load_records

CONFIG = """\
# Written by `dlcourse gradebook`: nbgrader's course for grading written answers by hand.
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "dlcourse"
c.CourseDirectory.db_url = {db_url!r}
from autograder.markers import nbgrader_settings
nbgrader_settings(c)
"""


@dataclass
class FillResult:
    """What was put in the gradebook."""

    course: Path
    db_url: str
    submissions: int
    manual_cells: int


def db_url(course: Path) -> str:
    """The SQLite gradebook of an nbgrader course folder."""
    return f"sqlite:///{course.resolve() / 'gradebook.db'}"


def _nbgrader(course: Path, *args: str) -> None:
    # nbgrader runs `alembic` by name to create the gradebook: the venv's bin goes on PATH.
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent),
                                                  os.environ.get("PATH", "")])}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stderr[-2000:]}")


def autograded_notebook(grade: SubmissionGrade, root: Path) -> nbformat.NotebookNode:
    """The student's answers in the instructor's notebook (what formgrader and the
    re-rendered feedback show); the released exercise where the file is gone or unreadable.

    Args:
        grade: The submission's record.
        root: The course repository.

    Returns:
        The assembled notebook, without outputs.
    """
    source, _ = load_source(root, grade.assignment)
    path = Path(grade.notebook_path) if grade.notebook_path else None
    try:
        if path is None or not path.is_file():
            raise UnreadableNotebook("no notebook")
        student = read_submission(path).notebook
    except UnreadableNotebook:
        student = nbformat.read(exercise_path(root, grade.assignment), as_version=4)
    return assemble(source, student).notebook


def fill_gradebook(results: Path, course: Path, root: Path,
                   names: dict[str, tuple[str, str]] | None = None) -> FillResult:
    """Puts every graded submission of ``results`` into nbgrader's gradebook.

    Args:
        results: The results folder of ``dlcourse grade``.
        course: The nbgrader course folder to create or update.
        root: The course repository.
        names: ``{student_id: (first name, last name)}`` for formgrader's lists.

    Returns:
        Where the gradebook is and how much was put in it.
    """
    from nbgrader.api import Gradebook, MissingEntry

    grades = load_records(results)
    course.mkdir(parents=True, exist_ok=True)
    url = db_url(course)
    (course / "nbgrader_config.py").write_text(CONFIG.format(root=str(course.resolve()),
                                                             db_url=url))
    for module in sorted({g.assignment for g in grades}):
        target = course / "source" / module / f"{module}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(solution_path(root, module), target)
        _nbgrader(course, "generate_assignment", module, "--force")
    manual = 0
    with Gradebook(url) as gb:
        for grade in grades:
            first, last = (names or {}).get(grade.student_id, ("", ""))
            gb.update_or_create_student(grade.student_id, first_name=first or None,
                                        last_name=last or None)
            try:
                gb.find_submission(grade.assignment, grade.student_id)
            except MissingEntry:
                with warnings.catch_warnings():  # nbgrader's own SQLAlchemy autoflush notices
                    warnings.simplefilter("ignore")
                    gb.add_submission(grade.assignment, grade.student_id)
            ours = {c.grade_id: c for c in grade.cells}
            for cell in ours.values():
                try:
                    row = gb.find_grade(cell.grade_id, grade.assignment, grade.assignment,
                                        grade.student_id)
                except MissingEntry:
                    continue
                if cell.manual:
                    row.auto_score = None
                    row.needs_manual_grade = row.manual_score is None
                    manual += 1
                else:
                    row.auto_score = cell.score or 0.0
                    row.needs_manual_grade = False
            gb.db.commit()
            folder = course / "autograded" / grade.student_id / grade.assignment
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(autograded_notebook(grade, root), folder / f"{grade.assignment}.ipynb")
            submitted = course / "submitted" / grade.student_id / grade.assignment
            submitted.mkdir(parents=True, exist_ok=True)
            shutil.copy(folder / f"{grade.assignment}.ipynb", submitted)
    return FillResult(course, url, len(grades), manual)
